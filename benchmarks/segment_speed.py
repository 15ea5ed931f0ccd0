"""How long segmenting the whole shipped corpus takes, as a user would run it.

Times the whole process ``themeclass segment corpus/ -o OUT`` (interpreter start,
imports, reading the gzip-compressed reports, segmentation, metadata, writing
JSON Lines), then the same work in-process split into reading, segmenting and
metadata. Target: <= 20 s for all shipped reports on a 2-core machine.

    python benchmarks/segment_speed.py [CORPUS_DIR]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from themeclass.reading.read import report_id, report_paths
from themeclass.reading.metadata import extract_metadata
from themeclass.reading.read import read_text
from themeclass.reading.segment import segment

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "corpus" / "reports"
    paths = report_paths([corpus])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "units.jsonl"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "themeclass.cli", "segment", str(corpus), "-o", str(out)], check=True)
        whole = time.perf_counter() - started
        n_units = sum(1 for _ in out.open(encoding="utf-8"))
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    t_read = t_seg = t_meta = 0.0
    for path in paths:
        t0 = time.perf_counter()
        text = read_text(path)
        t1 = time.perf_counter()
        segment(text, report_id(path))
        t2 = time.perf_counter()
        extract_metadata(text, report_id(path))
        t3 = time.perf_counter()
        t_read, t_seg, t_meta = t_read + t1 - t0, t_seg + t2 - t1, t_meta + t3 - t2
    print(f"reports: {len(paths)}  units: {n_units}  cores: {os.cpu_count()}")
    print(f"whole process `themeclass segment {corpus.name}/ -o units.jsonl`: {whole:.1f} s  (peak RSS {child:.0f} MB)")
    print(f"in-process: read {t_read:.1f} s, segment {t_seg:.1f} s, metadata {t_meta:.1f} s")


if __name__ == "__main__":
    main()
