"""Cut a report's text into units: paragraphs and bullet items, with section context.

Reports reach us as text extracted from PDFs (``pdftotext`` or the ``pdf`` extra),
so paragraph boundaries are rarely marked by blank lines: focused-visit letters
have almost none. The segmenter therefore works line by line, like a reader
looking at the page:

1. Lines are typed: blank, *furniture* (page numbers, running headers and
   footers, repeated on many pages), or content.
2. Whole zones that are not units are marked: a letter's letterhead and address
   (everything before "Dear ..."), its sign-off ("Yours sincerely" onwards), the
   publisher's notice at the end, contents pages and judgement tables.
3. Content lines are grouped into blocks. A block ends at a blank line, before a
   bullet glyph or a paragraph number, and after a line that stops short of the
   right margin (the next line's first word would have fitted on it): the cue a
   human eye uses. A page break counts as a blank line; neither ends a block
   inside a sentence (no closing punctuation, next line in lower case), so a
   paragraph split across pages is joined. Furniture between two lines ends
   nothing. A long unnumbered paragraph is split where a paragraph end left no
   trace in the text (``split_hidden_ends``).
4. Blocks are typed: a short block with no closing punctuation is a heading
   (it becomes the ``section`` of the units below it); publisher boilerplate is
   dropped; everything else is a unit.

Every content line ends up in exactly one :class:`Block` (``segment_blocks``), so
no content is ever silently lost: ``segment`` returns the blocks of kind
"paragraph" and "bullet" as :class:`~themeclass.report.Unit` objects.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from ..report import Unit
from .widths import text_width

#: Characters Ofsted documents use as list bullets (incl. private-use font glyphs).
BULLET_CHARS = "◼▪•●■◦▫□➢➤✓\uf06e\uf0a7\uf0b7\uf02d\uf0be\uf0d8\uf076\uf0fc\uf0a8\u2212"
#: Every kind of :class:`Block`. Units are the blocks of kind "paragraph" and "bullet";
#: the text of the others is dropped (``DROPPED_KINDS``).
BLOCK_KINDS = (
    "paragraph", "bullet", "heading", "number", "furniture", "boilerplate", "table", "contents", "letterhead", "signoff",
)
#: The kinds of block whose text is not a unit: dropped, and documented as such. A
#: heading becomes the ``section`` of the units below it; "number" is a paragraph
#: number standing alone on its line (it becomes the next unit's ``number``);
#: furniture is page numbers, running headers and footers, footnotes and cells
#: repeated down a table; boilerplate is Ofsted's publisher notices; table and
#: contents are judgement tables and contents pages; letterhead is a letter's
#: address block, date and salutation and a report's front matter; signoff is a
#: letter's closing. Inside a unit only these characters are dropped: white space,
#: a line-end hyphen that the line break put there, the leading bullet glyph (or
#: the stray "B" standing for one) and a paragraph number run on at its start.
DROPPED_KINDS = tuple(kind for kind in BLOCK_KINDS if kind not in ("paragraph", "bullet"))

_GRADE = re.compile(
    r"^(outstanding|good|inadequate|requires improvement(?: to be good)?|not applicable|"
    r"adequate|not judged|not previously inspected)\.?$",
    re.I,
)
# Standard Ofsted headings: they start a block even straight after a full line.
_HEADING_START = re.compile(
    r"^((The )?[Ee]xperiences and progress of (children|care leavers)|(The )?[Ii]mpact of leaders on|What needs to improve|"
    r"Areas for (priority )?(action|improvement)|Overall effectiveness\b|"
    r"(Findings|Main findings|Overview|Strengths|Key strengths|Recommendations|Next steps|Executive summary)$)",
)
# Fixed sentences of Ofsted's templates that always open a paragraph, even straight
# after a line that runs to the margin (area SEND "Inspection outcome" box).
_TEMPLATE_START = re.compile(
    r"^(The next full area SEND inspection|Ofsted and the (CQC|Care Quality Commission \(CQC\)) ask|"
    r"An engagement meeting (will|should)|As a result of this inspection, His Majesty.s Chief Inspector)"
)
_HEADING_WORDS = re.compile(r"^(Findings|Main findings|Overview|Strengths|Key strengths|Recommendations|Next steps|Executive summary)$")
_BULLET_LINE = re.compile(rf"^([{BULLET_CHARS}])\s*")
_STRAY_B = re.compile(r"^B\s+(?=[A-Z])")
_NUMBER_ALONE = re.compile(r"^(\d{1,3})\.$")
_NUMBER_RUNON = re.compile(r"^(\d{1,3})\.\s+(?=\S)")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$", re.I)
_TERMINAL = re.compile(r"[.!?;:][’”\"')\]]*\d{0,2}$")
_DEAR = re.compile(r"^Dear\s+\S")
_SIGNOFF = re.compile(r"^Yours\s+(sincerely|faithfully)\b", re.I)
_CONTENTS = re.compile(r"^(contents|table of contents)$", re.I)
_TABLE_HEAD = re.compile(r"^(judgements?|grade|judgement\s+grade)$", re.I)
# Front matter: the report's own metadata lines, neither units nor section headings.
_FRONT_MATTER = re.compile(
    r"^(inspection dates?\b|dates? of (the )?previous inspection|lead inspector\b|report published\b|"
    r"(his|her) majesty.s inspector|hmi\b|senior hmi|publication date\b|date of publication\b)",
    re.I,
)

# Publisher boilerplate: paragraphs that say nothing about the authority.
_BOILERPLATE_START = re.compile(
    r"^(The Office for Standards in Education, Children.s Services,? and Skills"
    r"|If (you|the local authority) would like a copy of this document"
    r"|(You|The local authority) may (reuse|copy)"
    r"|You may copy all or parts of this document"
    r"|This (report|publication) is available at"
    r"|Interested in our work\?"
    r"|To receive regular email alerts"
    r"|Any complaints about the inspection or the report"
    r"|© Crown copyright"
    r"|Ofsted produces this report under its power"
    r"|If you are not happy with the inspection or the report"
    r"|This joint inspection was conducted under section"
    r"|Ofsted will take the findings (from|of) this"
    r"|I am copying this letter to"
    r"|Piccadilly Gate|Agora\b|Store St(reet)?\b"
    r"|T:? 0300 ?123|Textphone|E: enquiries|W: www|enquiries@ofsted|www\.gov\.uk/ofsted|www\.ofsted\.gov\.uk"
    r")",
    re.I,
)


def _is_boilerplate(raw: str) -> bool:
    """Publisher text, also when set as a bullet ("◼ Ofsted will take the findings ...")."""
    return bool(_BOILERPLATE_START.match(_BULLET_LINE.sub("", raw, count=1)))


# A zone of publisher boilerplate runs from here to the end of the document.
_BOILERPLATE_TAIL = re.compile(
    r"^(The Office for Standards in Education, Children.s Services,? and Skills \(Ofsted\) regulates"
    r"|If you would like a copy of this document in a different format"
    r"|If you are not happy with the inspection or the report)",
    re.I,
)


@dataclass(eq=False)
class Line:
    text: str  # stripped of surrounding white space and form feeds
    start: int  # offset of text[0] in the source
    end: int
    page: int  # 1-based
    role: str = "content"  # content, blank, furniture

    @property
    def blank(self) -> bool:
        return not self.text

    @cached_property
    def width(self) -> int:
        """Estimated printed width (see ``_metrics``), computed once."""
        return text_width(self.text)


@dataclass
class Block:
    """A run of lines with one role; units are the blocks of kind paragraph/bullet."""

    kind: str
    lines: list[Line] = field(default_factory=list)
    number: int | None = None
    section: str | None = None
    inline_number: bool = False  # the number is printed at the start of the text ("10. Text")
    after_gap: bool = False  # a blank line, a page break or the start of the text comes before it

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def raw(self) -> str:
        return " ".join(line.text for line in self.lines)


def split_lines(text: str) -> list[Line]:
    """Split normalised text into lines with offsets and page numbers ("\\f" starts a page)."""
    lines: list[Line] = []
    page = 1
    pos = 0
    for raw in text.split("\n"):
        page += raw.count("\f")
        content = raw.strip()  # str.strip() also strips form feeds and other white space
        if content:
            start = pos + len(raw) - len(raw.lstrip())
            lines.append(Line(content.replace("\f", " "), start, start + len(content), page))
        else:
            lines.append(Line("", pos, pos, page, role="blank"))
        pos += len(raw) + 1
    return lines


REPEATED_CELL = 3


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def mark_furniture(lines: list[Line]) -> None:
    """Mark page numbers and running headers/footers (lines repeated at page edges)."""
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        if not line.blank:
            by_page.setdefault(line.page, []).append(line)
    n_pages = len(by_page)
    edge_pages: dict[str, set[int]] = {}
    for page, page_lines in by_page.items():
        for line in page_lines[:4] + page_lines[-5:]:
            if len(line.text) >= 3:
                edge_pages.setdefault(_furniture_key(line.text), set()).add(page)
    needed = 2 if n_pages <= 3 else max(2, min(3, round(0.2 * n_pages)))
    repeated = {key for key, pages in edge_pages.items() if len(pages) >= needed}
    # Short cells repeated down a table column ("Halton Borough Council and" in every
    # row of an area SEND table) are layout, not prose.
    short = Counter(
        l.text for l in lines
        if not l.blank and len(l.text.split()) <= 6 and not _TERMINAL.search(l.text)
        and not _GRADE.match(l.text) and not _BULLET_LINE.match(l.text)
    )
    cells = {text for text, n in short.items() if n >= REPEATED_CELL}
    for line in lines:
        if line.text in cells:
            line.role = "furniture"
    for page_lines in by_page.values():
        _mark_footnote(page_lines)
    for page, page_lines in by_page.items():
        edges = {id(l) for l in page_lines[:4] + page_lines[-5:]}
        for line in page_lines:
            if _PAGE_NUMBER.match(line.text):
                line.role = "furniture"
            elif id(line) in edges and _furniture_key(line.text) in repeated and not _GRADE.match(line.text) \
                    and not _NUMBER_ALONE.match(line.text):
                # "11." at the top of a page is the number of the paragraph below it,
                # though "#." recurs at page edges: paragraph numbers are never furniture.
                line.role = "furniture"


_FOOTNOTE_MARK = re.compile(r"^\d{1,2}$")
FOOTNOTE_REACH = 10


def _mark_footnote(page_lines: list[Line]) -> None:
    """Mark a footnote at the foot of a page as furniture.

    A footnote is a lone number near the page's end followed by its text, where
    the same number is glued to a word higher up the page as a reference mark
    ("What needs to improve?1"). Left in, its text would split the paragraph
    that runs on to the next page.
    """
    tail = page_lines[-FOOTNOTE_REACH:]
    for i, line in enumerate(tail):
        if not _FOOTNOTE_MARK.match(line.text) or i + 1 >= len(tail):
            continue
        mark = re.compile(rf"[A-Za-z?.,’)]{line.text}(?:\s|$)")
        earlier = page_lines[: len(page_lines) - len(tail) + i]
        if tail[i + 1].text[:1].isupper() and mark.search("\n".join(l.text for l in earlier)):
            for note in tail[i:]:
                if note.role == "content":
                    note.role = "furniture"
            return


WIDTH_QUANTILE = 0.3
WIDTH_TOLERANCE = 0.04


def _width(lines: list[Line]) -> float:
    """The printed width a line must reach to count as full, calibrated on this document.

    Where a line ends without closing punctuation and the next begins in lower
    case, the sentence was wrapped: the next word did not fit. The widths of
    such line + next word pairs all exceed the text box, so a low quantile of
    them estimates it, in this document's own font and margins.
    """
    content = [l for l in lines if l.role == "content"]
    wrapped = [
        a.width + text_width(" " + _first_word(b.text))
        for a, b in zip(content, content[1:])
        if b.text[:1].islower() and not _TERMINAL.search(a.text) and len(a.text) >= 25
    ]
    if len(wrapped) < 5:
        widths = sorted(l.width for l in content if len(l.text) >= 25)
        return float(widths[int(0.9 * (len(widths) - 1))]) if widths else 40_000.0
    wrapped.sort()
    return wrapped[int(WIDTH_QUANTILE * (len(wrapped) - 1))] * (1 - WIDTH_TOLERANCE)


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0]


def _starts_new(line: Line) -> bool:
    return bool(_BULLET_LINE.match(line.text) or _NUMBER_ALONE.match(line.text))


def _question_heading(block: Block, line: Line) -> bool:
    """A short question, such as "What is it like to be a child ... in this area?",
    is a heading even when the answer follows without a gap."""
    if not block.lines[-1].text.rstrip("0123456789").endswith("?"):  # cheap test first: most lines fail it
        return False
    return line.text[:1].isupper() and _short_question(block.raw)


def _short_question(text: str) -> bool:
    """At most ``QUESTION_WORDS`` words ending in "?" (a footnote mark after it allowed)."""
    text = _FOOTNOTE_REF.sub("", text)
    return text.endswith("?") and len(text.split()) <= QUESTION_WORDS


def _is_bullet_start(line: Line, prev: Line | None) -> bool:
    if _BULLET_LINE.match(line.text):
        return True
    return bool(_STRAY_B.match(line.text) and prev is not None and (prev.text.endswith(":") or _BULLET_LINE.match(prev.text)))


def group_blocks(lines: list[Line]) -> list[Block]:
    """Group content lines into blocks by the cues of the printed page."""
    width = _width(lines)
    local = _local_widths(lines, width)
    blocks: list[Block] = []
    current: Block | None = None
    pending_number: int | None = None
    last_number = 0
    blank_since = False
    prev: Line | None = None
    for line in lines:
        if line.role == "blank":
            blank_since = True
            continue
        if line.role == "furniture":
            blocks.append(Block("furniture", [line]))
            continue
        if prev is not None and line.page != prev.page:
            blank_since = True  # a page break separates like a blank line (pdftotext prints one before "\f")
        text = line.text
        m_alone = _NUMBER_ALONE.match(text)
        if m_alone and int(m_alone.group(1)) <= last_number + 3:
            # "7." alone on a line: the number of the next paragraph.
            current = None
            pending_number = int(m_alone.group(1))
            last_number = pending_number
            blocks.append(Block("number", [line], number=pending_number))
            prev, blank_since = line, False
            continue
        new = current is None
        bullet = _is_bullet_start(line, prev)
        m_runon = _NUMBER_RUNON.match(text)
        runon_number = None
        if m_runon:
            n = int(m_runon.group(1))
            if n == last_number + 1 or (prev is not None and _ends_paragraph(prev, line, local[id(prev)])):
                runon_number = n
        if not new:
            if bullet or runon_number is not None or _BOILERPLATE_START.match(text) or _SIGNOFF.match(text):
                new = True
            elif prev is not None and _HEADING_START.match(text) and (_TERMINAL.search(prev.text) or _HEADING_WORDS.match(text)):
                new = True
            elif prev is not None and _TEMPLATE_START.match(text) and _TERMINAL.search(prev.text):
                new = True
            elif prev is not None and _question_heading(current, line):
                new = True
            elif prev is not None:
                new = _is_break(prev, line, blank_since, local[id(prev)])
        if new:
            kind = "bullet" if bullet else "paragraph"
            current = Block(kind, [line], after_gap=blank_since or prev is None)
            if runon_number is not None:
                current.number = runon_number
                current.inline_number = True
                last_number = runon_number
            elif pending_number is not None:
                current.number = pending_number
            pending_number = None
            blocks.append(current)
        else:
            assert current is not None
            current.lines.append(line)
        prev, blank_since = line, False
    return blocks


#: A block of at most this many words ending in "?" is a heading.
QUESTION_WORDS = 22
LOCAL_WINDOW = 8
LOCAL_SLACK = 0.02
LOCAL_TOLERANCE = 0.02


def _local_widths(lines: list[Line], width: float) -> dict[int, float]:
    """For each content line, the width of the box it is set in, judged locally.

    Boxed text, table columns and indented lists are narrower than the page; a
    line there is full when it reaches its own box. Nearby wrapped lines (no
    closing punctuation, next line in lower case) each show that the box is
    narrower than their width plus the next word: the smallest such figure in
    the neighbourhood bounds the box (fragments under 25 characters, such as
    "the" stranded by a column, are not counted). Where no line nearby wrapped, the widest
    nearby line stands in.
    """
    content = [l for l in lines if l.role == "content"]
    widths = [l.width for l in content]
    reach = [
        widths[i] + text_width(" " + _first_word(content[i + 1].text))
        if i + 1 < len(content) and content[i + 1].text[:1].islower() and not _TERMINAL.search(content[i].text)
        and len(content[i].text) >= 25
        else None
        for i in range(len(content))
    ]
    out = {}
    for i, line in enumerate(content):
        lo, hi = max(0, i - LOCAL_WINDOW), i + LOCAL_WINDOW + 1
        wrapped = [r for r in reach[lo:hi] if r is not None]
        out[id(line)] = min(wrapped) * (1 - LOCAL_TOLERANCE) if wrapped else min(width, max(widths[lo:hi]) * (1 + LOCAL_SLACK))
    return out


def _is_break(prev: Line, line: Line, blank: bool, width: float) -> bool:
    """Does a new block start at ``line``? (Bullets and numbers are decided before.)"""
    if blank and not _continues(prev, line):
        return True
    return _ends_paragraph(prev, line, width)


def _continues(prev: Line, line: Line) -> bool:
    """A blank line between two lines of one sentence (layout gap, page split)."""
    return not _TERMINAL.search(prev.text) and line.text[:1].islower()


_RUNS_ON = re.compile(
    r"(,|\b(and|or|but|the|a|an|of|to|in|on|for|with|by|from|at|that|which|who|is|are|was|were|be|their|its|this|these|as|than|when|where|while))$"
)


def _ends_paragraph(prev: Line, line: Line, width: float) -> bool:
    """True when ``prev`` stops short: the next line's first word would have fitted."""
    if line.text[:1].islower():  # paragraphs do not start in lower case ("nhs.\nuk", "e.g.\nwhen")
        return False
    if _RUNS_ON.search(prev.text):  # a sentence cannot end on a comma or "the"
        return False
    return prev.width + text_width(" " + _first_word(line.text)) < width


_GRADE_END = r"(requires? improvement( to be good)?|good|outstanding|inadequate|not judged)\.?$"
_JUDGEMENT_HEADING = re.compile(
    rf"(:\s*{_GRADE_END})|(^(the )?(experiences and progress|impact of leaders|overall effectiveness)\b.*\s(is\s+|are\s+)?{_GRADE_END})",
    re.I,
)


_FOOTNOTE_REF = re.compile(r"(?<=[?:A-Za-z])\d{1,2}$")


def _heading_like(block: Block) -> bool:
    text = _FOOTNOTE_REF.sub("", block.raw)
    words = text.split()
    if len(words) <= 25 and _JUDGEMENT_HEADING.search(text):
        return True  # "The experiences and progress of children in care: good." (2019 style)
    if not words or _TERMINAL.search(text) and not text.endswith("?"):
        return False
    if text.endswith(":") and len(words) <= 14 or _short_question(text):
        return True
    if _TERMINAL.search(text):
        return False
    return len(words) <= 20 and (text[:1].isupper() or text[:1].isdigit())


def classify_blocks(blocks: list[Block]) -> None:
    """Type blocks as headings, tables, letterhead, sign-off, boilerplate or units."""
    content = [b for b in blocks if b.kind in ("paragraph", "bullet")]
    # Letterhead: in a letter, everything before "Dear ..." on its page.
    for i, block in enumerate(content):
        if _DEAR.match(block.raw) and block.page <= 2:
            for earlier in content[:i]:
                earlier.kind = "letterhead"
            block.kind = "letterhead"
            break
    # Sign-off and publisher tail run to the end of the document.
    tail = False
    for block in content:
        if block.kind == "letterhead":
            continue
        if _SIGNOFF.match(block.raw):
            tail = "signoff"
        elif not tail and _BOILERPLATE_TAIL.match(block.raw):
            tail = "boilerplate"
        if tail:
            block.kind = "boilerplate" if tail == "boilerplate" or _is_boilerplate(block.raw) else "signoff"
        elif _is_boilerplate(block.raw):
            block.kind = "boilerplate"
    # Contents pages: from "Contents" to the end of that page.
    contents_page = None
    for block in content:
        if block.kind not in ("paragraph", "bullet"):
            continue
        if _CONTENTS.match(block.raw):
            contents_page = block.page
            block.kind = "contents"
        elif contents_page == block.page:
            block.kind = "contents"
    for block in content:
        if block.kind in ("paragraph", "bullet") and block.page <= 2 and _FRONT_MATTER.match(block.raw):
            block.kind = "letterhead"
    # Judgement tables: grade cells, their labels, and the table's column heads.
    live = [b for b in content if b.kind in ("paragraph", "bullet")]
    for i, block in enumerate(live):
        if _GRADE.match(block.raw) or _TABLE_HEAD.match(block.raw):
            block.kind = "table"
            if i > 0 and live[i - 1].kind in ("paragraph", "heading") and not _TERMINAL.search(live[i - 1].raw):
                live[i - 1].kind = "table"
    for block in live:
        if block.kind == "paragraph" and block.number is None and _heading_like(block):
            block.kind = "heading"
    # Section context: the latest heading above each unit.
    section = None
    for block in blocks:
        if block.kind == "heading":
            section = _FOOTNOTE_REF.sub("", clean_text(block.lines))
        elif block.kind in ("table", "contents", "letterhead"):
            section = None
        elif block.kind in ("paragraph", "bullet"):
            block.section = section


#: A hidden paragraph end needs at least this many lines on each side ...
HIDDEN_MIN_LINES = 4
#: ... and at least this share of the document's median paragraph length (in lines).
HIDDEN_SHARE = 0.6
#: When this share of a text's paragraphs follow a blank line, blank lines mark its
#: paragraphs (PDF read with layout blocks, HTML) and none is hidden.
GAPS_MARK_PARAGRAPHS = 0.9
_SENTENCE_END = re.compile(r"[.!?][’”\"')\]]*$")
# Words that open a sentence carrying on from the one before: connectives and words
# pointing back ("However, ...", "They ...", "This means ..."). Such a sentence
# rarely opens a paragraph. ("Her Majesty's Inspectors ..." is a name, not "her".)
_CARRIES_ON = re.compile(
    r"^(However|Although|Though|But|Yet|Also|Further|Furthermore|Moreover|Additionally|In addition|Similarly|"
    r"Likewise|Consequently|Therefore|Thus|Hence|As a result|Nevertheless|Nonetheless|Instead|Otherwise|Then|"
    r"Subsequently|Again|For example|For instance|In particular|In contrast|Conversely|"
    r"This|These|That|Those|It|They|Their|Its|He|She|His|Her(?! Majesty)|Such|Both)\b"
)


def split_hidden_ends(blocks: list[Block]) -> list[Block]:
    """Split long unnumbered paragraphs where a paragraph end left no trace in the text.

    A paragraph whose last line happens to run to the right margin looks, in the
    text, like any wrapped line: pdftotext keeps no paragraph spacing, and no
    width test can tell the two apart (measured on the tuning half, the widths of
    such lines and of wrapped lines ending a sentence have the same
    distribution). What remains is the shape of the paragraph: a sentence that
    ends at the right margin, followed by a line opening a new sentence with a
    capital (not a connective or a word pointing back, see ``_CARRIES_ON``),
    ends a paragraph when that leaves at least ``HIDDEN_MIN_LINES`` lines, and
    ``HIDDEN_SHARE`` of the document's median paragraph length, on each side:
    paragraphs of letters are short, so a block twice that long holding such a
    sentence end is most likely two paragraphs. Numbered paragraphs are not
    split (a paragraph number marks every paragraph). On the tuning half 73% of
    these splits (309 of 425) fall on a reference paragraph end; each right one restores two
    units, so the rule pays.
    """
    paragraphs = [b for b in blocks if b.kind == "paragraph" and len(b.lines) >= 2]
    if not paragraphs or sum(b.after_gap for b in paragraphs) >= GAPS_MARK_PARAGRAPHS * len(paragraphs):
        return blocks  # the text sets its paragraphs apart (the PDF reader's gaps): no end is hidden
    sizes = sorted(len(b.lines) for b in paragraphs)
    reach = max(HIDDEN_MIN_LINES, HIDDEN_SHARE * sizes[len(sizes) // 2])
    out: list[Block] = []
    for block in blocks:
        lines = block.lines
        if block.kind != "paragraph" or block.number is not None or len(lines) < 2 * reach:
            out.append(block)
            continue
        start = 0
        for k in range(1, len(lines)):
            if k - start >= reach and len(lines) - k >= reach and _SENTENCE_END.search(lines[k - 1].text) \
                    and lines[k].text[:1].isupper() and not _CARRIES_ON.match(lines[k].text):
                out.append(Block(block.kind, lines[start:k]))
                start = k
        out.append(Block(block.kind, lines[start:]) if start else block)
    return out


def segment_blocks(text: str) -> list[Block]:
    """All blocks of a normalised text, units and non-units alike, in reading order."""
    lines = split_lines(text)
    mark_furniture(lines)
    blocks = split_hidden_ends(group_blocks(lines))
    classify_blocks(blocks)
    return blocks


_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def clean_text(lines: list[Line], vocabulary=frozenset()) -> str:
    """Join wrapped lines into one string, mending words split at a line end.

    "well-" + "established" keeps its hyphen; "assess-" + "ment" loses it when
    the document spells "assessment" elsewhere (``vocabulary``) and never
    "assess-ment": a hyphen only the line break put there.
    """
    out = ""
    for line in lines:
        text = line.text
        m = _HYPHEN_END.search(out[-40:]) if out.endswith("-") else None
        if not out:
            out = text
        elif m and text[:1].islower():
            rest = _WORD.match(text)
            tail = rest.group() if rest else ""
            joined = (m.group(1) + tail).lower()
            known = joined in vocabulary or joined + "s" in vocabulary or joined.removesuffix("s") in vocabulary
            if known and f"{m.group(1)}-{tail}".lower() not in vocabulary:
                out = out[:-1] + text
            else:
                out += text
        else:
            out += " " + text
    out = _BULLET_LINE.sub("", out, count=1)
    return re.sub(r"\s+", " ", out).strip()


class _Vocabulary:
    """The document's words, collected only if a line-end hyphen needs them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._words: frozenset[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self._words is None:
            self._words = frozenset(w.lower() for w in _WORD.findall(self.text))
        return word in self._words


def _vocabulary(text: str) -> _Vocabulary:
    return _Vocabulary(text)


def _unit_text(block: Block, vocabulary) -> str:
    text = clean_text(block.lines, vocabulary)
    if block.kind == "bullet":
        text = _STRAY_B.sub("", text, count=1)
    elif block.inline_number:
        text = _NUMBER_RUNON.sub("", text, count=1)
    return text


def segment(text: str, report: str = "report") -> list[Unit]:
    """Cut normalised report text into units.

    >>> units = segment("Overview\\nChildren are safe.\\n\\n◼ Supervision is not regular.\\n")
    >>> [(u.kind, u.section, u.text) for u in units]
    [('paragraph', 'Overview', 'Children are safe.'), ('bullet', 'Overview', 'Supervision is not regular.')]
    """
    units: list[Unit] = []
    vocabulary = _vocabulary(text)
    for block in segment_blocks(text):
        if block.kind in DROPPED_KINDS:
            continue
        body = _unit_text(block, vocabulary)
        if not body:
            continue
        units.append(
            Unit(
                report=report,
                index=len(units),
                text=body,
                kind=block.kind,
                section=block.section,
                number=block.number,
                page=block.page,
                start=block.start,
                end=block.end,
            )
        )
    return units
