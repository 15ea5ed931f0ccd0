"""Time and memory of the main job, ``themeclass trace``, over the shipped corpus.

1. The whole process ``themeclass trace DIR -o OUT`` for the first 100, 300 and all
   891 reports (sorted by name; default ``--jobs``: all cores): wall time and the
   peak memory of the process and its workers.
2. Where the time goes, in one process on all reports: reading (decompress,
   decode), segmenting (plus metadata), classifying (themes, sentiment,
   evidence), summarising.

Targets: all reports in <= 60 s (bar 120 s), peak memory <= 2 GB.

    python benchmarks/trace_speed.py
"""

from __future__ import annotations

import dataclasses
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_trace(folder: Path, out: Path) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "themeclass.cli", "trace", str(folder), "-o", str(out)],
                            stdout=subprocess.DEVNULL)
    proc.wait()
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit("trace failed")
    # ru_maxrss of children is the largest single process (the parent or one worker)
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    import themeclass
    from themeclass.reading.metadata import extract_metadata
    from themeclass.reading.read import read_text, report_id
    from themeclass.reading.segment import segment
    from themeclass.tracing import summarise

    reports = sorted((ROOT / "corpus" / "reports").glob("*.txt.gz"))
    print(f"cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (100, 300, len(reports)):
            folder = Path(tmp) / f"in{n}"
            folder.mkdir()
            for path in reports[:n]:
                os.symlink(path, folder / path.name)
            elapsed, rss = run_trace(folder, Path(tmp) / f"out{n}")
            print(f"themeclass trace, {n:>4} reports, whole process: {elapsed:6.1f} s  ({n / elapsed:5.1f} reports/s; peak RSS of largest process {rss:.0f} MB)")
            shutil.rmtree(folder)
    model = themeclass.load()
    t = {"read": 0.0, "segment + metadata": 0.0, "classify": 0.0, "summarise": 0.0}
    units = 0
    for path in reports:
        t0 = time.perf_counter()
        text = read_text(path)
        t1 = time.perf_counter()
        rid = report_id(path)
        report = themeclass.Report(rid, text, extract_metadata(text, rid), segment(text, rid))
        t2 = time.perf_counter()
        results = model.predict([u.text for u in report.units], [u.section for u in report.units])
        report.units = [dataclasses.replace(u, themes=r) for u, r in zip(report.units, results)]
        t3 = time.perf_counter()
        summarise(report)
        t4 = time.perf_counter()
        units += len(report.units)
        for key, dt in zip(t, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            t[key] += dt
    total = sum(t.values())
    print(f"one process, {len(reports)} reports, {units} units: " + ", ".join(f"{k} {v:.1f} s ({v / total:.0%})" for k, v in t.items()))


if __name__ == "__main__":
    main()
