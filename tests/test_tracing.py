"""Tracing themes across an authority's reports."""

import csv
import json
from datetime import date
from pathlib import Path

import pytest

import themeclass
import themeclass.cli
from themeclass.analysis import analyse_paths
from themeclass.report import ThemeResult
from themeclass.judge import ReportJudge
from themeclass.report import Metadata, Report, Unit
from themeclass.tracing import trace

CORPUS = Path("corpus/reports")
DATA = Path(__file__).parent / "data"
THEMES = ("risk_response", "supervision", "permanence", "care_leavers", "sufficiency")
# Fixed cuts, so these tests do not move when the shipped judge is refitted.
JUDGE = ReportJudge(0.5, 2.0, {t: (-0.4, -0.1, 0.1) for t in THEMES})
SCORE = {"negative": -0.95, "positive": 0.95, "mixed": -0.1, "neutral": 0.0}


def report(rid, authority, when, units, rtype="ilacs"):
    """A hand-built analysed report: units are (theme, sentiment, recurring, section, text)."""
    built = []
    for i, (theme, sentiment, recurring, section, text) in enumerate(units):
        result = ThemeResult(theme, sentiment, SCORE[sentiment], 0.9, recurring, [text])
        built.append(Unit(rid, i, text, section=section, themes={theme: result}))
    return Report(rid, "", Metadata(rid, authority, rtype, published=when), built)


def weak(theme, text, recurring=False, section=None):
    return (theme, "negative", recurring, section, text)


def good(theme, text, section=None):
    return (theme, "positive", False, section, text)


A1 = report("a_2019", "Exampleton", date(2019, 5, 1), [
    good("supervision", "Supervision is regular."),
    ("supervision", "mixed", False, None, "Supervision is regular but task-focused."),
    weak("supervision", "Management oversight is not always evident."),
    weak("supervision", "Plans are not reviewed by managers."),
    good("care_leavers", "Care leavers are well supported."),
])
A2 = report("a_2021", "Exampleton", date(2021, 6, 1), [good("care_leavers", "Pathway plans are good.")], "focused")
A3 = report("a_2023", "Exampleton", date(2023, 7, 1), [
    weak("supervision", "The quality of supervision.", section="What needs to improve?"),
    weak("supervision", "Too many managers do not challenge drift."),
    good("care_leavers", "Personal advisers are persistent."),
])
A4 = report("a_2025", "Exampleton", date(2025, 3, 1), [good("supervision", "Supervision is now reflective and regular.")] * 3)


def one(data, authority="Exampleton"):
    return next(a for a in data["authorities"] if a["authority"] == authority)


def test_a_weakness_in_consecutive_reports_is_recurring_even_across_a_silent_report():
    entry = one(trace([A3, A1, A2], judge=JUDGE).to_dict())
    assert [r["report"] for r in entry["reports"]] == ["a_2019", "a_2021", "a_2023"]  # date order
    [recurring] = entry["recurring"]
    assert recurring["theme"] == "supervision" and recurring["reports"] == ["a_2019", "a_2023"]
    assert recurring["kind"] == "consecutive" and recurring["status"] == "current"
    assert recurring["first"] == "2019-05-01" and recurring["last"] == "2023-07-01"
    quotes = {q["report"]: q["text"] for q in recurring["evidence"]}  # a quote from each report
    assert quotes == {"a_2019": "Management oversight is not always evident.",  # the hedged sentence, not the first unit
                      "a_2023": "Too many managers do not challenge drift."}  # not the bare improvement item


def test_a_later_strength_makes_the_weakness_historic():
    traced = trace([A1, A3, A4], judge=JUDGE)
    [recurring] = one(traced.to_dict())["recurring"]
    assert recurring["reports"] == ["a_2019", "a_2023"] and recurring["status"] == "historic"
    national = traced.national()
    assert national["ranking"] == [{"theme": "supervision", "authorities": 1, "current": 0, "historic": 1}]


def test_a_report_judgement_carries_score_label_units_and_evidence():
    themes = one(trace([A1], judge=JUDGE).to_dict())["reports"][0]["themes"]
    sup = themes["supervision"]
    assert (sup["units"], sup["negative"], sup["mixed"], sup["positive"], sup["balance"]) == (4, 2, 1, 1, -0.25)
    assert sup["judgement"] in ("weakness", "serious_weakness") and sup["score"] < -0.1
    assert sup["evidence"] == ["a_2019#002", "a_2019#003", "a_2019#001"]  # the strongest pull first; never the strength
    assert themes["care_leavers"]["judgement"] == "strength"


def test_an_improvement_point_does_not_make_a_good_report_a_weakness():
    strong = report("s_2024", "Strongton", date(2024, 1, 1), [good("risk_response", "Strategy meetings are timely.")] * 6
                    + [weak("risk_response", "Return home interviews.", section="What needs to improve?")])
    earlier = report("s_2021", "Strongton", date(2021, 1, 1), [weak("risk_response", "Thresholds are not applied.")] * 3)
    traced = trace([earlier, strong], judge=JUDGE)
    assert traced.judgements(traced.reports[1])["risk_response"].label == "strength"
    assert one(traced.to_dict(), "Strongton")["recurring"] == []


def test_mixed_neither_breaks_nor_extends_a_run_and_a_strength_ends_it():
    mixed = report("m_2021", "Exampleton", date(2021, 1, 1), [good("supervision", "Some supervision is reflective."),
                                                                 weak("supervision", "Some is not regular.")])
    alone = trace([mixed], judge=JUDGE)
    assert alone.judgements(alone.reports[0])["supervision"].label == "mixed"
    [recurring] = one(trace([A1, mixed, A3], judge=JUDGE).to_dict())["recurring"]
    assert recurring["reports"] == ["a_2019", "a_2023"]
    strength = report("g_2021", "Exampleton", date(2021, 1, 1), [good("supervision", "Supervision is strong.")] * 3)
    assert one(trace([A1, strength, A3], judge=JUDGE).to_dict())["recurring"] == []


def test_a_report_that_says_the_weakness_persists_joins_the_last_earlier_weakness():
    """A later letter flagging the weakness as recurring joins the run, across a better report between."""
    letter = report("a_2025", "Exampleton", date(2025, 2, 1), [
        weak("supervision", "Supervision is still not regular, as at the last inspection.", recurring=True)], "monitoring")
    strength = report("a_2024", "Exampleton", date(2024, 1, 1), [good("supervision", "Supervision is improving.")] * 3)
    [recurring] = one(trace([A3, strength, letter], judge=JUDGE).to_dict())["recurring"]
    assert recurring["reports"] == ["a_2023", "a_2025"] and recurring["kind"] == "flagged"
    assert recurring["evidence"][1]["text"] == "Supervision is still not regular, as at the last inspection."


def test_an_authority_with_one_report_has_no_recurrence_even_when_the_report_flags_one():
    lone = report("b_2024", "Otherton", date(2024, 1, 1), [
        weak("sufficiency", "There are still too few foster carers, as at the last inspection.", recurring=True)])
    assert one(trace([lone], judge=JUDGE).to_dict(), "Otherton")["recurring"] == []


def test_reports_without_a_date_or_an_authority_are_listed_never_merged():
    undated = report("a_undated", "Exampleton", None, [weak("supervision", "Oversight is weak.")] * 3)
    nobody = report("x_2024", None, date(2024, 2, 1), [weak("supervision", "Oversight is weak.")] * 3)
    traced = trace([A1, undated, nobody], judge=JUDGE)
    data = traced.to_dict()
    assert [a["authority"] for a in data["authorities"]] == ["Exampleton"]
    assert [r["report"] for r in one(data)["reports"]] == ["a_2019", "a_undated"]  # listed, undated last
    assert one(data)["recurring"] == []  # two weak reports, but one has no date
    assert data["national"]["unattributed_reports"] == ["x_2024"]
    assert data["national"]["undated_reports"] == ["a_undated"]


def test_national_summary_separates_current_from_historic_and_counts_by_year():
    traced = trace([A1, A2, A3], judge=JUDGE)
    national = traced.national()
    assert national["ranking"] == [{"theme": "supervision", "authorities": 1, "current": 1, "historic": 0}]
    assert national["by_year"] == {"2023": {"supervision": 1}}


def test_frames_and_csv_carry_judgement_score_and_evidence(tmp_path):
    pd = pytest.importorskip("pandas")
    traced = trace([A1, A2, A3], judge=JUDGE)
    frame = traced.to_frame()
    assert list(frame.columns[:5]) == ["authority", "report", "date", "type", "theme"]
    assert {"score", "judgement", "weakness", "evidence"} <= set(frame.columns)
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert frame["judgement"].cat.ordered
    row = frame[(frame.report == "a_2019") & (frame.theme == "supervision")].iloc[0]
    assert row.evidence == "a_2019#002 a_2019#003 a_2019#001" and row.weakness
    recurring = traced.recurring()
    assert list(recurring["report"]) == ["a_2019", "a_2023"] and set(recurring["status"]) == {"current"}
    traced.write_csv(tmp_path / "t.csv")
    traced.write_csv(tmp_path / "r.csv", recurring=True)
    rows = list(csv.DictReader((tmp_path / "t.csv").open()))
    assert len(rows) == len(frame) and rows[0]["judgement"] in ("strength", "mixed", "weakness", "serious_weakness")
    assert [r["unit"] for r in csv.DictReader((tmp_path / "r.csv").open())] == ["a_2019#002", "a_2023#001"]


# --- on real reports, with the shipped model and judge -------------------------------------


def test_liverpool_a_later_monitoring_letter_extends_the_2023_weaknesses():
    """The issue's case: after the 2023 ILACS (inadequate), a 2025 monitoring letter
    says the response to exploitation and supervision still need work. Each theme
    is one recurring weakness spanning both reports, with a quote from each, and
    the 2026 inspection (good) makes it historic."""
    model = themeclass.load()
    paths = sorted(CORPUS.glob("liverpool_*.txt.gz")) + [DATA / "liverpool_2025-06_monitoring.txt"]
    traced = trace([themeclass.analyse(p, model=model) for p in paths])
    letter = "liverpool_2025-06_monitoring"
    for theme, words in (("risk_response", "exploitation"), ("supervision", "upervision")):
        [entry] = [w for w in traced.recurring_for("Liverpool") if w.theme == theme and letter in w.reports]
        assert "liverpool_2023-05_ilacs" in entry.reports
        assert entry.reports.index(letter) == entry.reports.index("liverpool_2023-05_ilacs") + 1
        assert entry.status == "historic"  # the 2026 inspection judged it good
        quotes = {q.report: q.text for q in entry.evidence}
        assert words in quotes[letter] and quotes["liverpool_2023-05_ilacs"].strip()
    judged = {r.report: traced.judgements(r) for r in traced.authorities()["Liverpool"]}
    assert judged["liverpool_2026-07_ilacs"]["risk_response"].label == "strength"
    assert judged["liverpool_2026-07_ilacs"]["supervision"].label == "strength"
    assert judged["liverpool_2023-05_ilacs"]["care_leavers"].weakness


def test_trace_command_writes_json_and_csv_and_lists_skipped_files(tmp_path, capsys, tiny_model):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("barking-and-dagenham_2018-04_focused", "barking-and-dagenham_2019-04_ilacs", "liverpool_2023-05_ilacs"):
        (folder / f"{name}.txt.gz").write_bytes((CORPUS / f"{name}.txt.gz").read_bytes())
    (folder / "broken.txt").write_bytes(b"\x00\xff" * 50)
    code = themeclass.cli.main(["trace", str(folder), "-o", str(tmp_path / "out"), "--model", str(tiny_model), "--jobs", "1"])
    out, err = capsys.readouterr()
    assert code == 1  # one file skipped
    assert "broken.txt: not a text, PDF or HTML report" in err
    data = json.loads((tmp_path / "out" / "trace.json").read_text())
    assert [a["authority"] for a in data["authorities"]] == ["Barking and Dagenham", "Liverpool"]
    assert data["national"]["skipped_files"][0]["path"].endswith("broken.txt")
    assert "cuts" in data["judge"]
    report = data["authorities"][1]["reports"][0]
    for judged in report["themes"].values():
        assert {"judgement", "score", "units", "evidence"} <= set(judged)
        assert all(e.startswith("liverpool_2023-05_ilacs#") for e in judged["evidence"])
    header = (tmp_path / "out" / "recurring.csv").read_text().splitlines()[0]
    assert header == "authority,theme,status,kind,first,last,reports,report,date,unit,judgement,score,text"
    assert "traced 3 reports of 2 authorities" in out
    assert "current" in out and "historic" in out
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
    assert [s.results for s in remote.summaries] == [s.results for s in local.summaries]
