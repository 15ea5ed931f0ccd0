"""What a theme result is, and where its evidence comes from (no scikit-learn needed).

Used both by the estimators when they learn and by a loaded model when it
predicts, so the evidence a researcher sees is the text the model looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .features import Features, HashTfidf, Prepared, count_matrix
from .rules import THEMES

LABELS = ("negative", "positive", "mixed", "neutral")
SCORES = {"negative": -1.0, "positive": 1.0, "mixed": 0.0, "neutral": 0.0}
WEAKNESS = ("negative", "mixed")
_IMPROVE_SECTION = re.compile(
    r"(what needs to improve|areas? for (priority )?(action|improvement)|needs to improve|recommendations)", re.I
)
_HEDGES = ("hedge:negative", "hedge:positive", "hedge:mixed", "recurrence:recurring")


#: What a section heading says of the units under it: the grade a judgement heading
#: gives ("... children in care: inadequate") or a list of strengths. Inspectors
#: write under a graded heading in that grade's voice, so it is a strong prior.
SECTION_CUES = (
    ("inadequate", re.compile(r"\binadequate\b", re.I)),
    ("requires_improvement", re.compile(r"requires? improvement", re.I)),
    ("good", re.compile(r"\bgood\b(?! practice)", re.I)),
    ("outstanding", re.compile(r"\boutstanding\b", re.I)),
    ("strengths", re.compile(r"\bstrengths?\b|what is working well|what the (local )?(authority|area partnership) is doing (that is )?(well|effective)", re.I)),
)


def section_cues(sections: Sequence[str | None]) -> np.ndarray:
    """0/1 matrix, one column per :data:`SECTION_CUES` entry (a grade that says
    "requires improvement to be good" is not also "good")."""
    out = np.zeros((len(sections), len(SECTION_CUES)))
    for row, section in enumerate(sections):
        if not section:
            continue
        for col, (_, pattern) in enumerate(SECTION_CUES):
            out[row, col] = bool(pattern.search(section))
        if out[row, 1]:
            out[row, 2] = 0
    return out


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


def cue_sentences(unit: Prepared, theme: str) -> list[tuple[int, int]]:
    """Token ranges of the sentences that hold a cue phrase of ``theme`` (else of every sentence)."""
    cache = unit.__dict__.setdefault("_cues", {})
    if theme not in cache:
        label = f"theme:{theme}"
        sents = unit.sentences()
        starts = [start for lab, start, _ in unit.matches if lab == label]
        chosen = [(a, b) for a, b in sents if any(a <= s < b for s in starts)]
        cache[theme] = chosen or sents
    return cache[theme]


def evidence_sentences(unit: Prepared, theme: str, follow: int = 1) -> list[tuple[int, int]]:
    """The sentences a theme's sentiment is read from, shown as its evidence: those
    holding the theme's cue phrases and the ``follow`` sentences after each, since
    Ofsted often names the practice in one sentence and judges it in the next
    ("Supervision is regular. However, it rarely ...")."""
    cues = cue_sentences(unit, theme)
    if not follow:
        return cues
    cache = unit.__dict__.setdefault("_evidence", {})
    key = (theme, follow)
    if key not in cache:
        sents = unit.sentences()
        if len(cues) == len(sents):
            cache[key] = cues
        else:
            at = {s: i for i, s in enumerate(sents)}
            keep = sorted({j for s in cues for j in range(at[s], min(at[s] + follow + 1, len(sents)))})
            cache[key] = [sents[j] for j in keep]
    return cache[key]


def recurrence_cue(unit: Prepared, sentences: Sequence[tuple[int, int]]) -> bool:
    return any(lab == "recurrence:recurring" and any(a <= s < b for a, b in sentences) for lab, s, _ in unit.matches)




def sentiment_features(items: Sequence[tuple[Prepared, str, str | None]], tfidf: HashTfidf,
                       context_weight: float = 0.0, section_weight: float = 0.0, follow: int = 0) -> Features:
    """Sentiment features of (unit, theme, section) items: TF-IDF of the evidence
    sentences' words (see :func:`evidence_sentences`; ``follow`` as there), the
    hedges matched in them, the theme, whether the section is a list of things to
    improve; (scaled by ``context_weight``) TF-IDF and hedges of the whole unit,
    since a judgement is often stated in a sentence next to the one naming the
    theme; and (scaled by ``section_weight``) what the section heading says: its
    grade, or that it lists strengths."""
    ranges = [evidence_sentences(u, theme, follow) for u, theme, _ in items]
    grams = [u.ngrams(tfidf.ngram_range, r) for (u, _, _), r in zip(items, ranges)]
    extra = np.zeros((len(items), len(THEMES) + 1))
    for row, (_, theme, section) in enumerate(items):
        extra[row, THEMES.index(theme)] = 1
        extra[row, -1] = improvement_section(section)
    units = [u for u, _, _ in items]
    hedges = count_matrix(units, _HEDGES, ranges)
    features = tfidf.transform(None, grams).add_dense(hedges).add_dense(extra)
    if context_weight:
        features.extend(tfidf.transform(None, [u.ngrams(tfidf.ngram_range) for u in units]), context_weight)
        features.add_dense(count_matrix(units, _HEDGES), context_weight)
    if section_weight:
        features.add_dense(section_cues([section for _, _, section in items]), section_weight)
    return features


def reweight(proba: np.ndarray, classes: Sequence[str], threshold) -> np.ndarray:
    """Shift sentiment probabilities so that "weakness" wins exactly when
    P(negative) + P(mixed) reaches ``threshold`` (tuned by cross-validation for
    weakness-F1; a number, or one per row): the weakness labels are scaled by
    (1 - t) / t and rows renormalised."""
    proba = np.array(proba, dtype=float, copy=True)
    weak = [i for i, c in enumerate(classes) if c in WEAKNESS]
    t = np.clip(np.broadcast_to(np.asarray(threshold, dtype=float), (len(proba),)), 1e-6, 1 - 1e-6)
    if weak and len(proba):
        proba[:, weak] *= ((1 - t) / t)[:, None]
        proba /= proba.sum(axis=1, keepdims=True)
    return proba


def weakness_call(proba: np.ndarray, classes: Sequence[str], threshold) -> list[str]:
    """Labels from sentiment probabilities, deciding *weakness or not* first (at
    ``threshold``, a number or one per row), then the likelier label on that side."""
    q = reweight(proba, classes, threshold)
    weak = [i for i, c in enumerate(classes) if c in WEAKNESS]
    other = [i for i, c in enumerate(classes) if c not in WEAKNESS]
    out = []
    for row in q:
        side = weak if weak and (not other or row[weak].sum() >= 0.5) else other
        out.append(classes[side[int(np.argmax(row[side]))]])
    return out


def pair_thresholds(theme_proba: np.ndarray, joint: float | None, fallback: float) -> np.ndarray:
    """The weakness threshold of each found (unit, theme) pair. With a ``joint``
    threshold a pair is a weakness when P(theme) x P(weakness) reaches it, so an
    uncertain theme needs clearer criticism than a sure one: this is the same as
    P(weakness) >= joint / P(theme). Without one (models before 2026-11-23), ``fallback``."""
    theme_proba = np.asarray(theme_proba, dtype=float)
    if joint is None:
        return np.full(len(theme_proba), fallback)
    return joint / np.maximum(theme_proba, 1e-6)


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
