"""Theme sentiment: is what a unit says about one theme a strength or a weakness?

A unit often praises one theme and criticises another, so sentiment is judged per
(unit, theme) pair from the unit's **evidence sentences** for that theme: the
sentences holding one of the theme's cue phrases (all sentences when none does).
:class:`ThemeSentiment` is a scikit-learn estimator over those sentences' words,
the evaluative hedges matched in them ("not always", "too many", "robust",
"mostly" …), the theme, and the section context. Two codebook rules apply on
top of the model:

* every item under "What needs to improve?" / "Areas for improvement" is a
  weakness (``negative``);
* a weakness is ``recurring`` when its evidence says it was found before
  ("since the last inspection", "remains", "still" …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from spacy.tokens import Doc

from .classify import _identity, _Pipeline
from .rules import SPANS_KEY, THEMES

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


def evidence_sentences(doc: Doc, theme: str) -> list:
    """The sentences of ``doc`` that hold a cue phrase of ``theme`` (else every sentence)."""
    label = f"theme:{theme}"
    starts = {s.sent.start for s in doc.spans.get(SPANS_KEY, ()) if s.label_ == label}
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else ([doc[:]] if len(doc) else [])
    chosen = [s for s in sents if s.start in starts]
    return chosen or sents


def recurrence_cue(sentences: Sequence) -> bool:
    doc_spans = {}
    for sent in sentences:
        spans = doc_spans.setdefault(id(sent.doc), sent.doc.spans.get(SPANS_KEY, ()))
        if any(s.label_ == "recurrence:recurring" and sent.start <= s.start < sent.end for s in spans):
            return True
    return False


class ThemeSentiment(_Pipeline, BaseEstimator):
    """Sentiment of a (unit, theme) pair; ``X`` items are ``(text_or_doc, theme, section)``."""

    def __init__(self, C: float = 2.0, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 patterns: list[dict] | None = None, spacy_model: str | None = None) -> None:
        self.C = C
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.patterns = patterns
        self.spacy_model = spacy_model

    def _items(self, X: Iterable) -> list[tuple[Doc, str, str | None]]:
        items = [tuple(x) + (None,) * (3 - len(x)) for x in X]
        docs = self.to_docs([x[0] for x in items])
        return [(d, x[1], x[2]) for d, x in zip(docs, items)]

    def _features(self, items, fit: bool = False):
        tokens, extra = [], np.zeros((len(items), len(_HEDGES) + len(THEMES) + 1))
        for row, (doc, theme, section) in enumerate(items):
            sents = evidence_sentences(doc, theme)
            toks = [t.lower_ for s in sents for t in s if not t.is_space]
            tokens.append(toks)
            spans = doc.spans.get(SPANS_KEY, ())
            ranges = [(s.start, s.end) for s in sents]
            for span in spans:
                if span.label_ in _HEDGES and any(a <= span.start < b for a, b in ranges):
                    extra[row, _HEDGES.index(span.label_)] += 1
            extra[row, len(_HEDGES) + THEMES.index(theme)] = 1
            extra[row, -1] = improvement_section(section)
        extra[:, : len(_HEDGES)] = np.log1p(extra[:, : len(_HEDGES)])
        if fit:
            self.vectorizer_ = TfidfVectorizer(
                tokenizer=_identity, preprocessor=_identity, token_pattern=None, lowercase=False,
                ngram_range=self.ngram_range, min_df=min(self.min_df, max(1, len(items) // 4)), sublinear_tf=True,
            )
            words = self.vectorizer_.fit_transform(tokens)
        else:
            words = self.vectorizer_.transform(tokens)
        return sp.hstack([words, sp.csr_matrix(extra)], format="csr")

    def fit(self, X: Iterable, y: Sequence[str]) -> "ThemeSentiment":
        items = self._items(X)
        y = np.asarray(y)
        unknown = set(y) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown sentiment labels: {sorted(unknown)}")
        self.model_ = LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)
        self.model_.fit(self._features(items, fit=True), y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: Iterable) -> np.ndarray:
        items = self._items(X)
        if not items:
            return np.zeros((0, len(self.classes_)))
        return self.model_.predict_proba(self._features(items))

    def predict(self, X: Iterable) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)] if len(proba) else np.array([], dtype=object)

    def score(self, X: Iterable, y: Sequence[str]) -> float:
        return float(accuracy_score(y, self.predict(X)))

    def results(self, items: Sequence[tuple[Doc, str, str | None]], confidence: Sequence[float]) -> list[ThemeResult]:
        """Full results (label, score, recurrence, evidence) for (doc, theme, section) items."""
        items = self._items(items)
        proba = self.predict_proba(items) if items else np.zeros((0, len(self.classes_)))
        col = {c: i for i, c in enumerate(self.classes_)}
        out = []
        for (doc, theme, section), p, conf in zip(items, proba, confidence):
            label = str(self.classes_[int(np.argmax(p))])
            score = float(p[col["positive"]] - p[col["negative"]]) if {"positive", "negative"} <= col.keys() else 0.0
            if improvement_section(section):
                label, score = "negative", -1.0
            sents = evidence_sentences(doc, theme)
            out.append(ThemeResult(
                theme=theme,
                sentiment=label,
                score=max(-1.0, min(1.0, score)),
                confidence=float(conf),
                recurring=label in WEAKNESS and recurrence_cue(sents),
                evidence=[s.text.strip() for s in sents],
            ))
        return out
