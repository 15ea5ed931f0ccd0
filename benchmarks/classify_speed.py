"""Speed and memory of ``themeclass classify`` on real corpus paragraphs.

Writes the units of the first reports of the shipped corpus (sorted by name) to a
JSONL file until there are at least N (default 9,000), then times, each as a whole
process (interpreter start and imports included):

1. ``themeclass classify -i units.jsonl -o out.jsonl`` with the default model;
2. a reference process that reads the same JSONL and runs spaCy's bare English
   tokenizer (``spacy.blank("en").tokenizer``) over every text.

Prints units/s, the ratio of the two (target <= 3x, aim 2x) and peak memory
(target < 500 MB). Best of ``--repeat`` runs.

    python benchmarks/classify_speed.py [--units 9000] [--model PATH] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import themeclass

ROOT = Path(__file__).resolve().parents[1]
TOKENIZE_ONLY = """
import json, sys, spacy
tok = spacy.blank("en").tokenizer
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    n += len(tok(json.loads(line)["text"]))
print(n)
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of a child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=9000)
    parser.add_argument("--model", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        units_file, out_file = Path(tmp) / "units.jsonl", Path(tmp) / "out.jsonl"
        n = 0
        with units_file.open("w", encoding="utf-8") as fh:
            for path in themeclass.report_paths([ROOT / "corpus" / "reports"]):
                for unit in themeclass.read(path).units:
                    fh.write(json.dumps({"id": unit.id, "text": unit.text, "section": unit.section}, ensure_ascii=False) + "\n")
                    n += 1
                if n >= args.units:
                    break
        classify = [sys.executable, "-m", "themeclass.cli", "classify", "-i", str(units_file), "-o", str(out_file)]
        if args.model:
            classify += ["--model", args.model]
        tokenize = [sys.executable, "-c", TOKENIZE_ONLY, str(units_file)]
        runs_c = [timed(classify) for _ in range(args.repeat)]
        runs_t = [timed(tokenize) for _ in range(args.repeat)]
        t_c, mem_c = min(r[0] for r in runs_c), max(r[1] for r in runs_c)
        t_t, mem_t = min(r[0] for r in runs_t), max(r[1] for r in runs_t)
        tagged = sum(1 for line in out_file.open(encoding="utf-8") if json.loads(line)["themes"])
    print(f"units: {n} ({tagged} with a theme)")
    print(f"themeclass classify, whole process: {t_c:.2f} s = {n / t_c:,.0f} units/s; peak RSS {mem_c:.0f} MB")
    print(f"read + bare spaCy tokenizer, whole process: {t_t:.2f} s = {n / t_t:,.0f} units/s; peak RSS {mem_t:.0f} MB")
    print(f"ratio: {t_c / t_t:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
