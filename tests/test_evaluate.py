"""Scoring models (themeclass.learning.evaluate): the figures, the keyword baseline,
``evaluate`` and ``compare`` with a bootstrap interval over reports.

Issue 12 point 1: a model refuses to be scored on units of reports it was trained on.
Issue 12 point 8: ``compare`` says when a difference is within noise.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from themeclass.errors import ThemeclassError
from themeclass.learning.dataset import Labelled, load_labelled, report_of
from themeclass.learning.evaluate import (COMPARED, KeywordBaseline, compare, evaluate, refuse_training_units, score,
                                          units_to_score)
from themeclass.learning.train import fit_model
from themeclass.report import ThemeResult

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "labelled"
EVAL_REPORTS = ["westminster_2018-08_focused", "cambridgeshire_2020-03_focused", "redcar-and-cleveland_2019-01_focused",
                "southampton_2021-06_focused"]


def rows_of(name, reports=None, limit=None):
    rows = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if reports is None or report_of(row["id"]) in reports:
            rows.append(row)
        if limit and len(rows) == limit:
            break
    return rows


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def found(theme, sentiment, recurring=False):
    return {theme: ThemeResult(theme, sentiment, 0.0, 0.9, recurring, [])}


# -- the figures ----------------------------------------------------------------------------

def test_score_counts_themes_sentiment_weaknesses_and_recurrence():
    records = [
        Labelled("r#0", "t", {"supervision": "negative"}, ("supervision",)),
        Labelled("r#1", "t", {"supervision": "positive", "permanence": "mixed"}),
        Labelled("r#2", "t", {}),
    ]
    predictions = [
        found("supervision", "negative", recurring=True),  # right theme, right weakness, right recurrence
        found("supervision", "negative"),  # right theme, wrong sentiment (a made-up weakness); permanence missed
        found("sufficiency", "positive"),  # a theme nobody labelled
    ]
    figures = score(records, predictions)
    assert figures["units"] == 3
    assert figures["themes"]["supervision"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert figures["themes"]["permanence"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert figures["themes"]["sufficiency"]["precision"] == 0.0
    assert figures["macro_f1"] == 0.2  # (1 + 0 + 0 + 0 + 0) / 5
    assert figures["sentiment_pairs"] == 2 and figures["sentiment_accuracy"] == 0.5
    # weaknesses: gold {r0 supervision, r1 permanence}, predicted {r0 supervision, r1 supervision}
    assert figures["weakness"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert figures["recurrence"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}


def test_score_of_no_predictions_is_zero_not_an_error():
    records = [Labelled("r#0", "t", {"supervision": "negative"})]
    figures = score(records, [{}])
    assert figures["macro_f1"] == 0.0 and figures["sentiment_accuracy"] == 0.0 and figures["weakness"]["f1"] == 0.0


# -- the keyword baseline -------------------------------------------------------------------

@pytest.mark.parametrize("text, section, expected", [
    ("Supervision is inconsistent.", None, ("negative", False)),
    ("Since the last inspection, supervision is regular.", None, ("positive", False)),  # a strength never recurs
    ("Supervision is effective but not always regular.", None, ("mixed", False)),
    ("Supervision takes place.", None, ("neutral", False)),
    ("Since the last inspection, supervision remains inconsistent.", None, ("negative", True)),
    ("Supervision is regular and effective.", "What needs to improve?", ("negative", False)),
])
def test_keyword_baseline_reads_cues_and_hedges(text, section, expected):
    [result] = KeywordBaseline().predict([text], [section])
    assert set(result) == {"supervision"}
    assert (result["supervision"].sentiment, result["supervision"].recurring) == expected
    assert result["supervision"].evidence == [text]


def test_keyword_baseline_finds_nothing_without_a_cue():
    assert KeywordBaseline().predict(["Leaders have a clear vision."]) == [{}]


# -- evaluate -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def eval_file(tmp_path_factory):
    return write_jsonl(tmp_path_factory.mktemp("eval") / "eval.jsonl", rows_of("eval.jsonl", set(EVAL_REPORTS)))


@pytest.fixture(scope="module")
def other_model():
    """A model trained on 80 units of the training split (the tiny model is trained on 36 hand-written ones)."""
    return fit_model(load_labelled([CORPUS / "train.jsonl"])[:80], seed=0, n_jobs=1)


def test_evaluate_scores_the_model_and_the_keyword_baseline_on_the_same_units(eval_file, tiny_model):
    result = evaluate([eval_file], model=tiny_model)
    assert result.reports == sorted(EVAL_REPORTS)
    assert result.units == len(rows_of("eval.jsonl", set(EVAL_REPORTS)))
    for figures in (result.model, result.keyword_baseline):
        assert figures["units"] == result.units and 0 <= figures["macro_f1"] <= 1
    assert result.model != result.keyword_baseline


def test_units_to_score_takes_one_split_and_refuses_an_empty_one(eval_file, tmp_path):
    assert len(units_to_score([eval_file], "eval")) == len(load_labelled([eval_file]))
    with pytest.raises(ThemeclassError, match=r"eval\.jsonl: no labelled units in the 'train' split"):
        units_to_score([eval_file], "train")


def test_a_model_is_not_scored_on_reports_it_was_trained_on(tmp_path, other_model):
    """Issue 12 point 1: the model's metadata lists the reports it was trained on, and
    ``evaluate``/``compare`` refuse them, even when the labels now say "eval"."""
    trained = load_labelled([CORPUS / "train.jsonl"])[:80]
    assert set(other_model.info["report_ids"]) == {r.report for r in trained}
    moved = write_jsonl(tmp_path / "moved.jsonl", [{**r.to_dict(), "split": "eval"} for r in trained[:10]])
    with pytest.raises(ThemeclassError, match=r"^the model: this model was trained on \d+ of the reports to be scored"):
        evaluate([moved], model=other_model)
    with pytest.raises(ThemeclassError, match="score it on held-out reports only"):
        compare(other_model, other_model, [moved], resamples=10)


def test_a_saved_model_keeps_the_reports_it_was_trained_on(tmp_path, tiny_model, tiny_labelled):
    moved = write_jsonl(tmp_path / "moved.jsonl", [{**r.to_dict(), "split": "eval"} for r in load_labelled([tiny_labelled])])
    with pytest.raises(ThemeclassError, match=rf"^{tiny_model}: this model was trained on 3 of the reports"):
        evaluate([moved], model=tiny_model)


def test_refuse_training_units_lets_held_out_reports_through(other_model):
    held_out = [Labelled("westminster_2018-08_focused#000", "t", {})]
    refuse_training_units(other_model, held_out, "m")  # no error
    with pytest.raises(ThemeclassError, match="m: this model was trained on 1 of the reports"):
        refuse_training_units(other_model, [Labelled(f"{other_model.info['report_ids'][0]}#999", "t", {})], "m")


# -- compare --------------------------------------------------------------------------------

def test_a_model_compared_with_itself_changes_nothing_and_says_so(eval_file, tiny_model_loaded):
    result = compare(tiny_model_loaded, tiny_model_loaded, [eval_file], resamples=200)
    assert [row["name"] for row in result.rows] == list(COMPARED)
    assert result.reports == sorted(EVAL_REPORTS) and result.resamples == 200
    for row in result.rows:
        assert row["old"] == row["new"]
        assert (row["change"], row["low"], row["high"]) == (0.0, 0.0, 0.0)
        assert row["noise"] is True


def test_compare_gives_each_change_an_interval_that_holds_it(eval_file, tiny_model_loaded, other_model):
    result = compare(tiny_model_loaded, other_model, [eval_file], resamples=300)
    rows = {row["name"]: row for row in result.rows}
    evaluated = evaluate([eval_file], model=other_model).model
    assert rows["macro-F1"]["new"] == pytest.approx(evaluated["macro_f1"], abs=1e-4)  # evaluate rounds to 4 places
    assert rows["weakness-F1"]["new"] == pytest.approx(evaluated["weakness"]["f1"], abs=1e-4)
    for row in result.rows:
        assert row["change"] == pytest.approx(row["new"] - row["old"])
        assert row["low"] <= row["high"]
        assert row["noise"] == (row["low"] <= 0 <= row["high"])
    assert any(row["high"] > row["low"] for row in result.rows)  # the models differ somewhere


def test_the_interval_is_wider_with_fewer_reports(tmp_path, tiny_model_loaded, other_model):
    """The same units, once as 4 reports and once as 16 (each report copied four times
    under new names): the changes are the same, the intervals narrower with more reports."""
    rows = rows_of("eval.jsonl", set(EVAL_REPORTS))
    few = write_jsonl(tmp_path / "few.jsonl", rows)
    many = write_jsonl(tmp_path / "many.jsonl", [
        {**row, "id": f"{report_of(row['id'])}-copy{k}#{row['id'].split('#')[1]}", "split": "eval"}
        for k in range(4) for row in rows])
    narrow = {r["name"]: r for r in compare(tiny_model_loaded, other_model, [many], resamples=500).rows}
    wide = {r["name"]: r for r in compare(tiny_model_loaded, other_model, [few], resamples=500).rows}
    compared = [name for name in COMPARED if wide[name]["high"] > wide[name]["low"]]
    assert "macro-F1" in compared
    for name in compared:
        assert narrow[name]["change"] == pytest.approx(wide[name]["change"])
        assert narrow[name]["high"] - narrow[name]["low"] < wide[name]["high"] - wide[name]["low"]


def test_compare_is_deterministic_for_a_seed(eval_file, tiny_model_loaded, other_model):
    a = compare(tiny_model_loaded, other_model, [eval_file], resamples=100, seed=5)
    b = compare(tiny_model_loaded, other_model, [eval_file], resamples=100, seed=5)
    c = compare(tiny_model_loaded, other_model, [eval_file], resamples=100, seed=6)
    assert a == b
    assert [row["change"] for row in a.rows] == [row["change"] for row in c.rows]  # the changes do not depend on it
    assert [(row["low"], row["high"]) for row in a.rows] != [(row["low"], row["high"]) for row in c.rows]
    assert np.isfinite([row["low"] for row in a.rows]).all()
