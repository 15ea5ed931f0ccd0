"""Read what an Ofsted children's services report says about itself.

:func:`extract_metadata` works from the text of a report only (pdftotext output,
pages separated by form feeds, or the text of a web page): which local authority
was inspected, what kind of document it is, when the inspection took place, when
the report was published and, for full inspections, the judgements.

:func:`normalise_authority` maps the ways reports and tables name an authority
("London Borough of Barking and Dagenham", "Kingston upon Hull City Council",
"Hull", "telford & wrekin", "BCP" ...) to one canonical short name.

The authority names live in ``themeclass/data/authorities.tsv`` (canonical name,
Ofsted URN, status, aliases), read once on first use.

How the authority is decided: first the title patterns of the report ("Inspection
of X local authority children's services", "Focused visit to X children's
services", "Joint targeted area inspection of ... in X", "Area SEND inspection of X
Local Area Partnership", the name printed above an older report's title); then
the start of the document (the addressee of a letter); last the authority named
most often. A text that names no known authority gets ``None``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..codebook import GRADES, normalise_grade
from ..errors import ThemeclassError
from ..report import DOC_TYPES, Metadata

__all__ = [
    "extract_metadata",
    "normalise_authority",
    "authority_names",
    "detect_type",
    "find_authority",
    "find_dates",
    "find_grades",
    "normalise_grade",
    "GRADES",
]

_AUTHORITIES_TSV = Path(__file__).resolve().parents[1] / "data" / "authorities.tsv"

# How much of the start of a report holds its title block / letter heading.
_HEAD_CHARS = 6000

# --------------------------------------------------------------------------- text


_CHAR_FIXES = (
    ("\u2019", "'"),
    ("\u2018", "'"),
    ("\u02bc", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u2013", "-"),
    ("\u2014", "-"),
    ("\u2011", "-"),
    ("\u2010", "-"),
    ("\u00a0", " "),
    ("\u202f", " "),
    ("\f", "\n"),
    ("\u00ad", ""),
)
_WS = re.compile(r"\s+")
# Ofsted's own address (letter heading, back page) names Manchester.
_OFSTED_ADDRESS = re.compile(
    r"Piccadilly Gate,? Store Street,? Manchester,? M1 2WD"
    r"|Agora,? 6 Cumberland Place,? Nottingham,? NG1 6HJ"
    r"|Aviation House,? 125 Kingsway,? London,? WC2B 6SE"
    r"|Royal Exchange Buildings,? St Ann's Square,? Manchester,? M2 7LA"
)


def _clean(text: str) -> str:
    """Unify quotes, dashes and page breaks (keeps line breaks)."""
    for old, new in _CHAR_FIXES:  # str.replace is much faster than str.translate here
        if old in text:
            text = text.replace(old, new)
    return text


def _flat(text: str) -> str:
    """Whitespace collapsed to single spaces, Ofsted's address removed."""
    return _OFSTED_ADDRESS.sub(" ", " ".join(text.split()))


class _Doc:
    """A report's text prepared once: the cleaned head (line breaks kept), the
    flattened head, and (only when asked for) the flattened whole text."""

    __slots__ = ("text", "head_lines", "head", "_flat_all")

    def __init__(self, text: str):
        self.text = text
        self.head_lines = _clean(text[:_HEAD_CHARS])
        self.head = _flat(self.head_lines)
        self._flat_all: str | None = None

    @property
    def flat_all(self) -> str:
        if self._flat_all is None:
            self._flat_all = self.head if len(self.text) <= _HEAD_CHARS else _flat(_clean(self.text))
        return self._flat_all


# -------------------------------------------------------------------- authorities

_CONNECTORS = {"and", "upon", "on", "of", "with", "the", "under", "in"}


def _word_pattern(word: str) -> str:
    low = word.lower()
    if low == "and":
        return r"(?:[Aa]nd|AND|&)"
    if low in _CONNECTORS:
        return "(?i:" + re.escape(low) + ")"
    if any(c.isupper() for c in word[1:]):  # acronym or odd casing: BCP, BaNES
        return re.escape(word)
    first, rest = word[0].upper(), word[1:]
    if not rest:
        return re.escape(first)
    return re.escape(first) + "(?:" + re.escape(rest.lower()) + "|" + re.escape(rest.upper()) + ")"


_ALIAS_TOKEN = re.compile(r"[A-Za-z]+|\s+|.")


def _alias_pattern(alias: str) -> str:
    """Regex for one alias as printed in text: Title or UPPER case words, any
    case connectors, line breaks and stray/missing hyphens between words."""
    out = []
    for tok in _ALIAS_TOKEN.findall(alias.strip()):
        if tok.isspace():
            out.append(r"(?:\s+|\s*-\s*)")
        elif tok[0].isalpha():
            out.append(_word_pattern(tok))
        elif tok == "-":
            out.append(r"[\s-]*")
        elif tok == "&":
            out.append(r"(?:&|[Aa]nd)")
        elif tok in ",.":
            out.append(re.escape(tok) + "?")
        else:
            out.append(re.escape(tok))
    return "".join(out)


def _key(name: str) -> str:
    """Loose lookup key: lower case, '&' -> 'and', punctuation and hyphens -> spaces."""
    s = _clean(name).lower().replace("&", " and ")
    s = re.sub(r"\bst\.", "st ", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return s.strip()


class _Authorities:
    """The authorities table, with the lookup dict and the compiled alias regex."""

    def __init__(self, rows: list[tuple[str, str, str, list[str]]]):
        self.rows = rows
        self.by_key: dict[str, str] = {}
        patterns: dict[str, str] = {}
        for name, _urn, _status, aliases in rows:
            for alias in [name, *aliases]:
                self.by_key.setdefault(_key(alias), name)
                pat = _alias_pattern(alias)
                patterns.setdefault(pat, name)
        # Longest first so "Kingston upon Hull" beats "Hull", "North Somerset" beats
        # "Somerset" at the same position.
        ordered = sorted(patterns, key=len, reverse=True)
        self.group_to_name: dict[str, str] = {}
        alts = []
        for i, pat in enumerate(ordered):
            g = f"a{i}"
            self.group_to_name[g] = patterns[pat]
            alts.append(f"(?P<{g}>{pat})")
        # Not inside a word or a hyphenated word; not "Greater Manchester";
        # not followed by a hyphenated continuation (Newcastle-under-Lyme).
        self.regex = re.compile(
            r"(?<![\w&-])(?<!Greater )(?=[A-Z])(?:" + "|".join(alts) + r")(?![\w]|-\w|\s+under\b)"
        )

    def finditer(self, text: str):
        """Yield (start, canonical name) for each authority named in ``text``."""
        for m in self.regex.finditer(text):
            yield m.start(), self.group_to_name[m.lastgroup]

    def first(self, text: str) -> str | None:
        for _pos, name in self.finditer(text):
            return name
        return None


@lru_cache(maxsize=1)
def _authorities() -> _Authorities:
    try:
        raw = _AUTHORITIES_TSV.read_text(encoding="utf-8")
    except OSError as exc:  # pragma: no cover - broken install
        raise ThemeclassError(f"cannot read the authorities table: {exc}") from exc
    rows = []
    header = True
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if header:
            header = False
            continue
        cols = line.split("\t")
        cols += [""] * (4 - len(cols))
        name, urn, status, aliases = (c.strip() for c in cols[:4])
        rows.append((name, urn, status, [a.strip() for a in aliases.split("|") if a.strip()]))
    if not rows:  # pragma: no cover
        raise ThemeclassError("the authorities table is empty")
    return _Authorities(rows)


def authority_names(include_historic: bool = True) -> tuple[str, ...]:
    """Canonical authority names; ``include_historic=False`` leaves out authorities
    abolished by reorganisation (Cumbria, Northamptonshire, Poole, Bournemouth)."""
    auth = _authorities()
    return tuple(r[0] for r in auth.rows if include_historic or r[2] != "historic")


# Words around a name that do not change which authority it is.
_AFFIXES = re.compile(
    r"^(?:the )?(?:(?:london|royal) borough of |metropolitan borough of |borough of |county of |"
    r"city and county of |city of |council of the |inspection of |focused visit to )+"
    r"|(?: (?:metropolitan|borough|district|county|city|unitary))*(?: council| corporation)?"
    r"(?: local authority)?(?: s)?(?: children s (?:social care )?services)?$"
)


def normalise_authority(name: str) -> str | None:
    """Canonical name of the authority that ``name`` refers to, or ``None``.

    Accepts the names used by reports, tables and people: ``"Liverpool City
    Council"``, ``"London Borough of Barking and Dagenham"``, ``"County Durham"``,
    ``"Hull"``, ``"bournemouth, christchurch & poole"``, ``"BCP"``, a report title...
    """
    if not name or not name.strip():
        return None
    auth = _authorities()
    key = _key(name)
    if key in auth.by_key:
        return auth.by_key[key]
    stripped = _AFFIXES.sub("", key).strip()
    if stripped in auth.by_key:
        return auth.by_key[stripped]
    # A longer phrase (a title, "Inspection of X local authority children's
    # services"): the first authority named in it, matched case-insensitively.
    found = auth.first(_titlecase(_flat(_clean(name))))
    return found


def _titlecase(s: str) -> str:
    # The alias regex wants capitalised names; lower-case input gets capitals.
    if s.islower():
        return re.sub(r"\b([a-z])", lambda m: m.group(1).upper(), s)
    return s


def _either(phrase: str) -> str:
    """``phrase`` with its first letter in either case. Written as the literal rest
    of the phrase plus a look-behind so the regex engine can scan for a literal
    prefix (an alternation or character class at the start is several times slower)."""
    rest = re.escape(phrase[1:])
    return f"{rest}(?<=[{phrase[0].upper()}{phrase[0].lower()}]{rest})"


# Title/first-page patterns whose group ``n`` holds the inspected authority's name
# (the first authority named in it counts). Applied to the flattened start of
# the report; the earliest match that names an authority wins.
_NAME = r"(?P<n>[^:]{2,160}?)"
_CS = r"(?i:children's (?:social care )?services|children's trust|children(?: and families| and family) trust)"
_TITLE_PATTERNS = [
    re.compile(p)
    for p in (
        r"Inspection of " + _NAME + r"(?: local authority)? (?i:children's (?:social care )?services)",
        r"Inspection of " + _NAME + r" (?i:children(?:'s| and families| and family) (?:services )?trust)",
        _either("Focused visit ") + r"(?:to|of) (?:the )?" + _NAME + r"(?:'s)?(?: local authority)? " + _CS,
        _either("Monitoring visit ") + r"(?:to|of) (?:the )?" + _NAME + r"(?:'s)?(?: local authority)? " + _CS,
        _either("Assurance visit ") + r"(?:to|of) (?:the )?" + _NAME + r"(?:'s)?(?: local authority)? " + _CS,
        r"summarises the findings of (?:a|an|the) (?:\w+ )?(?:focused|monitoring|assurance) visit to (?:the )?"
        + _NAME + r"(?: local authority)? " + _CS,
        _either("Joint targeted area inspection ") + r"(?P<n>of [^:]{2,260})",
        r"SEND(?<=[Aa]rea SEND) (?:[Ii]nspection|[Rr]e-?visit) (?:of|in) (?P<n>[^:]{2,140})",
        r"Inspection of looked after children services (?P<n>.{2,140})",
        r"Inspection of safeguarding and looked after children services (?P<n>.{2,140})",
        r"provision of safeguarding services in (?P<n>.{2,100})",
        # JTAI letters whose title names only the theme.
        r"the work of individual agencies in (?P<n>[^.]{2,100})",
    )
]
# Ofsted's contact lines at the top of a letter (its address is already removed).
_LETTER_HEADING = re.compile(
    r"^(?:Ofsted )?(?:T 0300 123 1231 )?(?:Textphone [\d ]+ )?(?:\S+@ofsted\.gov\.uk )?(?:www\.\S+ )?"
)
# The name printed above the title of older reports (SIF, LSCB reviews, 2018-19 ILACS).
_FIRST_LINE = re.compile(
    r"^(?P<n>.{2,160}?) (?:Re-?inspection|Inspection|Review of the effectiveness|Local Safeguarding Children Board)"
)


def find_authority(text: str) -> str | None:
    """The authority a report is about (canonical name), from its text only."""
    return _authority(_Doc(text))


def _authority(doc: _Doc) -> str | None:
    head = doc.head
    auth = _authorities()
    best: tuple[int, str] | None = None
    for pat in _TITLE_PATTERNS:
        for m in pat.finditer(head):
            if best is not None and m.start() >= best[0]:
                break
            found = auth.first(m.group("n"))
            if found:
                best = (m.start(), found)
                break
    if best:
        return best[1]
    m = _FIRST_LINE.match(head)
    if m:
        found = auth.first(m.group("n"))
        if found:
            return found
    # The start of the text: a letter's addressee, a web page's headline.
    found = auth.first(_LETTER_HEADING.sub("", head)[:400])
    if found:
        return found
    return _most_named(doc.flat_all)


def _most_named(flat: str) -> str | None:
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for pos, name in _authorities().finditer(flat):
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, pos)
    if not counts:
        return None
    return max(counts, key=lambda n: (counts[n], -first[n]))


# ---------------------------------------------------------------------- doc type

# (type, priority, pattern). The earliest match in the head wins; at the same
# position the lower priority number wins.
_TYPE_PATTERNS = [
    (t, i, re.compile(p))
    for i, (t, p) in enumerate(
        [
            ("send", r"SEND(?<=[Aa]rea SEND) (?:[Ii]nspection|[Rr]e-?visit)"),
            (
                "send",
                r"effectiveness in identifying and meeting the needs of children"
                r" and young people (?:who have|with) special educational needs",
            ),
            ("jtai", _either("Joint targeted area inspection")),
            ("focused", _either("Focused visit ") + r"(?:to|of)\b"),
            ("focused", _either("Assurance visit ") + r"(?:to|of)\b"),
            ("focused", r"summarises the findings of (?:a|an|the) (?:focused|assurance) visit"),
            ("monitoring", _either("Monitoring visit ") + r"(?:to|of)\b"),
            ("monitoring", r"summarises the findings of (?:a|an|the) (?:\w+ )?monitoring visit"),
            ("sif", _either("Inspection of services for children in need of help and protection")),
            ("other", r"Inspection of looked after children services"),
            ("other", _either("Inspection of contact, referral and assessment arrangements")),
            ("other", r"Inspection of local authority arrangements for the protection of children"),
            ("other", r"Inspection of safeguarding and looked after children services"),
            ("other", r"Inspection of progress made in the provision of safeguarding services"),
            ("other", r"Review of the effectiveness of the (?:[Ll]ocal [Ss]afeguarding [Cc]hildren [Bb]oard|LSCB)"),
            ("ilacs", r"Inspection of (?:[^:.]{2,160}? )?children's (?:social care )?services"),
            ("ilacs", r"Inspection of [^:.]{2,80}? Children(?:'s| and Families| and Family) (?:Services )?Trust"),
        ]
    )
]

_NEWS_REPORT_MARKS = re.compile(
    r"Inspection dates?:|Lead inspector|Dear |Yours sincerely|Report published|Her Majesty's Inspector"
    r"|His Majesty's Inspector|\bHMI\b|Judgement Grade|Overall effectiveness|Local Area Partnership"
)
_NEWS_TOPIC = re.compile(r"\bOfsted\b|inspector|inspection", re.I)


def detect_type(text: str) -> str:
    """One of :data:`themeclass.report.DOC_TYPES`, from the title of the text."""
    return _doc_type(_Doc(text))


def _doc_type(doc: _Doc) -> str:
    head = doc.head
    best: tuple[int, int, str] | None = None
    for doc_type, prio, pat in _TYPE_PATTERNS:
        m = pat.search(head)
        if m and (best is None or (m.start(), prio) < best[:2]):
            best = (m.start(), prio, doc_type)
    if best:
        return best[2]
    if not _NEWS_REPORT_MARKS.search(head) and _NEWS_TOPIC.search(head):
        return "news"
    return "other"


# -------------------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?(?![a-z])"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:19|20)\d\d(?!\d)"
# One date of a span: "7", "7 March", "the 15th of May", "1 October 2020".
_ONE = rf"(?:the\s+)?{_DAY}(?:\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?)?"
# A span: "18 February to 1 March 2019", "7 and 8 March 2018", "15, 16 and 21 July
# 2025", "29 and 30 September, and 1 October 2020", "20 May 2014 - 11 June 2014".
_SPAN = re.compile(rf"{_ONE}(?:\s*(?:,\s*and|,|and|to|-|until|till)\s*{_ONE})*")
_SPAN_TOKEN = re.compile(rf"(?P<y>{_YEAR})|(?P<d>{_DAY})|(?P<m>{_MONTH})")
_DATE_FULL = re.compile(rf"(?P<d>{_DAY})\s+(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR})")

# Where a report states when the inspection took place (flattened head).
_VISIT_LEADS = [
    re.compile(r"Inspection dates?:?\s*"),
    re.compile(r"summarises the findings of (?:a|an|the) [^.]{0,250}?\b(?:on|between|from)\s+"),
    re.compile(r"(?:Between|between) (?=\d)"),
    re.compile(r"(?:took place|was carried out|was undertaken|were on site) (?:from|between|on) "),
    re.compile(r"(?:visit|inspection) (?:on|between|from) (?=\d)"),
]

_PUBLISHED = re.compile(
    rf"(?:Report [Pp]ublished|Published|PUBLISHED|Date of publication):?\s*(?:All\s+)?{_DATE_FULL.pattern}"
)
_DATE_LINE = re.compile(rf"^\s*{_DATE_FULL.pattern}\s*$", re.M)
_DEAR = re.compile(r"^\s*Dear\b", re.M)


def _month(s: str) -> int:
    return _MONTHS[s[:3].lower()]


def _day(s: str) -> int:
    return int(re.match(r"\d+", s).group())


def _mkdate(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _span_dates(span: str, ref: date | None) -> tuple[date | None, date | None]:
    """First and last date of a span; missing months and years are taken from the
    dates after them, else (year) from ``ref``, the letter's date."""
    items: list[list] = []  # [day, month, year]
    for t in _SPAN_TOKEN.finditer(span):
        if t.group("d"):
            items.append([_day(t.group("d")), None, None])
        elif t.group("m"):
            for it in items:
                if it[1] is None:
                    it[1] = _month(t.group("m"))
        elif t.group("y"):
            for it in items:
                if it[2] is None:
                    it[2] = int(t.group("y"))
    while items and items[-1][1] is None:  # trailing bare numbers are not dates
        items.pop()
    if not items:
        return None, None
    first, last = items[0], items[-1]
    if last[2] is None:
        if ref is None:
            return None, None
        last[2] = ref.year
        if (last[1], last[0]) > (ref.month, ref.day):  # the visit precedes the letter
            last[2] -= 1
    if first[2] is None:
        first[2] = last[2] - 1 if first[1] > last[1] else last[2]
    start, end = _mkdate(first[2], first[1], first[0]), _mkdate(last[2], last[1], last[0])
    if start is None or end is None or start > end:
        return None, None
    return start, end


def find_dates(text: str) -> tuple[date | None, date | None, date | None]:
    """(inspection start, inspection end, publication) as printed in the report."""
    return _dates(_Doc(text))


_NUMERIC_DATE = re.compile(r"\b(0?[1-9]|[12]\d|3[01])/(0?[1-9]|1[0-2])/((?:19|20)\d\d)\b")
_MONTH_NAMES = "January February March April May June July August September October November December".split()


def _spell_numeric_dates(s: str) -> str:
    """12/09/2016 -> 12 September 2016 (UK day/month order)."""
    if "/" not in s:
        return s
    return _NUMERIC_DATE.sub(lambda m: f"{int(m[1])} {_MONTH_NAMES[int(m[2]) - 1]} {m[3]}", s)


def _dates(doc: _Doc) -> tuple[date | None, date | None, date | None]:
    cleaned_head, head = doc.head_lines, _spell_numeric_dates(doc.head)
    published = None
    m = _PUBLISHED.search(head)
    if m:
        published = _mkdate(int(m.group("y")), _month(m.group("m")), _day(m.group("d")))
    if published is None:
        # The date a letter is written, on a line of its own before "Dear ...".
        dear = _DEAR.search(cleaned_head)
        if dear:
            m = _DATE_LINE.search(cleaned_head, 0, dear.start())
            if m:
                published = _mkdate(int(m.group("y")), _month(m.group("m")), _day(m.group("d")))

    start = end = None
    for lead in _VISIT_LEADS:
        for lm in lead.finditer(head):
            sm = _SPAN.match(head, lm.end())
            if sm:
                start, end = _span_dates(sm.group(), published)
                if start:
                    break
        if start:
            break
    if published and end and published < end:
        # A letter dated before its own visit: the year was mistyped (a January
        # letter still carrying last year's number). Trust the visit's year.
        fixed = _mkdate(published.year + 1, published.month, published.day)
        published = fixed if fixed and end <= fixed <= _mkdate(end.year + 1, end.month, 1) else None
    return start, end, published


# ------------------------------------------------------------------------- grades

_GRADE_TEXT = (
    r"(?:Outstanding|Good|Requires? improvement(?: to be good)?|Inadequate"
    r"|OUTSTANDING|GOOD|REQUIRES? IMPROVEMENT(?: TO BE GOOD)?|INADEQUATE)"
)


_S = r"\s+"


def _label(words: str) -> str:
    return _S.join(words.split())


_ILACS_LABELS = [
    ("impact_of_leaders", _label("(?:The )?impact of leaders on (?:social work )?practice with children and families")),
    ("help_and_protection", _label("(?:The )?experiences and progress of children who need help and protection")),
    ("care_leavers", _label("(?:The )?experiences and progress of (?:children )?care leavers")),
    ("children_in_care", _label("(?:The )?experiences and progress of children in care(?: and care leavers)?")),
    ("overall_effectiveness", _label("Overall effectiveness")),
]
_SIF_LABELS = [
    ("help_and_protection", _label(r"(?:1\.? )?Children who need help and protection")),
    # pdftotext sometimes scatters the words of this label around its grade
    # ("Children looked / permanence / Inadequate / after / and / achieving").
    ("children_in_care", r"(?:2\.? )?Children\s+looked(?:\s+after)?(?:\s+and)?(?:\s+achieving)?(?:\s+permanence)?"),
    ("adoption", _label(r"(?:2\.1\.? )?Adoption performance")),
    ("care_leavers", _label(r"(?:2\.2\.? )?Experiences and progress of care leavers")),
    ("leadership", _label(r"(?:3\.? )?Leadership, management and governance")),
]


_NOT_JUDGED = r"Not judged|Not applicable|N/A"
# SIF reports print a footnote in the middle of the judgement table.
_SIF_FOOTNOTE = r"Ofsted produces this report under its power to combine reports.{0,700}?Regulations 2013\."


def _table_regex(labels: list[tuple[str, str]], extra_noise: str = "") -> re.Pattern:
    alts = "|".join(f"(?P<{key}>{pat})" for key, pat in labels)
    noise = r"Judgement|Grade|\d{1,2}(?:\.\d)?\.?(?!\d)|\(?[a-z]\)" + (f"|{extra_noise}" if extra_noise else "")
    return re.compile(
        rf"\s*(?:(?P<label>{alts})\.?|(?P<grade>{_GRADE_TEXT})\b|(?P<nj>{_NOT_JUDGED})\b|(?P<noise>{noise}))",
        re.I,
    )


_ILACS_TABLE = _table_regex(_ILACS_LABELS)
_SIF_TABLE = _table_regex(_SIF_LABELS, _SIF_FOOTNOTE + r"|(?:after|and|achieving|permanence)\b")
# Where a judgement table can start: the first of these (lower-cased) phrases;
# the table regex then reads on from the label's beginning.
_ILACS_START = ("impact of leaders on", "experiences and progress of", "overall effectiveness")
_SIF_START = ("children who need help and protection", "children looked after and achieving")

_GRADE_ANY = (
    r"(?:[Oo]utstanding|[Gg]ood|[Rr]equires? improvement(?: to be good)?|[Ii]nadequate"
    r"|OUTSTANDING|GOOD|REQUIRES? IMPROVEMENT(?: TO BE GOOD)?|INADEQUATE)"
)
_ILACS_HEADLINE = re.compile(
    r"(?:Children's services|Services for children(?: and families)?|children's social care) in (?:the )?[^.]{2,80}? "
    r"(?:are|is|remain|continue to be|have been judged|were judged)(?: to be| as)? "
    rf"(?P<g>{_GRADE_ANY})\b"
)
_SIF_OVERALL = re.compile(
    r"[Oo]verall judgement is (?:that )?(?:children's services (?:are |is |remain )?)?"
    rf"(?P<g>{_GRADE_ANY})\b"
    r"|[Cc]hildren's services in (?:the )?[^.]{2,80}? (?:are |is |remain )?"
    rf"(?P<g2>{_GRADE_ANY})\b"
)
_LSCB_TAIL = rf"(?: \(LSCB\))? (?:is )?(?P<g>{_GRADE_ANY})\b(?! to the)"
_LSCB = (
    re.compile(r"ffectiveness of the (?:[Ll]ocal [Ss]afeguarding [Cc]hildren [Bb]oard|LSCB)" + _LSCB_TAIL),
    re.compile(r"The (?:Local Safeguarding Children Board|LSCB)" + _LSCB_TAIL),
)


def _read_table(head: str, starts: tuple[str, ...], table_re: re.Pattern, keys: list[str]) -> dict[str, str]:
    """Labels and grades from a judgement table, in the order they appear.

    pdftotext lays tables out row by row (label, grade, label, grade) or column by
    column (all labels, then all grades) or mixes the two; the i-th grade belongs
    to the i-th label in every layout, so pair them by order of appearance.
    """
    low = head.lower()
    found = [i for i in (low.find(p) for p in starts) if i >= 0]
    if not found:
        return {}
    pos = min(found)
    # back up over a leading "The " / "1. " that belongs to the label
    back = re.search(r"(?:the |\d(?:\.\d)?\.? )$", low[max(0, pos - 6) : pos])
    if back:
        pos -= len(back.group())
    labels: list[str] = []
    grades: list[str | None] = []
    while True:
        t = table_re.match(head, pos)
        if not t or t.end() == pos:
            break
        pos = t.end()
        if t.group("label"):
            key = next(k for k in keys if t.group(k))
            labels.append(key)
        elif t.group("grade"):
            grades.append(normalise_grade(t.group("grade")))
        elif t.group("nj"):
            grades.append(None)  # "Not judged" keeps its place in the column
    out: dict[str, str] = {}
    for key, grade in zip(labels, grades):
        if grade is not None:
            out.setdefault(key, grade)
    return out


def find_grades(text: str, doc_type: str | None = None) -> dict[str, str]:
    """Judgements of a full inspection (ILACS or SIF), normalised; ``{}`` otherwise."""
    doc = _Doc(text)
    return _grades(doc, _doc_type(doc) if doc_type is None else doc_type)


def _grades(doc: _Doc, doc_type: str) -> dict[str, str]:
    head = doc.head
    if doc_type == "ilacs":
        grades = _read_table(head, _ILACS_START, _ILACS_TABLE, [k for k, _ in _ILACS_LABELS])
        if "overall_effectiveness" not in grades:
            m = _ILACS_HEADLINE.search(head[:3000])
            if m and len(grades) < 4:  # pre-2026 layouts; 2026 reports have no overall grade
                grades["overall_effectiveness"] = normalise_grade(m.group("g"))
        return grades
    if doc_type == "sif":
        grades = _read_table(head, _SIF_START, _SIF_TABLE, [k for k, _ in _SIF_LABELS])
        m = _SIF_OVERALL.search(head)
        if m:
            g = m.group("g") or m.group("g2")
            grades = {"overall_effectiveness": normalise_grade(g), **grades}
        m = None
        for pat in _LSCB:
            m = pat.search(doc.head) or pat.search(doc.flat_all)
            if m:
                break
        if m:
            grades["lscb"] = normalise_grade(m.group("g"))
        return grades
    return {}


# ------------------------------------------------------------------------ titles

_TITLE_LINE = re.compile(
    r"(?:Inspection of|Re-?inspection of|Focused visit to|Monitoring visit (?:to|of)|Assurance visit to"
    r"|Joint targeted area inspection|Area SEND inspection|Joint local area SEND inspection"
    r"|Review of the effectiveness)[^:]{0,200}?(?=\s+(?:Inspection dates?|Between|This letter|Her Majesty|His Majesty"
    r"|Inspection date|Report published|Dates? of previous|and Review|Local area partnership|Lead inspector"
    r"|Care Quality|Age group|The [a-z]|In [A-Z]|Inspectors)\b|$)",
)


def _title(head: str) -> str | None:
    m = _TITLE_LINE.search(head)
    if not m:
        return None
    title = m.group().strip(" .,")
    return title[:200] if title else None


# -------------------------------------------------------------------------- main


def extract_metadata(text: str, report_id: str) -> Metadata:
    """Metadata of one report, read from its text only.

    ``report_id`` is stored as ``Metadata.report`` and used for nothing else: the
    authority and type come from what the report says, never its file name.
    """
    if not isinstance(text, str):
        raise ThemeclassError(f"report {report_id!r}: text must be a string, not {type(text).__name__}")
    doc = _Doc(text)
    doc_type = _doc_type(doc)
    assert doc_type in DOC_TYPES
    start, end, published = _dates(doc)
    return Metadata(
        report=report_id,
        authority=_authority(doc),
        type=doc_type,
        inspection_start=start,
        inspection_end=end,
        published=published,
        title=_title(doc.head),
        grades=_grades(doc, doc_type),
    )
