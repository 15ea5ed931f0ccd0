"""Choose the labelled units that the codebook's six new rulings may touch, for re-reading.

Selection only: the patterns below decide which already-labelled units are *read
again*, never how they are labelled. On 2026-11-30 the shared codebook gained six
rulings (the mirror concession, counts and context figures, leadership
statements, missed tasks, participation, implicit recurrence). A unit labelled
before them keeps its labels unless a reader, applying the whole codebook with the
new rulings, finds that one of them changes its labels. Each ruling has a
candidate test here, broad on purpose (a unit read for nothing costs a minute; a
unit not read keeps a label the codebook no longer gives):

* ``mirror``: a theme labelled ``mixed`` in a unit with a concession connective
  ("despite", "although", "while" ...);
* ``counts``: a theme labelled ``neutral``, or a themed unit with three or more
  figures;
* ``leadership``: ``supervision`` in a unit naming audits, quality assurance or
  performance data; or no theme in a unit naming leaders, partners or a strategy
  together with a theme's area (domestic abuse, adoption, placements ...);
* ``missed``: ``supervision`` in a unit naming tasks, actions, timescales or deadlines;
* ``participation``: a themed unit naming forums, councils, participation or voice;
* ``recurrence``: a weakness not flagged recurring in a unit saying "still",
  "remains", "not yet", "lack of progress", "waiting" ...

Every unit of both splits is considered (evaluation labels must follow the same
codebook). The candidates are dealt into review batches in a fixed order and a
double-review sample is drawn; reviewers see the unit, its section and its
current labels, and write the labels the codebook now gives, with the ruling
that changed them. ``scripts/assemble_labels.py`` applies the reviewed labels.

    python scripts/sample_rulings.py --seed 2032
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "corpus" / "labelled"
OUT = LABELLED / "review"

_CONCESSION = re.compile(r"\b(despite|although|though|while|whilst|notwithstanding|in spite of|even when|even though)\b", re.I)
_FIGURE = re.compile(r"\d[\d,.%]*")
_QA = re.compile(r"\b(audit\w*|quality assurance|performance (data|information|management)|QA)\b", re.I)
_LEADERS = re.compile(r"\b(leaders?|leadership|partnership|partners|strateg\w*|board)\b", re.I)
_AREA = re.compile(
    r"\b(domestic abuse|exploitation|child protection|front door|MASH|referrals?|thresholds?|safeguarding|permanence|"
    r"adoption|special guardianship|care leavers?|leaving care|pathway plans?|personal advisers?|placements?|sufficiency|"
    r"foster(ing)? carers?|residential|commissioning|homes for children|children's homes|missing)\b", re.I)
_TASKS = re.compile(r"\b(timescales?|deadlines?|tasks?|actions?|not completed|overdue|not followed|carried out|completed)\b", re.I)
_VOICE = re.compile(r"\b(forums?|council|participation|ambassadors?|youth (parliament|board)|co-produc\w*|voices?)\b", re.I)
_PERSISTS = re.compile(
    r"\b(lack of progress|not (yet )?progressed|(still|continue to) wait\w*|still|not yet|slow progress|limited progress|"
    r"insufficient progress|remains?|remained|persist\w*|not improved|has not improved)\b", re.I)
WEAK = ("negative", "mixed")


def reasons(record: dict) -> list[str]:
    """Which rulings may change this unit's labels (empty: none)."""
    text, themes, recurring = record["text"], record["themes"], set(record.get("recurring") or [])
    out = []
    if "mixed" in themes.values() and _CONCESSION.search(text):
        out.append("mirror")
    if "neutral" in themes.values() or (themes and len(_FIGURE.findall(text)) >= 3):
        out.append("counts")
    if ("supervision" in themes and _QA.search(text)) or (not themes and _LEADERS.search(text) and _AREA.search(text)):
        out.append("leadership")
    if "supervision" in themes and _TASKS.search(text):
        out.append("missed")
    if themes and _VOICE.search(text):
        out.append("participation")
    if any(s in WEAK and t not in recurring for t, s in themes.items()) and _PERSISTS.search(text):
        out.append("recurrence")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--double", type=int, default=150, help="units reviewed a second time, independently")
    args = parser.parse_args()
    if (OUT / "batches").exists():
        raise SystemExit(f"{OUT / 'batches'} exists; the review is drawn once")
    context = {json.loads(l)["id"]: json.loads(l) for l in (LABELLED / "context" / "units.jsonl").open(encoding="utf-8")}
    records = [json.loads(l) for f in ("train.jsonl", "eval.jsonl") for l in (LABELLED / f).open(encoding="utf-8")]
    chosen = []
    for r in records:
        why = reasons(r)
        if why:
            chosen.append({"id": r["id"], "section": context.get(r["id"], {}).get("section"), "text": r["text"],
                           "themes": r["themes"], "recurring": r.get("recurring") or [], "check": why})
    rng = random.Random(args.seed)
    order = sorted(chosen, key=lambda r: r["id"])
    rng.shuffle(order)  # batches mix reports, types and splits
    (OUT / "batches").mkdir(parents=True)
    (OUT / "raw").mkdir(exist_ok=True)
    size = -(-len(order) // args.batches)
    for i in range(args.batches):
        batch = sorted(order[i * size:(i + 1) * size], key=lambda r: r["id"])
        with (OUT / "batches" / f"review_{i + 1:02d}.jsonl").open("w", encoding="utf-8") as fh:
            for r in batch:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    double = sorted(rng.sample(order, min(args.double, len(order))), key=lambda r: r["id"])
    with (OUT / "batches" / "double_review.jsonl").open("w", encoding="utf-8") as fh:
        for r in double:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = {k: sum(k in r["check"] for r in chosen) for k in
              ("mirror", "counts", "leadership", "missed", "participation", "recurrence")}
    print(f"{len(chosen)} of {len(records)} labelled units to re-read ({counts}); "
          f"{args.batches} batches of up to {size}; double review {len(double)}")


if __name__ == "__main__":
    main()
