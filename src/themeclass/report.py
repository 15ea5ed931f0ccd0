"""Plain result objects: a report, its metadata, its units, the themes found in them,
and the files that could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .codebook import WEAKNESS

#: Document types a report can have (``Metadata.type``).
DOC_TYPES = ("ilacs", "sif", "focused", "jtai", "monitoring", "send", "news", "other")


@dataclass(frozen=True)
class Unit:
    """One paragraph or one bullet item of a report: the thing that gets labelled.

    ``start``/``end`` are character offsets into ``Report.text`` (the normalised
    source); ``text`` is the unit cleaned for reading: lines unwrapped, words split
    by a line-break hyphen rejoined, bullet glyph and paragraph number removed
    (the number is kept in ``number``).
    """

    report: str
    index: int
    text: str
    kind: str = "paragraph"  # "paragraph" or "bullet"
    section: str | None = None
    number: int | None = None
    page: int | None = None
    start: int = 0
    end: int = 0
    #: Themes found by a model (:func:`themeclass.analyse`): theme -> ThemeResult.
    themes: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return f"{self.report}#{self.index:03d}"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "report": self.report,
            "index": self.index,
            "text": self.text,
            "kind": self.kind,
            "section": self.section,
            "number": self.number,
            "page": self.page,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Metadata:
    """What a report says about itself: who was inspected, when, how, and the grades."""

    report: str
    authority: str | None = None
    type: str = "other"
    inspection_start: date | None = None
    inspection_end: date | None = None
    published: date | None = None
    title: str | None = None
    grades: dict[str, str] = field(default_factory=dict)

    @property
    def date(self) -> date | None:
        """The date a timeline sorts by: publication, else the end of the visit."""
        return self.published or self.inspection_end or self.inspection_start

    def to_dict(self) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "report": self.report,
            "authority": self.authority,
            "type": self.type,
            "inspection_start": iso(self.inspection_start),
            "inspection_end": iso(self.inspection_end),
            "published": iso(self.published),
            "title": self.title,
            "grades": dict(self.grades),
        }


@dataclass
class Report:
    """A report read from one file: normalised text, metadata and units."""

    id: str
    text: str
    metadata: Metadata
    units: list[Unit] = field(default_factory=list)
    path: Path | None = None

    def __len__(self) -> int:
        return len(self.units)

    def __iter__(self):
        return iter(self.units)


@dataclass(frozen=True)
class ThemeResult:
    """One theme found in one unit, with its sentiment and the evidence for it.

    ``score`` in [-1, 1] carries the label's sign; ``confidence`` is the probability
    that the theme is there; ``evidence`` the sentences the judgement rests on."""

    theme: str
    sentiment: str
    score: float
    confidence: float
    recurring: bool = False
    evidence: list[str] = field(default_factory=list)

    @property
    def weakness(self) -> bool:
        return self.sentiment in WEAKNESS

    def to_dict(self) -> dict:
        return {
            "sentiment": self.sentiment,
            "score": round(self.score, 4),
            "confidence": round(self.confidence, 4),
            "recurring": self.recurring,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True)
class Skipped:
    """A file that could not be read, and why."""

    path: str
    problem: str
