"""The trained model: per-theme sentiment with evidence, safe save and load."""

import json

import numpy as np
import pytest

import themeclass
from themeclass.classify import ThemeClassifier
from themeclass.corpus import load_labelled, theme_matrix
from themeclass.errors import ThemeclassError
from themeclass.model import FORMAT_VERSION, ThemeModel, load


def test_each_theme_gets_its_own_sentiment_and_evidence(tiny_model):
    model = load(tiny_model)
    text = "Strategy discussions are timely and well attended by partners. Pathway plans are not always updated."
    found = model.predict([text])[0]
    assert found["risk_response"].sentiment == "positive"
    assert found["care_leavers"].sentiment == "negative"
    assert found["care_leavers"].evidence == ["Pathway plans are not always updated."]
    assert -1 <= found["care_leavers"].score < 0 < found["risk_response"].score <= 1


def test_items_under_what_needs_to_improve_are_weaknesses(tiny_model):
    found = load(tiny_model).predict(["Supervision is regular and reflective."], ["What needs to improve?"])[0]
    assert found["supervision"].sentiment == "negative"


def test_recurrence_flag_needs_a_weakness_and_a_cue(tiny_model):
    model = load(tiny_model)
    found = model.predict(["Since the last inspection, pathway plans are still not always updated."])[0]
    assert found["care_leavers"].recurring
    assert not model.predict(["Pathway plans are not always updated."])[0]["care_leavers"].recurring


def test_empty_text_has_no_themes_and_long_text_is_handled(tiny_model):
    model = load(tiny_model)
    long = "Supervision is regular and reflective. " * 2600  # ~100 kB
    empty, big = model.predict(["", long])
    assert empty == {}
    assert "supervision" in big


def test_saved_arrays_predict_exactly_like_the_estimator(tiny_labelled, tmp_path):
    records = load_labelled([tiny_labelled])
    clf = ThemeClassifier(random_state=0).fit([r.text for r in records], theme_matrix(records))
    model = ThemeModel.train(records, seed=0)
    loaded = load(model.save(tmp_path / "m"))
    texts = ["Supervision is not regular.", "Adoption happens without delay for most children."]
    assert np.allclose(loaded.theme_proba(loaded.prepare(texts)), clf.predict_proba(texts))


def test_analyse_a_report_file(tiny_model):
    report = load(tiny_model).analyse("corpus/reports/barking-and-dagenham_2018-04_focused.txt.gz")
    assert report.metadata.authority == "Barking and Dagenham"
    assert any("risk_response" in u.themes for u in report.units)


def test_sidecar_records_versions_labels_and_checksums(tiny_model):
    sidecar = json.loads(tiny_model.with_suffix(".json").read_text())
    assert sidecar["format_version"] == FORMAT_VERSION
    assert sidecar["themes"] == list(themeclass.rules.THEMES)
    assert {"scikit-learn", "spacy", "numpy", "themeclass"} <= set(sidecar["versions"])
    assert len(sidecar["model_sha256"]) == 64 and len(sidecar["training"]["training_checksum"]) == 64


def _copy(model_path, tmp_path):
    for suffix in (".npz", ".json"):
        (tmp_path / f"m{suffix}").write_bytes(model_path.with_suffix(suffix).read_bytes())
    return tmp_path / "m.npz"


def test_a_corrupted_model_file_is_refused_before_it_is_read(tiny_model, tmp_path):
    path = _copy(tiny_model, tmp_path)
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ThemeclassError, match=r"m\.npz: checksum mismatch"):
        load(path)


def test_a_truncated_model_file_is_refused(tiny_model, tmp_path):
    path = _copy(tiny_model, tmp_path)
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(ThemeclassError, match="checksum mismatch"):
        load(path)


def test_a_sidecar_from_a_newer_format_is_refused(tiny_model, tmp_path):
    path = _copy(tiny_model, tmp_path)
    sidecar = json.loads(path.with_suffix(".json").read_text())
    sidecar["format_version"] = FORMAT_VERSION + 1
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    with pytest.raises(ThemeclassError, match=f"model format {FORMAT_VERSION + 1} is newer than this themeclass reads"):
        load(path)


def test_a_model_without_its_sidecar_is_refused(tiny_model, tmp_path):
    path = _copy(tiny_model, tmp_path)
    path.with_suffix(".json").unlink()
    with pytest.raises(ThemeclassError, match="sidecar .* is missing"):
        load(path)


def test_same_data_and_seed_give_byte_identical_predictions(tiny_labelled, tmp_path):
    records = load_labelled([tiny_labelled])
    texts = [r.text for r in records] + ["Supervision is not regular, but care leavers are well supported."]
    outputs = []
    for name in ("a", "b"):
        model = load(ThemeModel.train(records, seed=7).save(tmp_path / name))
        outputs.append(json.dumps([{t: r.to_dict() for t, r in found.items()} for found in model.predict(texts)]))
    assert outputs[0] == outputs[1]
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_predict_never_raises_on_any_string(tiny_model_loaded, text):
    found = tiny_model_loaded.predict([text])[0]
    for result in found.values():
        assert -1 <= result.score <= 1 and result.sentiment in ("negative", "positive", "mixed", "neutral")


def test_the_default_model_loads_quickly_and_says_what_it_is():
    import time

    started = time.perf_counter()
    model = load()
    assert time.perf_counter() - started < 1.0
    sidecar = model.info["sidecar"]
    assert sidecar["scores"]["reports"]  # evaluated on named held-out reports
    assert sidecar["training"]["training_units"] >= 1000


def test_a_format_1_model_file_keeps_loading():
    """tests/data/models/format1_tiny.* was written by format 1; keep it loading when the format moves on."""
    model = load("tests/data/models/format1_tiny.npz")
    assert model.info["sidecar"]["format_version"] == 1
    assert "supervision" in model.predict(["Supervision is regular and reflective."])[0]


def test_forked_workers_give_the_same_results_as_one_process(monkeypatch):
    import themeclass.model as model_module

    monkeypatch.setattr(model_module, "PARALLEL_MIN", 10)  # fork even for a short list
    report = themeclass.read("corpus/reports/barking-and-dagenham_2019-04_ilacs.txt.gz")
    texts, sections = [u.text for u in report.units], [u.section for u in report.units]
    model = load()
    alone = model.predict(texts, sections)
    assert model.predict(texts, sections, n_jobs=2) == alone
    assert sum(bool(found) for found in alone) > len(texts) // 2


def test_a_graded_section_heading_moves_the_sentiment_of_what_sits_under_it():
    # Inspectors write under "…: inadequate" in that grade's voice: the same words weigh differently.
    model = load()
    text = "Managers review children's plans and supervision takes place regularly."
    under = {grade: model.predict([text], [f"The experiences and progress of children in care: {grade}"])[0]["supervision"]
             for grade in ("inadequate", "outstanding")}
    assert under["inadequate"].score < under["outstanding"].score
    assert under["outstanding"].sentiment == "positive"


def test_an_uncertain_theme_needs_clearer_criticism_to_count_as_a_weakness():
    # P(weakness) 0.55: a weakness when the theme is sure (0.55 x 0.9 >= 0.4), not when it is a guess (x 0.5).
    from themeclass.evidence import pair_thresholds, weakness_call

    classes = ["mixed", "negative", "neutral", "positive"]
    proba = np.array([[0.25, 0.30, 0.05, 0.40]] * 2)
    thresholds = pair_thresholds([0.9, 0.5], joint=0.4, fallback=0.5)
    assert weakness_call(proba, classes, thresholds) == ["negative", "positive"]
    assert list(pair_thresholds([0.9, 0.5], joint=None, fallback=0.35)) == [0.35, 0.35]  # models before the joint threshold


def test_training_tunes_the_joint_threshold_from_out_of_fold_probabilities(tiny_model, tiny_labelled):
    from themeclass.model import _JOINT_GRID, joint_threshold
    from themeclass.sentiment import ThemeSentiment

    model = load(tiny_model)
    assert float(model.sentiment["joint_threshold"]) in _JOINT_GRID
    assert model.info["sidecar"]["weakness_thresholds"]["joint"] == float(model.sentiment["joint_threshold"])
    records = load_labelled([tiny_labelled])
    clf = ThemeClassifier(cv=0).fit([r.text for r in records], theme_matrix(records))
    sent = ThemeSentiment(cv=0).fit([(r.text, t) for r in records for t in r.themes], [s for r in records for s in r.themes.values()])
    assert clf.oof_proba_ is None and joint_threshold(records, clf.prepare([r.text for r in records]), clf, sent) is None
