"""Labelled units (themeclass.learning.dataset): reading them, and the one split rule.

Issue 12 point 1: the split travels with the labels. Before the redesign a unit's
split came only from ``context/units.jsonl`` beside the label file, ``train``
treated a unit without a split as training and ``evaluate`` as evaluation, so
label files copied elsewhere trained on the evaluation reports without a word.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from themeclass.errors import ThemeclassError
from themeclass.learning.dataset import (EVALUATION_REPORTS, Labelled, by_split, checksum, load_labelled, report_of,
                                         split_of, theme_matrix, with_split)

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "labelled"


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def corpus_lines(name, reports=None, limit=None, drop_split=False):
    """Some records of the real corpus file ``name``, as dicts (optionally without their split)."""
    rows = []
    with open(CORPUS / name, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if reports is not None and report_of(row["id"]) not in reports:
                continue
            if drop_split:
                row.pop("split", None)
            rows.append(row)
            if limit and len(rows) == limit:
                break
    return rows


# -- reading --------------------------------------------------------------------------------

def test_a_record_reads_with_its_section_and_split(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "sefton_2022-03_ilacs#017", "text": "Supervision is not regular.", "themes": {"supervision": "negative"},
         "recurring": ["supervision"], "section": "What needs to improve?", "split": "train"}])
    [record] = load_labelled([path])
    assert record == Labelled("sefton_2022-03_ilacs#017", "Supervision is not regular.", {"supervision": "negative"},
                              ("supervision",), "What needs to improve?", "train")
    assert record.report == "sefton_2022-03_ilacs"
    assert record.to_dict() == json.loads(path.read_text())  # and back, as written


@pytest.mark.parametrize("row, problem", [
    ([1, 2], "line 2: not a JSON object"),
    ({"id": "r#1", "text": "t"}, "line 2: missing field 'themes'"),
    ({"id": "r#1", "text": 3, "themes": {}}, "line 2: id and text must be strings"),
    ({"id": "r#1", "text": "t", "themes": {"supervison": "negative"}}, "line 2: unknown theme 'supervison'"),
    ({"id": "r#1", "text": "t", "themes": {"supervision": "negatve"}}, "line 2: unknown sentiment 'negatve' for supervision"),
    ({"id": "r#1", "text": "t", "themes": {}, "recurring": ["supervision"]}, "line 2: recurring must list themes"),
    ({"id": "r#1", "text": "t", "themes": {}, "split": "test"}, "line 2: split must be one of train, eval, not 'test'"),
])
def test_a_bad_record_is_refused_with_its_file_and_line(tmp_path, row, problem):
    path = write_jsonl(tmp_path / "bad.jsonl", [{"id": "r#0", "text": "t", "themes": {}}, row])
    with pytest.raises(ThemeclassError) as err:
        load_labelled([path])
    assert str(err.value).startswith(f"{path}: {problem}")
    assert "\n" not in str(err.value)


def test_malformed_json_names_the_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "r#0", "text": "t", "themes": {}}\n{"id": \n', encoding="utf-8")
    with pytest.raises(ThemeclassError, match=r"bad\.jsonl: line 2: not valid JSON"):
        load_labelled([path])


def test_no_records_at_all_is_an_error(tmp_path):
    with pytest.raises(ThemeclassError, match="no labelled units found"):
        load_labelled([write_jsonl(tmp_path / "empty.jsonl", [])])


def test_a_unit_labelled_twice_alike_is_kept_once_and_differently_is_refused(tmp_path):
    row = {"id": "r#0", "text": "Supervision is regular.", "themes": {"supervision": "positive"}}
    a = write_jsonl(tmp_path / "a.jsonl", [row])
    b = write_jsonl(tmp_path / "b.jsonl", [row])
    assert len(load_labelled([a, b])) == 1
    c = write_jsonl(tmp_path / "c.jsonl", [{**row, "themes": {"supervision": "negative"}}])
    with pytest.raises(ThemeclassError, match=r"c\.jsonl: line 1: id r#0 is labelled twice, differently"):
        load_labelled([a, c])


def test_a_unit_labelled_in_both_splits_is_refused(tmp_path):
    row = {"id": "sefton_2022-03_ilacs#017", "text": "Supervision is regular.", "themes": {"supervision": "positive"}}
    a = write_jsonl(tmp_path / "train.jsonl", [{**row, "split": "train"}])
    b = write_jsonl(tmp_path / "eval.jsonl", [{**row, "split": "eval"}])
    with pytest.raises(ThemeclassError, match=r"eval\.jsonl: line 1: id sefton_2022-03_ilacs#017 is in both "
                                              "the training and the evaluation split"):
        load_labelled([a, b])
    # the same holds when one of the two copies has no split and is of an evaluation report
    luton = {**row, "id": "luton_2026-03_ilacs#004"}
    c = write_jsonl(tmp_path / "c.jsonl", [{**luton, "split": "train"}])
    d = write_jsonl(tmp_path / "d.jsonl", [luton])
    with pytest.raises(ThemeclassError, match="in both the training and the evaluation split"):
        load_labelled([c, d])


# -- the split rule -------------------------------------------------------------------------

def test_a_records_own_split_wins():
    assert split_of(Labelled("luton_2026-03_ilacs#004", "t", {}, split="train")) == "train"
    assert split_of(Labelled("sefton_2022-03_ilacs#017", "t", {}, split="eval")) == "eval"


def test_without_a_split_a_unit_of_an_evaluation_report_is_eval_and_any_other_train():
    assert len(EVALUATION_REPORTS) == 18
    for report in EVALUATION_REPORTS:
        assert split_of(Labelled(f"{report}#000", "t", {})) == "eval"
    assert split_of(Labelled("sefton_2022-03_ilacs#017", "t", {})) == "train"


def test_the_shipped_label_files_agree_with_the_rule():
    """Every record of the shipped files carries its split, and it is the one the
    report-id rule would give: the two can never disagree about a shipped unit."""
    for name, split in (("eval.jsonl", "eval"), ("train.jsonl", "train")):
        rows = corpus_lines(name)
        assert {row["split"] for row in rows} == {split}
        assert {report_of(row["id"]) in EVALUATION_REPORTS for row in rows} == {split == "eval"}
    assert {report_of(r["id"]) for r in corpus_lines("eval.jsonl")} == EVALUATION_REPORTS


def test_records_copied_without_their_split_keep_the_evaluation_reports_in_eval(tmp_path):
    """Label files moved to another folder (and records written before the split field
    existed): no side file is needed to keep an evaluation unit out of training."""
    train_rows = corpus_lines("train.jsonl", limit=40, drop_split=True)
    eval_rows = corpus_lines("eval.jsonl", reports={"westminster_2018-08_focused"}, drop_split=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    files = [write_jsonl(elsewhere / "train.jsonl", train_rows), write_jsonl(elsewhere / "eval.jsonl", eval_rows)]
    split = by_split(load_labelled(files))
    assert [r.id for r in split["eval"]] == [row["id"] for row in eval_rows]
    assert [r.id for r in split["train"]] == [row["id"] for row in train_rows]
    assert all(r.split is None for r in split["eval"])  # decided by the rule, not by a field


def test_with_split_writes_the_split_into_each_record():
    records = [Labelled("sefton_2022-03_ilacs#017", "t", {}), Labelled("luton_2026-03_ilacs#004", "t", {})]
    marked = with_split(records, "eval")
    assert [r.split for r in marked] == ["eval", "eval"]
    assert [r.to_dict()["split"] for r in marked] == ["eval", "eval"]
    assert by_split(marked) == {"train": [], "eval": marked}
    assert records[0].split is None  # the originals are untouched (records are frozen)


# -- what training uses ---------------------------------------------------------------------

def test_theme_matrix_has_one_column_per_theme_in_codebook_order():
    records = [Labelled("r#0", "t", {"supervision": "negative", "sufficiency": "positive"}), Labelled("r#1", "t", {})]
    assert theme_matrix(records).tolist() == [[0, 1, 0, 0, 1], [0, 0, 0, 0, 0]]
    assert theme_matrix([]).shape == (0, 5)


def test_checksum_ties_a_model_to_its_data_not_to_the_order_of_the_records():
    a = Labelled("r#0", "Supervision is regular.", {"supervision": "positive"})
    b = Labelled("r#1", "Pathway plans are late.", {"care_leavers": "negative"})
    assert checksum([a, b]) == checksum([b, a])
    assert len(checksum([a, b])) == 64
    relabelled = Labelled("r#1", "Pathway plans are late.", {"care_leavers": "mixed"})
    assert checksum([a, relabelled]) != checksum([a, b])
    assert checksum([a, b]) == checksum([a, Labelled(**{**b.__dict__, "split": "train", "section": "x"})])


def test_training_on_copied_files_never_trains_on_evaluation_units(tmp_path):
    """Issue 12 point 1: copy train.jsonl and eval.jsonl to another folder (here a few
    reports of each, without their split field, as files were before it existed),
    train on both, evaluate on eval: the evaluation units are never trained on."""
    from themeclass.learning.evaluate import evaluate
    from themeclass.learning.train import train

    train_rows = corpus_lines("train.jsonl", limit=60, drop_split=True)
    held_out = {"westminster_2018-08_focused", "redcar-and-cleveland_2019-01_focused"}
    eval_rows = corpus_lines("eval.jsonl", reports=held_out, drop_split=True)
    folder = tmp_path / "copied"
    folder.mkdir()
    train_file = write_jsonl(folder / "train.jsonl", train_rows)
    eval_file = write_jsonl(folder / "eval.jsonl", eval_rows)

    result = train([train_file, eval_file], output=tmp_path / "m", n_jobs=1)
    trained_on = set(result.model.info["report_ids"])
    assert trained_on == {report_of(r["id"]) for r in train_rows}
    assert not trained_on & EVALUATION_REPORTS
    assert result.training_units == len(train_rows)
    assert result.evaluation_reports == sorted(held_out)
    assert result.model.info["checksum"] == checksum(load_labelled([train_file]))

    scored = evaluate([eval_file], model=result.path)
    assert scored.units == len(eval_rows) and scored.reports == sorted(held_out)
    assert 0 <= scored.model["macro_f1"] <= 1
    assert np.isfinite(scored.keyword_baseline["macro_f1"])
