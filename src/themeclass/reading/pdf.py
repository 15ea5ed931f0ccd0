"""Read a PDF: PDFium's characters rebuilt into ``pdftotext``-like lines and reading order.

Why pypdfium2 for PDF. It wraps PDFium, the PDF engine of Chrome, under permissive
licences (Apache-2.0 / BSD-3-Clause), ships binary wheels for Linux, macOS and Windows
with no system libraries to install, is actively maintained, and is fast: PDFium's own
text extraction takes 2-4 ms a page on the nine reports in ``shared/corpus/pdf``. The
alternatives: pypdf is pure Python, about 50 ms a page there, and follows the content
stream, so running heads, footers and table cells come out of order (82-97% of
pdftotext's lines matched, file by file); PyMuPDF is as good as PDFium but is AGPL;
poppler's ``pdftotext`` itself needs a system binary. PDFium's plain text has the same
ordering problem (80-99% of lines matched), so this module takes PDFium's characters
with their boxes and rebuilds lines, blocks and a top-to-bottom, left-to-right reading
order, the way ``pdftotext`` does. Measured with ``benchmarks/pdf_reader_check.py`` on
those nine reports (117 pages): 11-27 ms a page in all, depending on the load of a
shared two-core machine (PDFium alone 2-4 ms); 99.99% of words and 99.7% of lines the
same as pdftotext, no file below 99.97% of words or 99.07% of lines.
"""

from __future__ import annotations

import ctypes
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import ThemeclassError
from .text import normalise_text

__all__ = ["pdf_text"]

_PDF_EXTRA = "reading PDF needs the pdf extra: pip install 'themeclass[pdf]'"
_DAMAGED_PDF = "truncated or damaged PDF"


def pdf_text(data: bytes, file: Path) -> str:
    """Extract the text of every page, pages joined by form feeds, like ``pdftotext``."""
    if not data:
        raise ThemeclassError("empty file", file)
    if b"%PDF-" not in data[:1024]:
        raise ThemeclassError("not a PDF (no %PDF- header)", file)
    if b"%%EOF" not in data[-8192:]:
        raise ThemeclassError(_DAMAGED_PDF, file)
    pdfium, pdfium_c = _import_pdfium(file)
    try:
        doc = pdfium.PdfDocument(data)  # from bytes: no file handle is held open
    except pdfium.PdfiumError as err:
        raise ThemeclassError(_load_problem(err, pdfium_c), file) from None
    try:
        pages = [_pdf_page_text(doc, index, pdfium, pdfium_c, file) for index in range(len(doc))]
    finally:
        doc.close()
    text = "\f".join(pages)
    if not text.strip():
        raise ThemeclassError("PDF has no text layer (scanned?)", file)
    return text


def _import_pdfium(file: Path) -> tuple[Any, Any]:
    """Import pypdfium2 only when a PDF is read: it is the optional ``pdf`` extra."""
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
    except ImportError:
        raise ThemeclassError(_PDF_EXTRA, file) from None
    return pdfium, pdfium_c


def _load_problem(err: Exception, pdfium_c: Any) -> str:
    """Phrase a PDFium load error for the person who supplied the file."""
    code = getattr(err, "err_code", None)
    if code == getattr(pdfium_c, "FPDF_ERR_PASSWORD", 4) or (code is None and "password" in str(err).lower()):
        return "encrypted PDF (password required)"
    if code == getattr(pdfium_c, "FPDF_ERR_SECURITY", 6):
        return "encrypted PDF (unsupported security handler)"
    return _DAMAGED_PDF


def _pdf_page_text(doc: Any, index: int, pdfium: Any, pdfium_c: Any, file: Path) -> str:
    """Text of one page; pages and text pages are closed so no handle leaks."""
    try:
        page = doc[index]
    except pdfium.PdfiumError:
        raise ThemeclassError(_DAMAGED_PDF, file) from None
    try:
        textpage = page.get_textpage()
        try:
            return _layout_text(textpage, page, pdfium_c)
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        raise ThemeclassError(_DAMAGED_PDF, file) from None
    finally:
        page.close()


# --- PDF layout: glyphs -> runs (lines) -> blocks -> reading order -> flows -> text
#
# Coordinates are PDF points with y growing upwards. "size" is the height of a glyph's
# loose box (ascent + descent), about 1.2 x the font size; thresholds are fractions of it
# and were tuned on the corpus against pdftotext.

#: Gap between glyphs, as a share of size, that makes a word break (letters touch: <= 0.05).
_WORD_GAP = 0.08
#: Gap that splits a line into two runs (table cells, page number beside a running foot).
_RUN_GAP = 1.5
#: Largest white space between two lines of one block (TOC rows and signatures are wider).
_LINE_GAP = 0.35
#: Largest size ratio between lines of one block or flow (footers are smaller than body).
_SIZE_RATIO = 1.3
#: Angles (radians) within this of 0 count as horizontal text (italic or skewed glyphs
#: report up to about 0.35); beyond it text runs sideways.
_ANGLE_EPS = 0.5

#: pdftotext spells ligature glyphs out; so does this reader (search and spaCy need letters).
_LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st",
}
#: How PDFium reports a hyphen it judged to end a line (GetUnicode gives \x02, the text U+FFFE).
_PDFIUM_HYPHENS = ("\x02", "\ufffe")
_BREAK = None  # a line break PDFium put between glyphs
_SPACE = " "  # a space, real or generated by PDFium


@dataclass(slots=True)
class _Glyph:
    """One character with its loose box (PDFium's ascent-to-descent box) and baseline."""

    char: str
    x0: float
    y0: float
    x1: float
    y1: float
    base: float
    size: float


@dataclass
class _Run:
    """Glyphs on one baseline, left to right: one output line once merged."""

    chars: list[str]
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    base: float
    sizes: list[float] = field(default_factory=list)
    bases: list[float] = field(default_factory=list)

    @classmethod
    def start(cls, glyph: _Glyph) -> _Run:
        run = cls([], glyph.x0, glyph.y0, glyph.x1, glyph.y1, glyph.size, glyph.base)
        run.add(glyph)
        return run

    def add(self, glyph: _Glyph) -> None:
        self.chars.append(glyph.char)
        self.sizes.append(glyph.size)
        self.bases.append(glyph.base)
        # inline min/max: this runs once per character
        if glyph.x0 < self.x0:
            self.x0 = glyph.x0
        if glyph.y0 < self.y0:
            self.y0 = glyph.y0
        if glyph.x1 > self.x1:
            self.x1 = glyph.x1
        if glyph.y1 > self.y1:
            self.y1 = glyph.y1

    def absorb(self, other: _Run, space: bool) -> None:
        if space and self.chars[-1] != " ":
            self.chars.append(" ")
        self.chars.extend(other.chars)
        self.sizes.extend(other.sizes)
        self.bases.extend(other.bases)
        self._grow(other.x0, other.y0, other.x1, other.y1)

    def settle(self) -> None:
        """Use the median glyph for size and baseline, so a bullet or superscript can't skew them."""
        self.size = _median(self.sizes)
        self.base = _median(self.bases)

    def _grow(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.x0, self.y0 = min(self.x0, x0), min(self.y0, y0)
        self.x1, self.y1 = max(self.x1, x1), max(self.y1, y1)

    @property
    def text(self) -> str:
        return re.sub(r" {2,}", " ", "".join(self.chars)).strip()


@dataclass
class _Block:
    """Lines stacked closely in one column: a paragraph, a table cell, a running foot."""

    runs: list[_Run]
    x0: float
    y0: float
    x1: float
    y1: float
    size: float

    @classmethod
    def start(cls, run: _Run) -> _Block:
        return cls([run], run.x0, run.y0, run.x1, run.y1, run.size)

    def add(self, run: _Run) -> None:
        self.runs.append(run)
        self.x0, self.y0 = min(self.x0, run.x0), min(self.y0, run.y0)
        self.x1, self.y1 = max(self.x1, run.x1), max(self.y1, run.y1)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _layout_text(textpage: Any, page: Any, pdfium_c: Any) -> str:
    """Rebuild the page's lines in reading order from PDFium's character boxes."""
    items, rotated = _glyphs(textpage, page.get_cropbox(), pdfium_c)
    glyph_count = sum(1 for item in items if isinstance(item, _Glyph))
    if sum(1 for char in rotated if not char.isspace()) > glyph_count:
        # A page whose text runs sideways: keep PDFium's own order rather than guess.
        return _plain_page(textpage)
    runs = _merge_runs(_runs(items))
    blocks = _reading_order(_blocks(runs))
    lines = _render(blocks)
    sideways = _rotated_lines(rotated)
    if sideways:  # a margin note or a vertical label: after the page, as its own flow
        lines += ([""] if lines else []) + sideways
    return _join_lines(lines)


def _join_lines(lines: list[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""


def _plain_page(textpage: Any) -> str:
    """PDFium's own text of the page, trimmed line by line (no form feeds inside a page)."""
    text = normalise_text(textpage.get_text_range())
    text = text.translate({ord("\f"): " ", ord("\v"): " ", 0xFFFE: "-", 0x02: "-"})
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    return _join_lines([line for line in lines if line])


def _glyphs(
    textpage: Any, cropbox: tuple[float, float, float, float], pdfium_c: Any
) -> tuple[list[Any], list[str]]:
    """List the page's glyphs (with spaces and PDFium's line breaks) and its sideways text.

    Glyphs whose centre is outside the crop box are dropped (printers' marks, text that
    is clipped away), as ``pdftotext`` does. The angle is asked once per PDFium line:
    PDFium starts a new line when the direction changes, and the call costs as much as
    the box. This loop is most of the reading time, hence the local names.
    """
    raw = textpage.raw
    count = textpage.count_chars()
    text = textpage.get_text_range()
    if len(text) != count:  # characters outside the BMP: ask one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
    left, bottom, right, top = cropbox
    get_angle = getattr(pdfium_c, "FPDFText_GetCharAngle", None)
    get_box, get_origin = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin
    rect = pdfium_c.FS_RECTF()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    items: list[Any] = []
    rotated: list[str] = []
    upright, line_start = True, True
    for i, char in enumerate(text):
        if char in "\r\n":
            if items and items[-1] is not _BREAK:
                items.append(_BREAK)
            if rotated and rotated[-1] != "\n":
                rotated.append("\n")
            line_start = True
            continue
        if char.isspace():
            items.append(_SPACE) if upright else rotated.append(" ")
            continue
        if line_start:
            upright = get_angle is None or _is_upright(get_angle(raw, i))
            line_start = False
        if not upright:
            rotated.append(char)
            continue
        get_box(raw, i, rect)
        x0, y0, x1, y1 = rect.left, rect.bottom, rect.right, rect.top
        if not (left <= (x0 + x1) / 2 <= right and bottom <= (y0 + y1) / 2 <= top):
            continue
        get_origin(raw, i, origin_x, origin_y)
        if char in _PDFIUM_HYPHENS:
            char = "-"
        elif char in _LIGATURES:
            char = _LIGATURES[char]
        items.append(_Glyph(char, x0, y0, x1, y1, origin_y.value, y1 - y0 if y1 - y0 > 1.0 else 1.0))
    return items, rotated


def _is_upright(angle: float) -> bool:
    """PDFium gives the angle in [0, 2*pi), or -1 when it has none."""
    return angle < _ANGLE_EPS or angle > 2 * math.pi - _ANGLE_EPS


def _rotated_lines(chars: list[str]) -> list[str]:
    return [re.sub(r" {2,}", " ", line).strip() for line in "".join(chars).split("\n") if line.strip()]


def _runs(items: Iterable[Any]) -> list[_Run]:
    """Cut PDFium's glyph stream into runs at line breaks, baseline jumps and wide gaps."""
    runs: list[_Run] = []
    current: _Run | None = None
    space = False
    for item in items:
        if item is _BREAK:
            if current is not None:
                runs.append(current)
            current, space = None, False
            continue
        if item == _SPACE:
            space = True
            continue
        glyph: _Glyph = item
        if current is not None and (_is_footnote_mark(current, glyph) or _breaks_run(current, glyph)):
            runs.append(current)
            current = None
        if current is None:
            current = _Run.start(glyph)
        else:
            if (space or glyph.x0 - current.x1 > _WORD_GAP * glyph.size) and current.chars[-1] != " ":
                current.chars.append(" ")
            current.add(glyph)
        space = False
    if current is not None:
        runs.append(current)
    runs = [run for run in runs if run.text]
    for run in runs:
        run.settle()
    return runs


def _breaks_run(run: _Run, glyph: _Glyph) -> bool:
    """True if ``glyph`` can't continue ``run``: another baseline, far right, or back left."""
    last_size = run.sizes[-1]
    larger, smaller = (glyph.size, last_size) if glyph.size > last_size else (last_size, glyph.size)
    gap = glyph.x0 - run.x1
    if gap > _RUN_GAP * larger or gap < -0.6 * larger:
        return True
    if abs(glyph.base - run.bases[-1]) < 0.5 * smaller:
        return False
    return _overlap(glyph.y0, glyph.y1, run.y0, run.y1) <= 0.6 * smaller


def _is_footnote_mark(run: _Run, glyph: _Glyph) -> bool:
    """A raised small number opening a line (a footnote's own number) stands apart, as in pdftotext."""
    return (
        len(run.chars) <= 3
        and run.chars[0].isdigit()
        and _is_mark(run.chars)
        and glyph.size > 1.25 * max(run.sizes)
        and run.bases[-1] > glyph.base + 0.15 * glyph.size
    )


def _is_mark(chars: Iterable[str]) -> bool:
    text = "".join(chars).strip()
    return 0 < len(text) <= 3 and all(ch.isdigit() or ch in "*," for ch in text)


def _same_line(a: _Run, b: _Run) -> bool:
    smaller = min(a.size, b.size)
    return abs(a.base - b.base) < 0.5 * smaller or _overlap(a.y0, a.y1, b.y0, b.y1) > 0.6 * smaller


def _merge_runs(runs: list[_Run]) -> list[_Run]:
    """Join runs that sit on one line and nearly touch (superscripts, font changes).

    Runs are taken left to right so that ``word,`` + raised ``3`` + ``more words`` become
    one line, as in pdftotext; a run drawn twice on top of itself (fake bold) is dropped.
    """
    merged: list[_Run] = []
    for run in sorted(runs, key=lambda r: (r.x0, -r.base)):
        for other in merged:
            if not _same_line(other, run):
                continue
            if _is_overprint(other, run):
                break
            gap = run.x0 - other.x1
            footnote = _is_mark(other.chars) and other.size * 1.25 < run.size
            if -0.6 * run.size < gap < 0.5 * _RUN_GAP * max(run.size, other.size) and not footnote:
                other.absorb(run, space=gap > _WORD_GAP * run.size)
                break
        else:
            merged.append(run)
    return merged


def _is_overprint(a: _Run, b: _Run) -> bool:
    width = min(a.x1 - a.x0, b.x1 - b.x0)
    return width > 0 and a.text == b.text and _overlap(a.x0, a.x1, b.x0, b.x1) > 0.9 * width


def _blocks(runs: list[_Run]) -> list[_Block]:
    """Stack lines into blocks: x-overlapping, similar size, with little white space between."""
    blocks: list[_Block] = []
    for run in sorted(runs, key=lambda r: (-r.base, r.x0)):
        best: tuple[float, _Block] | None = None
        for block in blocks:
            last = block.runs[-1]
            if _overlap(block.x0, block.x1, run.x0, run.x1) <= 0:
                continue
            if max(run.size, block.size) / min(run.size, block.size) > _SIZE_RATIO:
                continue
            gap = last.y0 - run.y1
            if gap < -0.3 * run.size or gap > _LINE_GAP * run.size:
                continue
            if best is None or gap < best[0]:
                best = (gap, block)
        if best is None:
            blocks.append(_Block.start(run))
        else:
            best[1].add(run)
    return blocks


def _before(a: _Block, b: _Block) -> bool:
    """True if ``a`` is read before ``b``: above it in one column, or left of it on one row."""
    if _overlap(a.x0, a.x1, b.x0, b.x1) > 0:
        return a.y1 > b.y1 if abs(a.y1 - b.y1) > 1 else a.x0 < b.x0
    if _overlap(a.y0, a.y1, b.y0, b.y1) > 0:
        return a.x1 <= b.x0
    return a.y1 > b.y1


def _reading_order(blocks: list[_Block]) -> list[_Block]:
    """Order blocks by the pairwise rule, taking the top-left free block first (a topological sort)."""
    count = len(blocks)
    successors: list[list[int]] = [[] for _ in range(count)]
    waiting = [0] * count
    for i in range(count):
        for j in range(count):
            if i != j and _before(blocks[i], blocks[j]) and not _before(blocks[j], blocks[i]):
                successors[i].append(j)
                waiting[j] += 1
    key = lambda i: (-blocks[i].y1, blocks[i].x0)  # noqa: E731 - small sort key
    ready = [i for i in range(count) if waiting[i] == 0]
    done: set[int] = set()
    order: list[_Block] = []
    while len(order) < count:
        if not ready:  # a cycle (overlapping blocks): break it at the top-most block left
            ready = [min((i for i in range(count) if i not in done), key=key)]
        i = min(ready, key=key)
        ready.remove(i)
        if i in done:
            continue
        done.add(i)
        order.append(blocks[i])
        for j in successors[i]:
            waiting[j] -= 1
            if waiting[j] == 0 and j not in done:
                ready.append(j)
    return order


def _same_flow(a: _Block, b: _Block) -> bool:
    """True if ``b`` continues ``a``'s column: below it, overlapping, similar size."""
    ratio = max(a.size, b.size) / min(a.size, b.size)
    return b.y1 <= a.y0 + 0.3 * b.size and _overlap(a.x0, a.x1, b.x0, b.x1) > 0 and ratio <= _SIZE_RATIO


def _flows(blocks: list[_Block]) -> Iterator[list[_Block]]:
    """Group blocks into flows (runs of a column) and yield each flow's blocks."""
    flow: list[_Block] = []
    for block in blocks:
        if flow and not _same_flow(flow[-1], block):
            yield flow
            flow = []
        flow.append(block)
    if flow:
        yield flow


def _render(blocks: list[_Block]) -> list[str]:
    """Lines of the page, end-of-line hyphens joined as pdftotext does.

    A blank line goes between flows and between the layout blocks of a flow (``_paragraph_gaps``).
    """
    lines: list[str] = []
    for flow in _flows(blocks):
        if lines:
            lines.append("")
        lines.extend(_paragraph_gaps(flow))
    return lines


# --- PDF layout: paragraph breaks (issue 14)
#
# pdftotext prints a column's paragraphs without a gap, so a paragraph whose last line
# runs to the right margin leaves no trace in the text. The page shows it: paragraphs
# are set apart by white space, which is what ends a layout block (``_LINE_GAP``).
# The reader keeps that cue as a blank line between the blocks of one flow; the
# segmenter already ends a paragraph at a blank line (unless a sentence runs on).


def _paragraph_gaps(flow: list[_Block]) -> list[str]:
    """A flow's lines, hyphens joined, with a blank line where one layout block ends and the next begins."""
    lines: list[str] = []
    ends: set[int] = set()  # indices (into the flow's lines) of each block's last line
    for block in flow:
        lines.extend(run.text for run in block.runs)
        ends.add(len(lines) - 1)
    out: list[str] = []
    carry = ""
    for index, line in enumerate(lines):
        line = carry + line
        carry = ""
        if line.endswith("-") and index + 1 < len(lines):
            carry = line[:-1]  # pdftotext joins a line-final hyphen to the next line
            continue
        out.append(line)
        if index in ends and index + 1 < len(lines):
            out.append("")
    return out
