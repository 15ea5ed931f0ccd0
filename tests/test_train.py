"""Training (themeclass.learning.train): ``fit_model`` and the ``train`` workflow.

Issue 12 point 7: the same data and seed rebuild the model byte for byte,
whatever numpy's global random state.
"""

import json

import numpy as np
import pytest

from themeclass.errors import ThemeclassError
from themeclass.learning import train as train_module
from themeclass.learning.classify import ThemeClassifier
from themeclass.learning.dataset import checksum, load_labelled, theme_matrix
from themeclass.learning.sentiment import ThemeSentiment
from themeclass.learning.thresholds import grid
from themeclass.learning.train import fit_model, joint_threshold, train
from themeclass.model.format import DEFAULT_MODEL, load, save

from conftest import tiny_records


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_fit_model_records_what_it_was_trained_on(tiny_labelled):
    records = load_labelled([tiny_labelled])
    model = fit_model(records, seed=3, n_jobs=1)
    assert model.info["units"] == 36 and model.info["reports"] == 3
    assert model.info["report_ids"] == ["tiny0", "tiny1", "tiny2"]
    assert model.info["checksum"] == checksum(records) and model.info["seed"] == 3
    found = model.predict(["Pathway plans are not always updated."])[0]
    assert found["care_leavers"].sentiment == "negative"


def test_the_joint_threshold_is_tuned_on_the_grid_from_out_of_fold_probabilities(tiny_model_loaded):
    joint = tiny_model_loaded.joint_threshold
    assert joint is not None and joint in grid(0.1, 0.7, 0.025)
    assert tiny_model_loaded.info["meta"]["weakness_thresholds"]["joint"] == joint


def test_without_cross_validation_there_is_no_joint_threshold(tiny_labelled):
    records = load_labelled([tiny_labelled])
    clf = ThemeClassifier(cv=0).fit([r.text for r in records], theme_matrix(records))
    sentiment = ThemeSentiment(cv=0).fit([(r.text, t) for r in records for t in r.themes],
                                         [s for r in records for s in r.themes.values()])
    assert clf.oof_proba_ is None
    assert joint_threshold(records, clf.prepare([r.text for r in records]), clf, sentiment) is None


def test_fit_model_twice_gives_byte_identical_files_whatever_numpys_global_seed(tiny_labelled, tmp_path):
    """Issue 12 point 7."""
    records = load_labelled([tiny_labelled])
    for global_seed, name in ((1, "a"), (2, "b")):
        np.random.seed(global_seed)
        save(fit_model(records, seed=0), tmp_path / name)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    texts = [r.text for r in records] + ["Supervision is not regular, but care leavers are well supported."]
    a, b = load(tmp_path / "a.npz"), load(tmp_path / "b.npz")
    assert json.dumps([{t: r.to_dict() for t, r in f.items()} for f in a.predict(texts)]) == \
        json.dumps([{t: r.to_dict() for t, r in f.items()} for f in b.predict(texts)])


def test_a_different_seed_gives_a_different_model(tiny_labelled, tmp_path):
    records = load_labelled([tiny_labelled])
    save(fit_model(records, seed=0, n_jobs=1), tmp_path / "a")
    save(fit_model(records, seed=1, n_jobs=1), tmp_path / "b")
    assert (tmp_path / "a.npz").read_bytes() != (tmp_path / "b.npz").read_bytes()


# -- the train workflow ---------------------------------------------------------------------

@pytest.fixture
def split_files(tmp_path):
    """The tiny corpus as training reports, and two of its reports copied as an evaluation split."""
    rows = tiny_records(3)
    held_out = [{**r, "id": r["id"].replace("tiny", "held"), "split": "eval"} for r in tiny_records(2)]
    return write_jsonl(tmp_path / "train.jsonl", rows), write_jsonl(tmp_path / "eval.jsonl", held_out)


def test_train_fits_on_the_training_split_scores_on_the_evaluation_split_and_saves(split_files, tmp_path):
    result = train(split_files, output=tmp_path / "m", n_jobs=1)
    assert (result.training_units, result.training_reports) == (36, 3)
    assert result.evaluation_reports == ["held0", "held1"]
    assert result.scores["reports"] == ["held0", "held1"]
    assert result.scores["model"]["units"] == 24 and "macro_f1" in result.scores["keyword_baseline"]
    assert result.path == tmp_path / "m.npz"
    saved = load(result.path)
    assert saved.info["scores"] == json.loads(json.dumps(result.scores))
    assert saved.info["files"] == [str(f) for f in split_files]
    assert saved.info["report_ids"] == ["tiny0", "tiny1", "tiny2"]


def test_train_without_an_output_saves_nothing(split_files, tmp_path):
    result = train(split_files[:1], n_jobs=1)
    assert result.path is None and result.scores == {}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eval.jsonl", "train.jsonl"]


def test_train_refuses_files_with_no_training_units(tmp_path):
    only_eval = write_jsonl(tmp_path / "e.jsonl", [{**r, "split": "eval"} for r in tiny_records(1)])
    with pytest.raises(ThemeclassError, match="no units of the training split to train on"):
        train([only_eval], n_jobs=1)


def _no_fitting(*args, **kwargs):
    raise AssertionError("train must refuse a bad output before it fits anything")


@pytest.mark.parametrize("output", [DEFAULT_MODEL, DEFAULT_MODEL.with_suffix(".json"), DEFAULT_MODEL.with_suffix("")])
def test_train_refuses_the_shipped_default_before_training(split_files, monkeypatch, output):
    """Issue 12 point 5: ``-o models/default.json`` is the default model too."""
    monkeypatch.setattr(train_module, "fit_model", _no_fitting)
    with pytest.raises(ThemeclassError, match="this is the shipped default model"):
        train(split_files, output=output)


def test_train_refuses_an_existing_model_before_training_unless_told_to_overwrite(split_files, tmp_path, monkeypatch):
    (tmp_path / "m.json").write_text("{}")  # either file of the pair counts
    with monkeypatch.context() as patch:
        patch.setattr(train_module, "fit_model", _no_fitting)
        with pytest.raises(ThemeclassError, match="a model with this name exists"):
            train(split_files, output=tmp_path / "m.npz")
    result = train(split_files, output=tmp_path / "m", overwrite=True, n_jobs=1)
    assert load(result.path).info["units"] == 36


def test_train_refuses_a_folder_as_output(split_files, tmp_path, monkeypatch):
    monkeypatch.setattr(train_module, "fit_model", _no_fitting)
    with pytest.raises(ThemeclassError, match="is a folder; give the model a file name in it"):
        train(split_files, output=tmp_path)
