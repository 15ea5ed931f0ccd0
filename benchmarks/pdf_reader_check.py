"""Check the PDF reader against pdftotext: speed and likeness, report by report.

The rest of themeclass was tuned on ``pdftotext`` (poppler 22.12) output, kept in
``shared/corpus/raw/<stem>.txt``; ``themeclass.read_text`` reads the PDFs with
pypdfium2 instead. This script reads every PDF in a folder and prints, per file:
pages, seconds (best of ``--repeat`` runs), word similarity and line similarity.

Both similarities are page by page (pages split on "\\f"), summed over the file:
2 * matched / (ours + theirs), the difflib ratio, over words (white space ignored) and
over non-blank lines (trimmed), so 1.0 means identical and reading-order changes show up
in the line figure.

Usage::

    python benchmarks/pdf_reader_check.py [PDF_FOLDER] [--raw RAW_FOLDER] [--repeat N]

PDF_FOLDER defaults to ``../shared/corpus/pdf`` from the project root, RAW_FOLDER to its
sibling ``raw``.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "src"))

from themeclass.reading.read import read_text  # noqa: E402  (after the path fix, for an uninstalled tree)


@dataclass
class Row:
    name: str
    pages: int
    seconds: float
    words: tuple[int, int]  # matched, total
    lines: tuple[int, int]

    @staticmethod
    def ratio(pair: tuple[int, int]) -> float:
        return 2 * pair[0] / pair[1] if pair[1] else 1.0


def pages(text: str) -> list[str]:
    """Pages of a text; pdftotext ends every page with "\\f", read_text only separates them."""
    found = text.split("\f")
    return found[:-1] if len(found) > 1 and not found[-1].strip() else found


def matched(ours: list[str], theirs: list[str]) -> tuple[int, int]:
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()), len(ours) + len(theirs)


def compare(ours: str, theirs: str, split) -> tuple[int, int]:
    """Matched and total tokens, page against page; unpaired pages count as all unmatched."""
    ours_pages, their_pages = pages(ours), pages(theirs)
    hit = total = 0
    for index in range(max(len(ours_pages), len(their_pages))):
        a = split(ours_pages[index]) if index < len(ours_pages) else []
        b = split(their_pages[index]) if index < len(their_pages) else []
        page_hit, page_total = matched(a, b)
        hit, total = hit + page_hit, total + page_total
    return hit, total


def words(page: str) -> list[str]:
    return page.split()


def lines(page: str) -> list[str]:
    return [line.strip() for line in page.split("\n") if line.strip()]


def timed_read(path: Path, repeat: int) -> tuple[str, float]:
    best, text = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        text = read_text(path)
        best = min(best, time.perf_counter() - start)
    return text, best


def check(pdf: Path, raw: Path, repeat: int) -> Row:
    text, seconds = timed_read(pdf, repeat)
    reference = raw.joinpath(pdf.stem + ".txt").read_text(encoding="utf-8")
    page_count = text.count("\f") + 1
    return Row(pdf.name, page_count, seconds, compare(text, reference, words), compare(text, reference, lines))


def pdfium_only_seconds(pdf: Path) -> float:
    """PDFium's own text extraction, no layout: the floor for any pypdfium2 reader."""
    import pypdfium2 as pdfium

    start = time.perf_counter()
    doc = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
    finally:
        doc.close()
    return time.perf_counter() - start


def print_table(rows: list[Row], floor: float) -> None:
    width = max(len(row.name) for row in rows + [Row("total", 0, 0, (0, 0), (0, 0))])
    print(f"{'file':<{width}}  pages  seconds  ms/page  words   lines")
    for row in rows:
        print(
            f"{row.name:<{width}}  {row.pages:5d}  {row.seconds:7.3f}  {1000 * row.seconds / row.pages:7.1f}"
            f"  {Row.ratio(row.words):.4f}  {Row.ratio(row.lines):.4f}"
        )
    total_pages = sum(row.pages for row in rows)
    seconds = sum(row.seconds for row in rows)
    words_pair = (sum(r.words[0] for r in rows), sum(r.words[1] for r in rows))
    lines_pair = (sum(r.lines[0] for r in rows), sum(r.lines[1] for r in rows))
    print(
        f"{'total':<{width}}  {total_pages:5d}  {seconds:7.3f}  {1000 * seconds / total_pages:7.1f}"
        f"  {Row.ratio(words_pair):.4f}  {Row.ratio(lines_pair):.4f}"
    )
    lowest_words = min(Row.ratio(row.words) for row in rows)
    lowest_lines = min(Row.ratio(row.lines) for row in rows)
    print(f"lowest per file: words {lowest_words:.4f}, lines {lowest_lines:.4f}")
    print(f"PDFium text extraction alone: {1000 * floor / total_pages:.1f} ms/page")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=PROJECT.parent / "shared" / "corpus" / "pdf")
    parser.add_argument("--raw", type=Path, help="pdftotext texts (default: sibling folder 'raw')")
    parser.add_argument("--repeat", type=int, default=3, help="reads per file; the fastest counts")
    args = parser.parse_args(argv)
    raw = args.raw or args.folder.parent / "raw"
    pdfs = sorted(args.folder.glob("*.pdf"))
    if not pdfs:
        print(f"{args.folder}: no PDF files", file=sys.stderr)
        return 1
    rows = [check(pdf, raw, args.repeat) for pdf in pdfs]
    print_table(rows, sum(pdfium_only_seconds(pdf) for pdf in pdfs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
