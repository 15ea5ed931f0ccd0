"""Choose the reports and units to be labelled by hand, and cut them into batches.

Selection only: nothing here labels anything. The script picks

* the **evaluation split**: a few whole reports of each type, every unit of them,
  so that reported scores are on reports never seen in training and on the
  natural mix of units;
* the **training pool**: more reports spread over types and years, up to
  ``PER_REPORT`` units from each. Half of each report's sample is drawn from units
  that mention a less common theme's cue words (care leavers, sufficiency,
  supervision, permanence), half uniformly, so that every theme has enough
  examples. The cue words steer *which* units are read, never *how* they are
  labelled;
* a **double-labelling sample** of units spread over all batches, to be labelled
  a second time independently for agreement figures.

It writes ``corpus/labelled/context/units.jsonl`` (each chosen unit with its report,
section, type, year and split) and the batches to label under
``corpus/labelled/batches/``. Deterministic for a given ``--seed``.

    python scripts/sample_units.py [--seed 2026]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from collections import defaultdict
from pathlib import Path

from themeclass import read

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
OUT = CORPUS / "labelled"

# type -> (evaluation reports, training reports)
PLAN = {"ilacs": (3, 20), "focused": (3, 18), "jtai": (1, 8), "sif": (1, 10)}
PER_REPORT = {"ilacs": 24, "focused": 22, "jtai": 24, "sif": 30}
N_BATCHES = 7
N_DOUBLE = 160
RARE_CUES = re.compile(
    r"care leaver|personal adviser|pathway plan|staying put|leaving care|sufficien|placement|foster carer|"
    r"residential|unregistered|supervision|management oversight|oversight|audit|permanence|adoption|"
    r"special guardianship|reunification|stability|independent reviewing",
    re.I,
)


def spread(rows: list[dict], n: int, rng: random.Random) -> list[dict]:
    """n reports spread as evenly as possible over the years present."""
    by_year: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_year[row["date"][:4]].append(row)
    for group in by_year.values():
        rng.shuffle(group)
    chosen: list[dict] = []
    years = sorted(by_year)
    while len(chosen) < n and any(by_year.values()):
        for year in years:
            if by_year[year] and len(chosen) < n:
                chosen.append(by_year[year].pop())
    return chosen


def sample_units(units: list, k: int, rng: random.Random) -> list:
    if len(units) <= k:
        return list(units)
    cued = [u for u in units if RARE_CUES.search(u.text)]
    rng.shuffle(cued)
    picked = cued[: k // 2]
    rest = [u for u in units if u not in picked]
    picked += rng.sample(rest, k - len(picked))
    return sorted(picked, key=lambda u: u.index)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    manifest = list(csv.DictReader((CORPUS / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    records: list[dict] = []
    for doc_type, (n_eval, n_train) in PLAN.items():
        rows = [r for r in manifest if r["type"] == doc_type and r["date"][:4] >= "2014"]
        chosen = [(row, read(CORPUS / row["file"])) for row in spread(rows, n_eval + n_train, rng)]
        rng.shuffle(chosen)  # evaluation reports from any year, not the earliest
        if doc_type == "sif":  # SIF reports run to 300 units: evaluate on the shortest, not to swamp the split
            chosen.sort(key=lambda pair: len(pair[1].units))
        for i, (row, report) in enumerate(chosen):
            split = "eval" if i < n_eval else "train"
            units = report.units if split == "eval" else sample_units(report.units, PER_REPORT[doc_type], rng)
            for u in units:
                records.append({
                    "id": u.id, "report": report.id, "split": split, "type": doc_type, "year": int(row["date"][:4]),
                    "section": u.section, "kind": u.kind, "text": u.text,
                })
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "context").mkdir(parents=True, exist_ok=True)
    with (OUT / "context" / "units.jsonl").open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    # Batches: whole reports stay together so a labeller sees each report's context.
    by_report: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_report[r["report"]].append(r)
    reports = sorted(by_report, key=lambda name: -len(by_report[name]))
    batches: list[list[dict]] = [[] for _ in range(N_BATCHES)]
    for name in reports:  # greedy: the next report goes to the smallest batch
        min(batches, key=len).extend(by_report[name])
    bdir = OUT / "batches"
    bdir.mkdir(exist_ok=True)
    for i, batch in enumerate(batches, start=1):
        with (bdir / f"batch_{i:02d}.jsonl").open("w", encoding="utf-8") as fh:
            for r in batch:
                fh.write(json.dumps({k: r[k] for k in ("id", "report", "type", "year", "section", "text")}, ensure_ascii=False) + "\n")
    double = sorted(rng.sample(records, N_DOUBLE), key=lambda r: r["id"])
    with (bdir / "double.jsonl").open("w", encoding="utf-8") as fh:
        for r in double:
            fh.write(json.dumps({k: r[k] for k in ("id", "report", "type", "year", "section", "text")}, ensure_ascii=False) + "\n")
    n_eval = sum(r["split"] == "eval" for r in records)
    print(f"{len(records)} units from {len(by_report)} reports; eval {n_eval} ({n_eval / len(records):.0%}) "
          f"from {len({r['report'] for r in records if r['split'] == 'eval'})} reports; "
          f"batches {[len(b) for b in batches]}; double-label {len(double)}")


if __name__ == "__main__":
    main()
