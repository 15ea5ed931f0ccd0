"""Forked prediction (themeclass.model.parallel), and workers that exit with their parent.

Issue 12 point 10: after ``kill -9`` of ``train`` or ``trace`` their workers (and
the resource trackers they kept open) stayed alive for minutes. The tests below
kill a real parent with SIGKILL and watch its workers go.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from themeclass.model import parallel
from themeclass.model.parallel import PARALLEL_MIN, joblib_parallel, workers

SRC = Path(parallel.__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "labelled"

pytestmark = pytest.mark.skipif(not Path("/proc/self").exists() or not hasattr(os, "fork"),
                                reason="needs fork and /proc (Linux)")


def test_short_lists_and_one_job_stay_in_this_process():
    assert workers(None, 10_000) == workers(1, 10_000) == workers(0, 10_000) == 1
    assert workers(-1, PARALLEL_MIN - 1) == 1
    assert workers(2, PARALLEL_MIN) == 2
    assert workers(-1, 10 * PARALLEL_MIN) == min(os.cpu_count(), 10 * PARALLEL_MIN // (PARALLEL_MIN // 2))
    assert workers(64, PARALLEL_MIN) == 2  # at least PARALLEL_MIN // 2 texts per worker


def test_forked_workers_give_the_same_results_as_one_process(tiny_model_loaded, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 10)  # fork even for a short list
    rows = [json.loads(line) for line in (CORPUS / "eval.jsonl").read_text(encoding="utf-8").splitlines()[:120]]
    texts, sections = [r["text"] for r in rows], [r.get("section") for r in rows]
    alone = tiny_model_loaded.predict(texts, sections)
    assert tiny_model_loaded.predict(texts, sections, n_jobs=2) == alone
    assert tiny_model_loaded.predict(texts, sections, n_jobs=3) == alone
    assert sum(bool(found) for found in alone) > 10
    # finish runs where each result is computed, with the index of the text in the whole list
    finished = tiny_model_loaded.predict(texts, sections, n_jobs=2, finish=lambda i, found: (i, os.getpid(), sorted(found)))
    assert [(i, themes) for i, _, themes in finished] == [(i, sorted(found)) for i, found in enumerate(alone)]
    assert len({pid for _, pid, _ in finished}) == 2  # this process and one forked worker


def _pid_and_watchers(_):
    return os.getpid(), _watchers()


def test_joblib_workers_watch_their_parent_but_this_process_never_does():
    """Work joblib runs in this process (one job, or the threading backend) must not
    make the main process watch its own parent: under ``nohup`` it must outlive it."""
    import joblib
    from joblib import delayed

    here = joblib_parallel(1)(delayed(_pid_and_watchers)(i) for i in range(2))
    with joblib.parallel_config(backend="threading"):
        threads = joblib_parallel(2)(delayed(_pid_and_watchers)(i) for i in range(2))
    assert {pid for pid, _ in here + threads} == {os.getpid()} and _watchers() == 0
    workers = joblib_parallel(2)(delayed(_pid_and_watchers)(i) for i in range(4))
    assert all(pid != os.getpid() and watching == 1 for pid, watching in workers)


def _watchers() -> int:
    import threading

    return sum(t.name == "themeclass-exit-with-parent" for t in threading.enumerate())


# -- kill -9 of a parent, for real ----------------------------------------------------------

def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return "\nState:\tZ" not in status


def _run_and_kill(snippet: str, folder: Path, workers_expected: int, timeout: float = 30) -> list[int]:
    """Run ``snippet`` in a new Python, wait until its workers have written
    ``pid-*`` files into ``folder``, kill it with SIGKILL, return the workers' pids."""
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(snippet)], cwd=folder)
    try:
        deadline = time.monotonic() + timeout
        while True:
            pids = [int(p.name[4:]) for p in folder.glob("pid-*")]
            children = [pid for pid in pids if pid != parent.pid]
            if len(children) >= workers_expected:
                break
            assert parent.poll() is None, f"the parent ended (exit {parent.returncode}) before it was killed"
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.05)
        os.kill(parent.pid, signal.SIGKILL)
    finally:
        parent.wait(timeout=10)
    return children


def _assert_gone_soon(pids: list[int], seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [pid for pid in pids if _alive(pid)]
    for pid in alive:  # do not leave them behind if the test fails
        os.kill(pid, signal.SIGKILL)
    assert not alive, f"workers {alive} outlived their parent"


def test_a_forked_child_that_watches_its_parent_exits_when_the_parent_is_killed(tmp_path):
    snippet = f"""
        import os, sys, time
        sys.path.insert(0, {str(SRC)!r})
        from themeclass.model.parallel import exit_with_parent
        if os.fork() == 0:
            exit_with_parent(interval=0.1)
            open(f"pid-{{os.getpid()}}", "w").close()
            time.sleep(60)
            os._exit(0)
        time.sleep(60)
    """
    _assert_gone_soon(_run_and_kill(snippet, tmp_path, 1))


def test_prediction_workers_exit_when_their_parent_is_killed(tmp_path, tiny_model):
    snippet = f"""
        import os, sys, time
        sys.path.insert(0, {str(SRC)!r})
        import themeclass.model.parallel as parallel
        from themeclass.model.format import load

        parallel.PARALLEL_MIN = 4
        model = load({str(tiny_model)!r})

        def finish(i, found):  # runs in each process; stays busy until killed
            open(f"pid-{{os.getpid()}}", "w").close()
            time.sleep(60)

        model.predict(["Supervision is regular."] * 12, n_jobs=3, finish=finish)
    """
    _assert_gone_soon(_run_and_kill(snippet, tmp_path, 2))


def test_training_workers_exit_when_their_parent_is_killed(tmp_path):
    """The joblib (loky) workers that fit cross-validation folds: before, they idled
    on for loky's five-minute timeout after a kill, and kept the resource trackers alive."""
    snippet = f"""
        import os, sys, time
        sys.path.insert(0, {str(SRC)!r})
        from themeclass.learning.classify import ThemeClassifier

        class Marked(ThemeClassifier):  # defined here, so joblib sends it to the workers by value
            def _fit_models(self, X, Y):
                open(f"pid-{{os.getpid()}}", "w").close()
                return super()._fit_models(X, Y)

        texts = ["Supervision is regular.", "Pathway plans are late.", "Leaders are visible.", "Adoption is timely."] * 6
        Y = [[0, 1, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 0], [0, 0, 1, 0, 0]] * 6
        Marked(cv=2, n_jobs=2).fit(texts, Y)
        time.sleep(60)  # the folds are done: the workers wait for more work, the parent is busy elsewhere
    """
    _assert_gone_soon(_run_and_kill(snippet, tmp_path, 2, timeout=60))
