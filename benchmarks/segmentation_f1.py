"""Unit-F1 of themeclass's segmentation against the PDF layout-block paragraphs.

Reference: ``shared/corpus/raw/blocks/<report>.blocks.jsonl`` holds each report's
PDF layout blocks (poppler ``-bbox-layout``), flagged for page furniture and
publisher boilerplate, with continuation blocks marked where a paragraph runs on
to the next page. We build the reference units from it, independently of
themeclass's own code:

* drop blocks flagged ``furniture`` or ``boilerplate``, and footnotes: a lone
  number set small (box under 10 pt high) with a text block beside it on the
  same line, as at the foot of 2025-26 ILACS pages ("1  The areas for improvement
  have been cross-referenced ..."). The layout flags do not mark these, and left
  in they cut the paragraph that runs on to the next page;
* join a ``continuation`` block to the block before it, and likewise a block
  that starts in lower case after one with no closing punctuation (a sentence
  running on across a page or column, where the flag was not set);
* split a block at every bullet glyph (one unit per bullet item);
* keep a piece as a reference unit when it is a bullet item, a numbered
  paragraph, or reads as prose: at least 6 words ending in closing punctuation.
  Headings, table cells, addresses and salutations are thereby left out;
* leave out the few fixed sign-off sentences of Ofsted letters, listed in
  ``SIGNOFF`` below (they are publisher text, not findings);
* leave out questions of up to 22 words standing alone in a block: headings such
  as "What needs to improve?" and area SEND's "What is it like to be a child or
  young person with special educational needs and/or disabilities (SEND) in this
  area?" (16-20 words; until 2026-11-23 the limit was 15 words, which counted
  that heading as a paragraph). No block of the corpus ending in "?" with 16 to
  25 words is anything but that heading.

A predicted unit matches a reference unit when their texts, reduced to
lower-case letters and digits and located in the report, overlap with
intersection-over-union >= 0.9. Precision, recall and F1 are pooled over the
units of each document type.

    python benchmarks/segmentation_f1.py [--raw DIR] [--limit N] [--show-misses N]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from themeclass.reading.read import read_text
from themeclass.reading.segment import segment

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RAW = ROOT.parent / "shared" / "corpus" / "raw"
BULLETS = "◼▪•●■\uf06e\uf0a7\uf0b7\uf02d\uf0be"
SIGNOFF = re.compile(
    r"^(Ofsted will take the findings|I am copying this letter|Yours sincerely|"
    r"Ofsted produces this report under its power|This joint inspection was conducted under|"
    r"Any complaints about the inspection|If you are not happy with the inspection or the report)",
    re.I,
)


def is_heldout(report_file: str) -> bool:
    """A fixed half of the reports (name hashes odd), kept apart while tuning the segmenter."""
    return int(hashlib.md5(report_file.encode("utf-8")).hexdigest(), 16) % 2 == 1


def key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def reference_units(blocks_path: Path) -> list[str]:
    rows = [json.loads(line) for line in blocks_path.open(encoding="utf-8")][1:]
    footnotes = set()
    for i, (row, after) in enumerate(zip(rows, rows[1:])):
        x0, y0, x1, y1 = row["bbox"]
        if re.fullmatch(r"\d{1,2}", row["text"].strip()) and y1 - y0 < 10 and after["page"] == row["page"] \
                and abs(after["bbox"][1] - y0) <= 2 and not after["furniture"]:
            footnotes.update((i, i + 1))
    joined: list[dict] = []
    for i, row in enumerate(rows):
        if row["furniture"] or row["boilerplate"] or i in footnotes:
            continue
        # A block that runs on mid-sentence (no closing punctuation, next starts in
        # lower case) continues the one before even where the flag is missing.
        runs_on = bool(joined) and row["text"][:1].islower() and not re.search(r"[.!?;:][’”\"')\]]*\d{0,2}$", joined[-1]["text"])
        if (row["continuation"] or runs_on) and joined:
            joined[-1]["text"] += " " + row["text"]
        else:
            joined.append(dict(row))
    units = []
    for row in joined:
        pieces = re.split(f"[{BULLETS}]", row["text"])
        for i, piece in enumerate(pieces):
            piece = piece.strip()
            is_bullet = i > 0
            if not piece:
                continue
            piece = re.sub(r"^\d{1,3}\.\s+", "", piece) if row["para_no"] is not None and i == 0 else piece
            prose = len(piece.split()) >= 6 and re.search(r"[.!?;:][’”\"')\]]*\d{0,2}$", piece)
            question_heading = piece.endswith("?") and len(piece.split()) <= 22
            if (is_bullet or row["para_no"] is not None or prose) and not SIGNOFF.match(piece) and not question_heading:
                units.append(piece)
    return units


def locate(stream: str, texts: list[str]) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for text in texts:
        k = key(text)
        if not k:
            continue
        at = stream.find(k, cursor)
        if at < 0:
            at = stream.find(k)
        if at < 0:  # text not found verbatim (e.g. reordered columns): match on its head
            head = k[:40]
            at = stream.find(head, cursor)
            at = stream.find(head) if at < 0 else at
            if at < 0:
                spans.append((-1, -1))
                continue
        spans.append((at, at + len(k)))
        cursor = at + len(k)
    return spans


def match(pred: list[tuple[int, int]], ref: list[tuple[int, int]], threshold: float = 0.9) -> int:
    hits, used = 0, set()
    for ps, pe in pred:
        if ps < 0:
            continue
        for j, (rs, re_) in enumerate(ref):
            if j in used or rs < 0:
                continue
            inter = min(pe, re_) - max(ps, rs)
            if inter <= 0:
                continue
            union = max(pe, re_) - min(ps, rs)
            if inter / union >= threshold:
                hits += 1
                used.add(j)
                break
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, default=DEFAULT_RAW)
    parser.add_argument("--limit", type=int, default=0, help="sample N reports per type (0 = all)")
    parser.add_argument("--show-misses", type=int, default=0)
    parser.add_argument("--type", default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--split", choices=["heldout", "train", "all"], default="heldout",
                        help="which reports: the half not looked at while tuning (default), the other, or all")
    args = parser.parse_args()
    manifest = list(csv.DictReader((args.raw / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    by_type: dict[str, list[dict]] = defaultdict(list)
    for row in manifest:
        doc_type = "send" if row["subtype"] == "area_send_inspection" else row["type"]
        if args.type and doc_type != args.type:
            continue
        if args.split != "all" and is_heldout(row["file"]) != (args.split == "heldout"):
            continue
        by_type[doc_type].append(row)
    rng = random.Random(args.seed)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp, n_pred, n_ref, docs
    worst: list[tuple[float, str, list[str], list[str]]] = []
    started = time.perf_counter()
    for doc_type, rows in sorted(by_type.items()):
        if args.limit:
            rows = rng.sample(rows, min(args.limit, len(rows)))
        for row in rows:
            text = read_text(args.raw / row["file"])
            units = [u.text for u in segment(text, row["file"])]
            ref = reference_units(args.raw / "blocks" / row["file"].replace(".txt", ".blocks.jsonl"))
            stream = key(text)
            tp = match(locate(stream, units), locate(stream, ref))
            t = totals[doc_type]
            t[0] += tp
            t[1] += len(units)
            t[2] += len(ref)
            t[3] += 1
            f1 = 2 * tp / (len(units) + len(ref)) if units or ref else 1.0
            worst.append((f1, row["file"], units, ref))
    elapsed = time.perf_counter() - started
    print(f"{'type':<10}{'reports':>8}{'pred':>8}{'ref':>8}{'P':>8}{'R':>8}{'F1':>8}")
    all_tp = all_pred = all_ref = 0
    for doc_type, (tp, n_pred, n_ref, docs) in sorted(totals.items()):
        p = tp / n_pred if n_pred else 0
        r = tp / n_ref if n_ref else 0
        f1 = 2 * tp / (n_pred + n_ref) if n_pred + n_ref else 0
        print(f"{doc_type:<10}{docs:>8}{n_pred:>8}{n_ref:>8}{p:>8.3f}{r:>8.3f}{f1:>8.3f}")
        all_tp, all_pred, all_ref = all_tp + tp, all_pred + n_pred, all_ref + n_ref
    print(f"{'all':<10}{sum(t[3] for t in totals.values()):>8}{all_pred:>8}{all_ref:>8}"
          f"{all_tp / all_pred:>8.3f}{all_tp / all_ref:>8.3f}{2 * all_tp / (all_pred + all_ref):>8.3f}")
    print(f"read+segment+score time: {elapsed:.1f} s")
    worst.sort()
    for f1, name, units, ref in worst[: args.show_misses]:
        print(f"\n=== {name}  F1={f1:.3f}")
        pk = {key(u) for u in units}
        rk = {key(r) for r in ref}
        for r in ref:
            if key(r) not in pk:
                print("  MISSED  ", r[:150])
        for u in units:
            if key(u) not in rk:
                print("  EXTRA   ", u[:150])


if __name__ == "__main__":
    sys.exit(main())
