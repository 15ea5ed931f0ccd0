"""What a theme result is, and where its evidence comes from (no scikit-learn needed).

Used both by the estimators when they learn and by a loaded model when it
predicts, so the evidence a researcher sees is the text the model looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from .features import HashTfidf, Prepared, count_matrix
from .rules import THEMES

LABELS = ("negative", "positive", "mixed", "neutral")
SCORES = {"negative": -1.0, "positive": 1.0, "mixed": 0.0, "neutral": 0.0}
WEAKNESS = ("negative", "mixed")
_IMPROVE_SECTION = re.compile(
    r"(what needs to improve|areas? for (priority )?(action|improvement)|needs to improve|recommendations)", re.I
)
_HEDGES = ("hedge:negative", "hedge:positive", "hedge:mixed", "recurrence:recurring")


def improvement_section(section: str | None) -> bool:
    """Is this the heading of a list of things that must improve?"""
    return bool(section and _IMPROVE_SECTION.search(section))


@dataclass(frozen=True)
class ThemeResult:
    """One theme found in one unit, with its sentiment and the evidence for it."""

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


def evidence_sentences(unit: Prepared, theme: str) -> list[tuple[int, int]]:
    """Token ranges of the sentences that hold a cue phrase of ``theme`` (else of every sentence)."""
    label = f"theme:{theme}"
    sents = unit.sentences()
    starts = [start for lab, start, _ in unit.matches if lab == label]
    chosen = [(a, b) for a, b in sents if any(a <= s < b for s in starts)]
    return chosen or sents


def recurrence_cue(unit: Prepared, sentences: Sequence[tuple[int, int]]) -> bool:
    return any(lab == "recurrence:recurring" and any(a <= s < b for a, b in sentences) for lab, s, _ in unit.matches)




def sentiment_features(items: Sequence[tuple[Prepared, str, str | None]], tfidf: HashTfidf) -> sp.csr_matrix:
    """Sentiment features of (unit, theme, section) items: TF-IDF of the evidence
    sentences' words, the hedges matched in them, the theme, and whether the
    section is a list of things to improve."""
    ranges = [evidence_sentences(u, theme) for u, theme, _ in items]
    tokens = [np.concatenate([u.lower[a:b] for a, b in r]) if r else u.lower[:0] for (u, _, _), r in zip(items, ranges)]
    extra = np.zeros((len(items), len(THEMES) + 1))
    for row, (_, theme, section) in enumerate(items):
        extra[row, THEMES.index(theme)] = 1
        extra[row, -1] = improvement_section(section)
    hedges = count_matrix([u for u, _, _ in items], _HEDGES, ranges)
    return sp.hstack([tfidf.transform(tokens), sp.csr_matrix(hedges), sp.csr_matrix(extra)], format="csr")
