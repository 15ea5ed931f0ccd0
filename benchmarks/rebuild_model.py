"""Does the shipped model rebuild byte for byte from the labelled corpus?

Runs the README's command, ``themeclass train corpus/labelled/train.jsonl
corpus/labelled/eval.jsonl -o <tmp>/default``, from the checkout, in a fresh process, twice
(the second time with a different numpy global seed and one worker, to catch any
dependence on global random state or on the number of processes), and compares
the SHA-256 of the arrays (format 2's ``arrays_sha256``) and of the ``.npz`` files
with ``models/default.npz``. Prints the digests, the time each run took and
whether they match.

    python benchmarks/rebuild_model.py
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# as the README gives it, run from the checkout (the file names are recorded in the model)
COMMAND = [sys.executable, "-m", "themeclass.cli", "train", "corpus/labelled/train.jsonl", "corpus/labelled/eval.jsonl", "-o"]
DISTURB = "import numpy, sys, runpy; numpy.random.seed(12345); sys.argv = ['themeclass'] + sys.argv[1:]; " \
          "runpy.run_module('themeclass.cli', run_name='__main__')"


def digests(npz: Path) -> tuple[str, str]:
    meta = json.loads(npz.with_suffix(".json").read_text(encoding="utf-8"))
    return hashlib.sha256(npz.read_bytes()).hexdigest(), meta.get("arrays_sha256", "")


def main() -> int:
    shipped = digests(ROOT / "models" / "default.npz")
    print(f"shipped models/default.npz: file {shipped[0][:12]}, arrays {shipped[1][:12]}")
    same = True
    with tempfile.TemporaryDirectory() as tmp:
        for name, prefix in (("as the README says", [sys.executable, "-m", "themeclass.cli"]),
                             ("numpy seeded differently, one worker", [sys.executable, "-c", DISTURB])):
            out = Path(tmp) / name.split()[0]
            args = COMMAND[3:] + [str(out)] + (["--jobs", "1"] if "one worker" in name else [])
            started = time.perf_counter()
            subprocess.run(prefix + args, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
            got = digests(out.with_suffix(".npz"))
            match = got == shipped
            same &= match
            print(f"rebuilt ({name}) in {time.perf_counter() - started:.0f} s: file {got[0][:12]}, arrays {got[1][:12]}: "
                  + ("identical" if match else "DIFFERENT"))
    print("the shipped model rebuilds byte for byte" if same else "the shipped model does NOT rebuild byte for byte")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
