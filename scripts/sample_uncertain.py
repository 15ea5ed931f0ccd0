"""Round six of hand labelling: the units the default model is least sure of.

Selection only: the model chooses which units are *read*; every label still comes
from reading the unit against the codebook, never from the model. Rounds two to
five drew units at random (with cue-word strata); the learning curve was
flattening, and units near the model's decision boundaries teach it more per
label than random ones (uncertainty sampling, the loop ``themeclass label export
--uncertain`` offers researchers). So this round

* first adds **evaluation reports**, whole, chosen at random from reports not yet
  used (as ``sample_more.py`` does), so that the evaluation split stays above 15%
  of all units and no training unit comes from them;
* then ranks every unlabelled unit of the other reports by the default model's
  margin (``themeclass.label``: distance of each theme probability from its
  threshold, gap between the two likeliest sentiment labels) and takes the
  ``N_UNCERTAIN`` lowest, at most ``PER_REPORT`` from any one report;
* adds ``N_RANDOM`` units drawn uniformly from unused reports, so that the
  training split does not become all hard cases (the decision thresholds are
  tuned on it by cross-validation);
* draws a double-labelling sample.

Each unit's ``"selection"`` in ``context/units.jsonl`` says how it was chosen:
``eval``, ``uncertain`` or ``random``.

Run once, after the default model of round five was trained:

    python scripts/sample_uncertain.py --seed 2031

The margins come from the model in the package's ``models/``; rebuilding round six
exactly (checked: the same 1,192 units and batches) needs that model back in a
checkout of its own: ``git checkout f2d4fa7 -- models/`` with the checkout's
``src`` on ``PYTHONPATH`` and round six removed from ``context/units.jsonl``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

from sample_more import CORPUS, OUT, write_round
from sample_units import spread
from themeclass import read
from themeclass.label import margins

ROUND = 6
EVAL_PLAN = {"ilacs": 2, "focused": 1, "jtai": 1}
N_UNCERTAIN, PER_REPORT, N_RANDOM, RANDOM_PER_REPORT = 600, 5, 400, 10
N_TRAIN_BATCHES, N_EVAL_BATCHES, N_DOUBLE = 7, 2, 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    context_file = OUT / "context" / "units.jsonl"
    existing = [json.loads(line) for line in context_file.open(encoding="utf-8")]
    if any(r.get("round") == ROUND for r in existing):
        raise SystemExit(f"{context_file}: round {ROUND} is already there; each round runs once")
    used = {r["report"] for r in existing}
    labelled = {r["id"] for r in existing}
    eval_reports = {r["report"] for r in existing if r["split"] == "eval"}
    manifest = list(csv.DictReader((CORPUS / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    name = {row["file"]: Path(row["file"]).name.split(".")[0] for row in manifest}
    info = {name[row["file"]]: row for row in manifest}

    def record(u, split: str, selection: str) -> dict:
        row = info[u.report]
        return {"id": u.id, "report": u.report, "split": split, "type": row["type"], "year": int(row["date"][:4]),
                "section": u.section, "kind": u.kind, "text": u.text, "round": ROUND, "selection": selection}

    records: list[dict] = []
    for doc_type, n in EVAL_PLAN.items():  # whole evaluation reports, drawn before anything else
        rows = [r for r in manifest if r["type"] == doc_type and r["date"][:4] >= "2014" and name[r["file"]] not in used]
        for row in spread(rows, n, rng):
            records += [record(u, "eval", "eval") for u in read(CORPUS / row["file"]).units]
    eval_reports |= {r["report"] for r in records}

    pool = [row for row in manifest if row["date"][:4] >= "2014" and name[row["file"]] not in eval_reports]
    ranked = [m for row in pool for m in margins(str(CORPUS / row["file"]), None) if m.id not in labelled]
    ranked.sort(key=lambda m: (m.margin, m.id))
    chosen: dict[str, set[str]] = {}  # report -> unit ids
    selection: dict[str, str] = {}
    for uid, report in ((m.id, m.report) for m in ranked):
        if len(selection) == N_UNCERTAIN:
            break
        if len(chosen.get(report, ())) < PER_REPORT:
            chosen.setdefault(report, set()).add(uid)
            selection[uid] = "uncertain"
    unused = [row for row in pool if name[row["file"]] not in used and name[row["file"]] not in chosen]
    for row in spread(unused, N_RANDOM // RANDOM_PER_REPORT, rng):
        units = [u for u in read(CORPUS / row["file"]).units if u.id not in labelled]
        chosen[name[row["file"]]] = {u.id for u in rng.sample(units, min(RANDOM_PER_REPORT, len(units)))}
    for report in sorted(chosen):
        records += [record(u, "train", selection.get(u.id, "random")) for u in read(CORPUS / info[report]["file"]).units
                    if u.id in chosen[report]]

    write_round(records, ROUND, N_TRAIN_BATCHES, N_EVAL_BATCHES, N_DOUBLE, rng)

if __name__ == "__main__":
    main()
