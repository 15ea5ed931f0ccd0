"""Choose a further round of units to label by hand, from reports not yet used.

Selection only, like ``sample_units.py``: nothing here labels anything. Round one
left the rarer themes thin (106 sufficiency units in all, 20 of them in the
evaluation split), so this round

* adds **training reports**: up to ``PER_REPORT`` units each, a third drawn from
  units whose words point at sufficiency, a third from units pointing at the
  other less common themes, a third uniformly. Cue words choose which units are
  read, never how they are labelled;
* adds **evaluation reports**, whole, chosen at random before any result on them
  was seen, so that the evaluation split has more than a handful of units of each
  theme;
* draws a **double-labelling sample** from this round's units.

Each round's units are appended to ``corpus/labelled/context/units.jsonl`` with
``"round": N``; batches are numbered on from the last one in
``corpus/labelled/batches/``. Deterministic for a given round and seed; run each
round once. The rounds so far:

    python scripts/sample_more.py --round 2 --seed 2027   # 36 training + 4 evaluation reports
    python scripts/sample_more.py --round 3 --seed 2028   # 42 training reports, no new evaluation ones
    python scripts/sample_more.py --round 4 --seed 2029   # 42 more training reports
    python scripts/sample_more.py --round 5 --seed 2030   # 2 more whole evaluation reports

Round 6 chose units by the model's uncertainty instead: ``scripts/sample_uncertain.py``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from collections import defaultdict
from pathlib import Path

from sample_units import spread  # the same spreading of reports over years as round one
from themeclass import read

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
OUT = CORPUS / "labelled"

# round -> type -> (new evaluation reports, new training reports); batches, double-labelled units
PLANS = {
    2: ({"ilacs": (2, 14), "focused": (2, 12), "jtai": (0, 4), "sif": (0, 6)}, 6, 2, 120),
    3: ({"ilacs": (0, 16), "focused": (0, 14), "jtai": (0, 5), "sif": (0, 7)}, 7, 0, 80),
    4: ({"ilacs": (0, 16), "focused": (0, 14), "jtai": (0, 5), "sif": (0, 7)}, 7, 0, 80),
    5: ({"ilacs": (1, 0), "focused": (1, 0)}, 0, 1, 0),  # keeps the evaluation split >= 15% of all units
}
PER_REPORT = 25
SUFFICIENCY_CUES = re.compile(
    r"sufficien|placement choice|choice of placement|range of placements|foster carers?|fostering|residential|"
    r"children's homes|unregistered|unregulated|commission|out of area|outside the (?:local )?area|"
    r"semi-independent|supported accommodation|staying put|homes for children|shortage",
    re.I,
)
OTHER_CUES = re.compile(
    r"care leaver|personal adviser|pathway plan|leaving care|supervision|management oversight|oversight|audit|"
    r"permanence|adoption|special guardianship|reunification|stability|long-term|connected carer|kinship|"
    r"care proceedings|pre-proceedings|life story|independent reviewing",
    re.I,
)


def sample_units(units: list, k: int, rng: random.Random) -> list:
    if len(units) <= k:
        return list(units)
    picked: list = []
    for cue in (SUFFICIENCY_CUES, OTHER_CUES):
        pool = [u for u in units if cue.search(u.text) and u not in picked]
        rng.shuffle(pool)
        picked += pool[: k // 3]
    rest = [u for u in units if u not in picked]
    picked += rng.sample(rest, k - len(picked))
    return sorted(picked, key=lambda u: u.index)


def write_batch(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({k: r[k] for k in ("id", "report", "type", "year", "section", "text")}, ensure_ascii=False) + "\n")


def deal(records: list[dict], n: int) -> list[list[dict]]:
    """Whole reports stay together; the next-largest report goes to the smallest batch."""
    by_report: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_report[r["report"]].append(r)
    batches: list[list[dict]] = [[] for _ in range(n)]
    for name in sorted(by_report, key=lambda name: (-len(by_report[name]), name)):
        min(batches, key=len).extend(by_report[name])
    return batches


def write_round(records: list[dict], round_no: int, n_train_batches: int, n_eval_batches: int, n_double: int,
                rng: random.Random) -> None:
    """Append a round's units to ``context/units.jsonl``, deal them into numbered
    batches (training, then evaluation), draw the double-labelling sample, and say what was done."""
    with (OUT / "context" / "units.jsonl").open("a", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    bdir = OUT / "batches"
    first_batch = 1 + max(int(p.stem.split("_")[1]) for p in bdir.glob("batch_*.jsonl"))
    train = deal([r for r in records if r["split"] == "train"], n_train_batches) if n_train_batches else []
    evaluation = deal([r for r in records if r["split"] == "eval"], n_eval_batches) if n_eval_batches else []
    for i, batch in enumerate(train + evaluation, start=first_batch):
        write_batch(bdir / f"batch_{i:02d}.jsonl", batch)
    double = sorted(rng.sample(records, n_double), key=lambda r: r["id"])
    if double:
        write_batch(bdir / f"double_{round_no:02d}.jsonl", double)
    eval_reports = sorted({r["report"] for r in records if r["split"] == "eval"})
    print(f"round {round_no}: {len(records)} units from {len({r['report'] for r in records})} reports; "
          f"eval {sum(r['split'] == 'eval' for r in records)} units from {eval_reports}; "
          f"batches {[len(b) for b in train + evaluation]}; double-label {len(double)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--round", type=int, choices=sorted(PLANS), required=True)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()
    plan, n_train_batches, n_eval_batches, n_double = PLANS[args.round]
    rng = random.Random(args.seed)
    context_file = OUT / "context" / "units.jsonl"
    existing = [json.loads(line) for line in context_file.open(encoding="utf-8")]
    if any(r.get("round") == args.round for r in existing):
        raise SystemExit(f"{context_file}: round {args.round} is already there; each round runs once")
    used = {r["report"] for r in existing}
    manifest = list(csv.DictReader((CORPUS / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    records: list[dict] = []
    for doc_type, (n_eval, n_train) in plan.items():
        rows = [r for r in manifest if r["type"] == doc_type and r["date"][:4] >= "2014"
                and Path(r["file"]).name.split(".")[0] not in used]
        chosen = spread(rows, n_eval + n_train, rng)
        rng.shuffle(chosen)
        for i, row in enumerate(chosen):
            report = read(CORPUS / row["file"])
            split = "eval" if i < n_eval else "train"
            units = report.units if split == "eval" else sample_units(report.units, PER_REPORT, rng)
            for u in units:
                records.append({
                    "id": u.id, "report": report.id, "split": split, "type": doc_type, "year": int(row["date"][:4]),
                    "section": u.section, "kind": u.kind, "text": u.text, "round": args.round,
                })
    write_round(records, args.round, n_train_batches, n_eval_batches, n_double, rng)

if __name__ == "__main__":
    main()
