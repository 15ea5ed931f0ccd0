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
    cache = unit.__dict__.setdefault("_evidence", {})
    if theme not in cache:
        label = f"theme:{theme}"
        sents = unit.sentences()
        starts = [start for lab, start, _ in unit.matches if lab == label]
        chosen = [(a, b) for a, b in sents if any(a <= s < b for s in starts)]
        cache[theme] = chosen or sents
    return cache[theme]


def recurrence_cue(unit: Prepared, sentences: Sequence[tuple[int, int]]) -> bool:
    return any(lab == "recurrence:recurring" and any(a <= s < b for a, b in sentences) for lab, s, _ in unit.matches)




def sentiment_features(items: Sequence[tuple[Prepared, str, str | None]], tfidf: HashTfidf,
                       context_weight: float = 0.0) -> sp.csr_matrix:
    """Sentiment features of (unit, theme, section) items: TF-IDF of the evidence
    sentences' words, the hedges matched in them, the theme, whether the section
    is a list of things to improve, and (scaled by ``context_weight``) TF-IDF and
    hedges of the whole unit, since a judgement is often stated in a sentence
    next to the one naming the theme."""
    ranges = [evidence_sentences(u, theme) for u, theme, _ in items]
    grams = [u.ngrams(tfidf.ngram_range, r) for (u, _, _), r in zip(items, ranges)]
    extra = np.zeros((len(items), len(THEMES) + 1))
    for row, (_, theme, section) in enumerate(items):
        extra[row, THEMES.index(theme)] = 1
        extra[row, -1] = improvement_section(section)
    units = [u for u, _, _ in items]
    hedges = count_matrix(units, _HEDGES, ranges)
    blocks = [tfidf.transform(None, grams), sp.csr_matrix(hedges), sp.csr_matrix(extra)]
    if context_weight:
        blocks += [tfidf.transform(None, [u.ngrams(tfidf.ngram_range) for u in units]) * context_weight,
                   sp.csr_matrix(count_matrix(units, _HEDGES) * context_weight)]
    return sp.hstack(blocks, format="csr")


def reweight(proba: np.ndarray, classes: Sequence[str], threshold: float) -> np.ndarray:
    """Shift sentiment probabilities so that "weakness" wins exactly when
    P(negative) + P(mixed) reaches ``threshold`` (tuned by cross-validation for
    weakness-F1): the weakness labels are scaled by (1 - t) / t and rows renormalised."""
    proba = np.array(proba, dtype=float, copy=True)
    weak = [i for i, c in enumerate(classes) if c in WEAKNESS]
    if weak and 0 < threshold < 1:
        proba[:, weak] *= (1 - threshold) / threshold
        proba /= proba.sum(axis=1, keepdims=True)
    return proba


def weakness_call(proba: np.ndarray, classes: Sequence[str], threshold: float) -> list[str]:
    """Labels from sentiment probabilities, deciding *weakness or not* first, then
    the likelier label on that side."""
    q = reweight(proba, classes, threshold)
    weak = [i for i, c in enumerate(classes) if c in WEAKNESS]
    other = [i for i, c in enumerate(classes) if c not in WEAKNESS]
    out = []
    for row in q:
        side = weak if weak and (not other or row[weak].sum() >= 0.5) else other
        out.append(classes[side[int(np.argmax(row[side]))]])
    return out


def signed_score(row: np.ndarray, classes: Sequence[str], label: str) -> float:
    """The score in [-1, 1] reported with a label: -P(negative) for a weakness
    labelled negative, +P(positive) for a strength, P(positive) - P(negative) for
    mixed or neutral (near 0). Its sign always agrees with the label."""
    p = {c: float(v) for c, v in zip(classes, row)}
    if label == "negative":
        return -p.get("negative", 1.0)
    if label == "positive":
        return p.get("positive", 1.0)
    return p.get("positive", 0.0) - p.get("negative", 0.0)
