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
* a weakness is ``recurring`` when the unit says it was found before
  ("since the last inspection", "remains", "still" …); on the training split,
  looking at the whole unit rather than only the theme's sentences raised
  recurrence-F1 from 0.45 to 0.51.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from .evidence import LABELS, WEAKNESS, evidence_sentences, sentiment_features, weakness_call
from .features import HashTfidf, Prepared, Preparer

_GRID = np.round(np.arange(0.2, 0.81, 0.05), 2)


class ThemeSentiment(Preparer, BaseEstimator):
    """Sentiment of a (unit, theme) pair; ``X`` items are ``(text_or_doc, theme, section)``."""

    def __init__(self, C: float = 8.0, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 context_weight: float = 1.0, section_weight: float = 2.0, follow: int = 1, cv: int = 5, random_state: int = 0, n_jobs: int | None = None,
                 patterns: list[dict] | None = None, spacy_model: str | None = None) -> None:
        self.C = C
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.context_weight = context_weight
        self.section_weight = section_weight
        self.follow = follow
        self.cv = cv
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.patterns = patterns
        self.spacy_model = spacy_model

    def _items(self, X: Iterable) -> list[tuple[Prepared, str, str | None]]:
        items = [tuple(x) + (None,) * (3 - len(x)) for x in X]
        units = self.prepare([x[0] for x in items])
        return [(u, x[1], x[2]) for u, x in zip(units, items)]

    def _features(self, items, fit: bool = False):
        if fit:
            grams = [u.ngrams(self.ngram_range, evidence_sentences(u, theme, self.follow)) for u, theme, _ in items]
            self.vectorizer_ = HashTfidf(self.ngram_range, min(self.min_df, max(1, len(items) // 4))).fit(None, grams)
        return sentiment_features(items, self.vectorizer_, self.context_weight, self.section_weight, self.follow).tocsr()

    def fit(self, X: Iterable, y: Sequence[str], groups: Sequence | None = None) -> "ThemeSentiment":
        """Learn from (text_or_doc, theme, section) items and their sentiment labels; returns self.
        ``groups`` (each item's report) keeps a group in one fold when the weakness threshold is tuned."""
        with threadpool_limits(1):  # one BLAS thread: identical results in this process and in workers
            return self._fit(X, y, groups)

    def _fit(self, X: Iterable, y: Sequence[str], groups: Sequence | None = None) -> "ThemeSentiment":
        items = self._items(X)
        y = np.asarray(y)
        unknown = set(y) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown sentiment labels: {sorted(unknown)}")
        features = self._features(items, fit=True)
        self.weakness_threshold_ = 0.5
        self.oof_proba_ = None  # out-of-fold probabilities of the training items (columns: classes_), when cv
        if self.cv and self.cv > 1 and len(items) >= 4 * self.cv:
            # Tune the weakness threshold on out-of-fold probabilities (training data only).
            oof = np.zeros((len(items), len(np.unique(y))))
            classes = np.unique(y)
            if groups is not None and len(set(groups)) >= self.cv:
                folds = StratifiedGroupKFold(self.cv, shuffle=True, random_state=self.random_state)
                splits = list(folds.split(features, y, groups))
            else:
                splits = list(StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state).split(features, y))
            folds = Parallel(n_jobs=self.n_jobs, max_nbytes=None)(
                delayed(LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000).fit)(features[tr], y[tr]) for tr, _ in splits)
            for (_, test), fold in zip(splits, folds):
                oof[np.ix_(test, np.searchsorted(classes, fold.classes_))] = fold.predict_proba(features[test])
            oof = self.oof_proba_ = np.round(oof, 6)  # threshold choice must not hang on last-digit float noise (BLAS threads)
            gold = np.isin(y, WEAKNESS)
            best = max(_GRID, key=lambda t: f1_score(gold, np.isin(weakness_call(oof, list(classes), t), WEAKNESS), zero_division=0))
            self.weakness_threshold_ = float(best)
        self.model_ = LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000).fit(features, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: Iterable) -> np.ndarray:
        items = self._items(X)
        if not items:
            return np.zeros((0, len(self.classes_)))
        return self.model_.predict_proba(self._features(items))

    def predict(self, X: Iterable) -> np.ndarray:
        proba = self.predict_proba(X)
        return np.array(weakness_call(proba, list(self.classes_), self.weakness_threshold_), dtype=object)

    def score(self, X: Iterable, y: Sequence[str]) -> float:
        return float(accuracy_score(y, self.predict(X)))

    def linear_params(self) -> dict[str, np.ndarray]:
        """The fitted model as plain arrays: what ``themeclass.model`` saves and predicts with."""
        return {"vocabulary": self.vectorizer_.vocabulary_, "idf": self.vectorizer_.idf_,
                "coef": self.model_.coef_, "intercept": self.model_.intercept_,
                "classes": np.array([str(c) for c in self.classes_]), "ngram_range": np.array(self.ngram_range),
                "context_weight": np.array(self.context_weight), "section_weight": np.array(self.section_weight),
                "follow": np.array(self.follow),
                "weakness_threshold": np.array(self.weakness_threshold_)}
