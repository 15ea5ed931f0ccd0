"""Gather the labelled batches into the corpus files and measure agreement.

Reads ``corpus/labelled/raw/batch_*.labels.jsonl`` (each unit labelled once, by
reading it against the codebook) and writes ``corpus/labelled/train.jsonl`` and
``corpus/labelled/eval.jsonl`` by the split recorded in
``corpus/labelled/context/units.jsonl``. Units re-read since (``review/raw/review_*.labels.jsonl``,
the re-reading of 1,758 units against the codebook's six rulings of 2026-11-30, drawn by
``scripts/sample_rulings.py``) take their reviewed labels. Then compares each independent second
labelling ``raw/double*.labels.jsonl`` (one per labelling round) with the first labels of the same units:
Cohen's kappa per theme (theme present or not) and agreement on the sentiment of
themes both labellings gave. Prints a Markdown summary for ``corpus/README.md``.

    python scripts/assemble_labels.py
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from themeclass import read
from themeclass.files import atomic_write
from themeclass.learning.dataset import Labelled, load_labelled
from themeclass.codebook import LABELS, THEMES

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "corpus" / "labelled"


def kappa(a: list, b: list) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(a) | set(b)) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def refresh_sections(context: dict[str, dict]) -> int:
    """Re-read each report with today's segmenter and update the units' sections.

    Section headings matter (items under "What needs to improve?" are weaknesses);
    where the segmenter has since learnt to find a heading, the labelled unit
    should carry it. Units are matched by their text; a unit whose text the
    segmenter now cuts differently keeps the section it had.
    """
    changed = 0
    for report_id in sorted({c["report"] for c in context.values()}):
        units = read(ROOT / "corpus" / "reports" / f"{report_id}.txt.gz").units
        by_text = {" ".join(u.text.split()): u.section for u in units}
        for c in context.values():
            if c["report"] == report_id:
                section = by_text.get(" ".join(c["text"].split()), c["section"])
                changed += section != c["section"]
                c["section"] = section
    return changed


def main() -> None:
    context = {json.loads(l)["id"]: json.loads(l) for l in (LABELLED / "context" / "units.jsonl").open(encoding="utf-8")}
    changed = refresh_sections(context)
    with atomic_write(LABELLED / "context" / "units.jsonl") as fh:
        for c in context.values():
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"sections refreshed from the current segmenter: {changed} changed")
    batches = sorted((LABELLED / "raw").glob("batch_*.labels.jsonl"))
    records = apply_reviews(load_labelled(batches))
    missing = set(context) - {r.id for r in records}
    by_split: dict[str, list] = {"train": [], "eval": []}
    for r in records:
        by_split[context[r.id]["split"]].append(r)
    for split, rows in by_split.items():
        with atomic_write(LABELLED / f"{split}.jsonl") as fh:
            for r in sorted(rows, key=lambda r: (r.report, int(r.id.split("#")[1]))):
                record = {"id": r.id, "text": r.text, "themes": r.themes, "recurring": list(r.recurring),
                          "section": context[r.id]["section"], "split": split}  # section and split travel with the label
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"labelled {len(records)} units ({len(missing)} chosen units not labelled): "
          f"train {len(by_split['train'])}, eval {len(by_split['eval'])} "
          f"({len({r.report for r in by_split['eval']})} reports: {', '.join(sorted({r.report for r in by_split['eval']}))})")
    counts = Counter((t, s) for r in records for t, s in r.themes.items())
    print("\n| theme | " + " | ".join(LABELS) + " | units |\n|---|" + "---|" * (len(LABELS) + 1))
    for t in THEMES:
        print(f"| {t} | " + " | ".join(str(counts[(t, s)]) for s in LABELS) + f" | {sum(counts[(t, s)] for s in LABELS)} |")
    print(f"| no theme | | | | | {sum(1 for r in records if not r.themes)} |")
    print(f"recurring flags: {sum(len(r.recurring) for r in records)}")

    first = {r.id: r for r in records}
    doubles = sorted((LABELLED / "raw").glob("double*.labels.jsonl"))
    rounds = [(f.name, [r for r in load_labelled([f]) if r.id in first]) for f in doubles]
    if len(rounds) > 1:
        rounds.append(("all rounds", [r for _, rs in rounds for r in rs]))
    for name, second in rounds:
        agreement(name, first, second)


def apply_reviews(records: list) -> list:
    """Records with the labels of their latest re-reading, if any (reviews apply in file order)."""
    reviewed: dict[str, dict] = {}
    for path in sorted((LABELLED / "review" / "raw").glob("review_*.labels.jsonl")):
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            reviewed[row["id"]] = row
    out = []
    for r in records:
        row = reviewed.get(r.id)
        if row is not None:
            r = Labelled(r.id, r.text, dict(row["themes"]), tuple(row.get("recurring") or []), r.section, r.split)
        out.append(r)
    changed = sum(1 for a, b in zip(records, out) if (a.themes, sorted(a.recurring)) != (b.themes, sorted(b.recurring)))
    print(f"re-read against the codebook's rulings: {len(reviewed)} units, {changed} relabelled")
    review_agreement(reviewed)
    return out


def review_agreement(reviewed: dict[str, dict]) -> None:
    """How far a second, independent re-reading of a sample agrees with the first."""
    path = LABELLED / "review" / "raw" / "double_review.labels.jsonl"
    if not path.exists():
        return
    second = [json.loads(line) for line in path.open(encoding="utf-8")]
    first = [reviewed[r["id"]] for r in second]
    same = sum((a["themes"], sorted(a["recurring"])) == (b["themes"], sorted(b["recurring"])) for a, b in zip(first, second))
    kappas = ", ".join(f"{t} {kappa([t in a['themes'] for a in first], [t in b['themes'] for b in second]):.2f}" for t in THEMES)
    pairs = [(a["themes"][t], b["themes"][t]) for a, b in zip(first, second) for t in b["themes"] if t in a["themes"]]
    changed_a, changed_b = [a["changed"] for a in first], [b["changed"] for b in second]
    print(f"double re-reading of {len(second)} units: identical labels {same}/{len(second)}; kappa per theme {kappas}; "
          f"sentiment {sum(x == y for x, y in pairs)}/{len(pairs)}; changed by both {sum(a and b for a, b in zip(changed_a, changed_b))}, "
          f"first only {sum(a and not b for a, b in zip(changed_a, changed_b))}, second only "
          f"{sum(b and not a for a, b in zip(changed_a, changed_b))} (kappa {kappa(changed_a, changed_b):.2f})")


def agreement(name: str, first: dict, second: list) -> None:
    """Kappa per theme and sentiment agreement of a second, independent labelling."""
    print(f"\nDouble-labelled units ({name}): {len(second)}")
    print("\n| theme | both | first only | second only | kappa |\n|---|---|---|---|---|")
    for t in THEMES:
        a = [t in first[r.id].themes for r in second]
        b = [t in r.themes for r in second]
        both = sum(x and y for x, y in zip(a, b))
        print(f"| {t} | {both} | {sum(x and not y for x, y in zip(a, b))} | {sum(y and not x for x, y in zip(a, b))} | {kappa(a, b):.2f} |")
    pairs = [(first[r.id].themes[t], r.themes[t]) for r in second for t in r.themes if t in first[r.id].themes]
    weak = lambda s: s in ("negative", "mixed")  # noqa: E731
    print(f"\nSentiment of the {len(pairs)} themes both gave: same label {sum(a == b for a, b in pairs) / len(pairs):.1%} "
          f"(kappa {kappa([a for a, _ in pairs], [b for _, b in pairs]):.2f}); "
          f"same weakness/not-weakness call {sum(weak(a) == weak(b) for a, b in pairs) / len(pairs):.1%}")
    none_a = [not first[r.id].themes for r in second]
    none_b = [not r.themes for r in second]
    print(f"No-theme units: kappa {kappa(none_a, none_b):.2f}")

if __name__ == "__main__":
    main()
