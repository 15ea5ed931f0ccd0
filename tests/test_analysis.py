"""Analysing reports: one from a file or a text, many in parallel."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import themeclass
from themeclass.analysis import analyse, analyse_paths, unit_record
from themeclass.errors import ThemeclassError

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "reports"
FOCUSED = CORPUS / "barking-and-dagenham_2018-04_focused.txt.gz"


def test_analyse_a_report_file(tiny_model_loaded):
    report = analyse(FOCUSED, model=tiny_model_loaded)
    assert report.metadata.authority == "Barking and Dagenham"
    assert any("risk_response" in u.themes for u in report.units)
    record = unit_record(report, report.units[0])
    assert record["authority"] == "Barking and Dagenham" and record["date"] == "2018-04-03"


def test_analyse_a_text_you_already_have(tiny_model_loaded):
    report = analyse(text="Pathway plans are not always updated.", model=tiny_model_loaded)
    assert report.id == "text" and report.units[0].themes["care_leavers"].sentiment == "negative"


def test_the_caller_says_whether_it_is_a_path_or_a_text(tiny_model_loaded):
    """A mistyped path is an error naming it, never a report whose one unit is the path."""
    with pytest.raises(ThemeclassError, match=r"corpus/reports/no-such-report\.txt: no such file"):
        analyse("corpus/reports/no-such-report.txt", model=tiny_model_loaded)
    with pytest.raises(TypeError, match="exactly one"):
        analyse("a.txt", text="A text.", model=tiny_model_loaded)
    with pytest.raises(TypeError, match="exactly one"):
        analyse(model=tiny_model_loaded)


def test_analyse_paths_summarises_each_report_and_lists_the_unreadable(tmp_path, tiny_model):
    (tmp_path / "broken.txt").write_bytes(b"")
    result = analyse_paths([FOCUSED, tmp_path / "broken.txt"], tiny_model, jobs=1, with_units=True)
    assert [s.report for s in result.summaries] == ["barking-and-dagenham_2018-04_focused"]
    assert result.skipped == [{"path": str(tmp_path / "broken.txt"), "problem": "empty file"}]
    assert len(result.unit_lines) == len(themeclass.read(FOCUSED).units)


def test_parallel_and_serial_analysis_agree(tiny_model):
    paths = [FOCUSED, CORPUS / "barnet_2021-08_focused.txt.gz", CORPUS / "bolton_2021-08_focused.txt.gz"]
    serial = analyse_paths(paths, tiny_model, jobs=1)
    parallel = analyse_paths(paths, tiny_model, jobs=2)
    assert [s.results for s in serial.summaries] == [s.results for s in parallel.summaries]


def test_killing_a_trace_leaves_no_worker_behind(tmp_path):
    """kill -9 of ``themeclass trace`` used to leave two workers and a resource tracker
    alive for minutes (issue 12 point 10): the workers now watch their parent."""
    psutil = pytest.importorskip("psutil")
    proc = subprocess.Popen([sys.executable, "-m", "themeclass.cli", "trace", str(CORPUS), "-o", str(tmp_path / "out"),
                             "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    deadline = time.time() + 60
    workers = []
    while time.time() < deadline and sum(_mb(w) > 100 for w in workers) < 2:  # working: the model is loaded
        time.sleep(0.5)
        workers = [c for c in parent.children(recursive=True) if "loky" in " ".join(c.cmdline()).lower()]
    assert sum(_mb(w) > 100 for w in workers) >= 2, "the trace never started its workers"
    children = parent.children(recursive=True)  # the workers and joblib's resource trackers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"orphaned workers: {[p.pid for p in alive]}"
    assert not (tmp_path / "out").exists()  # and no half-written results


def _mb(process) -> float:
    try:
        return process.memory_info().rss / 2**20
    except Exception:  # noqa: BLE001 - a process that has just ended
        return 0.0
