"""Tracing themes across an authority's reports."""

import csv
import json
from datetime import date

import pytest

import themeclass
import themeclass.cli
from themeclass.analyse import analyse_paths
from themeclass.evidence import ThemeResult
from themeclass.report import Metadata, Report, Unit
from themeclass.trace import trace

CORPUS = "corpus/reports"


def report(rid, authority, when, units, rtype="ilacs"):
    """A hand-built analysed report: units are (theme, sentiment, recurring, section, text)."""
    built = []
    for i, (theme, sentiment, recurring, section, text) in enumerate(units):
        result = ThemeResult(theme, sentiment, {"negative": -1.0, "positive": 1.0}.get(sentiment, 0.0), 0.9, recurring, [text])
        built.append(Unit(rid, i, text, section=section, themes={theme: result}))
    return Report(rid, "", Metadata(rid, authority, rtype, published=when), built)


A1 = report("a_2019", "Exampleton", date(2019, 5, 1), [
    ("supervision", "negative", False, None, "Supervision is task-focused."),
    ("supervision", "positive", False, None, "Some supervision is reflective."),
    ("supervision", "negative", False, None, "Management oversight is weak."),
    ("care_leavers", "positive", False, None, "Care leavers are well supported."),
])
A2 = report("a_2021", "Exampleton", date(2021, 6, 1), [("care_leavers", "positive", False, None, "Pathway plans are good.")], "focused")
A3 = report("a_2023", "Exampleton", date(2023, 7, 1), [
    ("supervision", "negative", False, "What needs to improve?", "The quality of supervision."),
    ("supervision", "positive", False, None, "Supervision is regular."),
])
B1 = report("b_2024", "Otherton", date(2024, 1, 1), [
    ("sufficiency", "negative", True, None, "There are still too few foster carers, as at the last inspection."),
])
NOBODY = report("x_2024", None, date(2024, 2, 1), [("sufficiency", "negative", False, None, "Too few homes.")])


def test_a_weakness_in_consecutive_reports_is_recurring_even_across_a_silent_report():
    traced = trace([A3, A1, A2])
    [entry] = traced.to_dict()["authorities"]
    assert [r["report"] for r in entry["reports"]] == ["a_2019", "a_2021", "a_2023"]  # date order
    [recurring] = entry["recurring"]
    assert recurring["theme"] == "supervision" and recurring["reports"] == ["a_2019", "a_2023"]
    assert [q["report"] for q in recurring["evidence"]] == ["a_2019", "a_2023"]  # a quote from each report
    assert recurring["evidence"][0]["text"] in ("Supervision is task-focused.", "Management oversight is weak.")


def test_counts_and_balance():
    [entry] = trace([A1]).to_dict()["authorities"]
    assert entry["reports"][0]["themes"]["supervision"] == {
        "units": 3, "negative": 2, "positive": 1, "mixed": 0, "neutral": 0, "balance": -0.3333}


def test_a_weakness_the_report_says_recurs_is_reported_on_its_own():
    [entry] = trace([B1]).to_dict()["authorities"]
    assert entry["recurring"][0]["kind"] == "flagged"
    assert entry["recurring"][0]["evidence"][0]["text"].startswith("There are still too few")


def test_reports_without_an_authority_are_listed_not_merged():
    data = trace([A1, NOBODY]).to_dict()
    assert [a["authority"] for a in data["authorities"]] == ["Exampleton"]
    assert data["national"]["unattributed_reports"] == ["x_2024"]


def test_national_summary_ranks_themes_by_authorities_and_year():
    national = trace([A1, A2, A3, B1]).national()
    assert national["ranking"] == [{"theme": "sufficiency", "authorities": 1}, {"theme": "supervision", "authorities": 1}]
    assert national["by_year"] == {"2023": {"supervision": 1}, "2024": {"sufficiency": 1}}


def test_frames_and_csv(tmp_path):
    pd = pytest.importorskip("pandas")
    traced = trace([A1, A2, A3, B1])
    frame = traced.to_frame()
    assert list(frame.columns[:5]) == ["authority", "report", "date", "type", "theme"]
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert len(traced.recurring()) == 3  # two quotes for Exampleton, one for Otherton
    traced.write_csv(tmp_path / "t.csv")
    assert len(list(csv.DictReader((tmp_path / "t.csv").open()))) == len(frame)


def test_plots_are_matplotlib_figures():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    traced = trace([A1, A2, A3])
    assert traced.plot_timeline("Exampleton").axes
    assert traced.plot_heatmap().axes
    with pytest.raises(KeyError):
        traced.plot_timeline("Nowhere")


# --- on real reports, with a model --------------------------------------------------------


def test_trace_command_writes_json_and_csv_and_lists_skipped_files(tmp_path, capsys, tiny_model):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("barking-and-dagenham_2018-04_focused", "barking-and-dagenham_2019-04_ilacs", "liverpool_2023-05_ilacs"):
        (folder / f"{name}.txt.gz").write_bytes((themeclass.api.Path(CORPUS) / f"{name}.txt.gz").read_bytes())
    (folder / "broken.txt").write_bytes(b"\x00\xff" * 50)
    code = themeclass.cli.main(["trace", str(folder), "-o", str(tmp_path / "out"), "--model", str(tiny_model), "--jobs", "1"])
    out, err = capsys.readouterr()
    assert code == 1  # one file skipped
    assert "broken.txt: not a text, PDF or HTML report" in err
    data = json.loads((tmp_path / "out" / "trace.json").read_text())
    assert [a["authority"] for a in data["authorities"]] == ["Barking and Dagenham", "Liverpool"]
    assert data["national"]["skipped_files"][0]["path"].endswith("broken.txt")
    assert (tmp_path / "out" / "trace.csv").exists() and (tmp_path / "out" / "recurring.csv").exists()
    assert "traced 3 reports of 2 authorities" in out
    for authority in data["authorities"]:
        for weakness in authority["recurring"]:  # a quoted sentence from every report a weakness spans
            assert {q["report"] for q in weakness["evidence"]} == set(weakness["reports"])
            assert all(q["text"].strip() for q in weakness["evidence"])


def test_analyse_runs_the_same_on_a_local_dask_cluster(tiny_model):
    pytest.importorskip("distributed")
    import joblib
    from dask.distributed import Client, LocalCluster

    paths = [f"{CORPUS}/barking-and-dagenham_2018-04_focused.txt.gz", f"{CORPUS}/liverpool_2023-05_ilacs.txt.gz"]
    local = analyse_paths(paths, tiny_model, jobs=1)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, Client(cluster):
        with joblib.parallel_config(backend="dask"):
            remote = analyse_paths(paths, tiny_model, jobs=2)
    assert [s.to_dict() for s in remote.summaries] == [s.to_dict() for s in local.summaries]
