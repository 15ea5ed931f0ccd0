"""The theme classifier: a scikit-learn estimator over words and keyword-rule matches.

``ThemeClassifier().fit(texts, Y)`` takes texts (strings or spaCy ``Doc`` objects
already run through :func:`themeclass.rules.make_nlp`) and ``Y``, an
n_units x 5 matrix of 0/1 (columns in :data:`THEMES` order). It learns one
logistic regression per theme over TF-IDF word and bigram features plus the
counts of the rule matches, and a decision threshold per theme chosen by
cross-validation on the training data only. Because it follows the estimator
conventions (parameters stored untouched in ``__init__``, learned attributes
ending in ``_``), ``clone``, ``cross_val_score`` and ``GridSearchCV`` work.

>>> clf = ThemeClassifier(cv=2)
>>> texts = ["Care leavers have pathway plans.", "Supervision is regular.", "Pathway plans are up to date.", "Managers' supervision is reflective."] * 3
>>> Y = [[0, 0, 0, 1, 0], [0, 1, 0, 0, 0], [0, 0, 0, 1, 0], [0, 1, 0, 0, 0]] * 3
>>> clf.fit(texts, Y).predict(["Personal advisers update pathway plans."]).tolist()
[[0, 0, 0, 1, 0]]
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold

from .features import RULE_LABELS, HashTfidf, Prepared, Preparer, theme_features
from .rules import THEMES

_THRESHOLDS = np.round(np.arange(0.1, 0.91, 0.05), 2)


class ThemeClassifier(Preparer, BaseEstimator):
    """Multi-label theme classifier (sklearn estimator); see the module docstring."""

    def __init__(self, C: float = 16.0, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 rule_weight: float = 1.0, cv: int = 5, random_state: int = 0, n_jobs: int | None = None,
                 patterns: list[dict] | None = None, spacy_model: str | None = None) -> None:
        self.C = C
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.rule_weight = rule_weight
        self.cv = cv
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.patterns = patterns
        self.spacy_model = spacy_model

    # -- features -----------------------------------------------------------------
    def _features(self, units: Sequence[Prepared], fit: bool = False):
        if fit:
            self.vectorizer_ = HashTfidf(self.ngram_range, min(self.min_df, max(1, len(units) // 4)))
            self.vectorizer_.fit(None, [u.ngrams(self.ngram_range) for u in units])
        return theme_features(units, self.vectorizer_, self.rule_weight)

    def _fit_models(self, X, Y: np.ndarray) -> list:
        models = []
        for j in range(Y.shape[1]):
            y = Y[:, j]
            if y.min() == y.max():  # a theme never (or always) seen: predict the constant
                models.append(float(y[0]))
                continue
            lr = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000, solver="liblinear")
            models.append(lr.fit(X, y))
        return models

    @staticmethod
    def _proba(models: list, X) -> np.ndarray:
        cols = [np.full(X.shape[0], m) if isinstance(m, float) else m.predict_proba(X)[:, 1] for m in models]
        return np.column_stack(cols)

    # -- estimator API --------------------------------------------------------------
    def fit(self, X: Iterable, Y) -> "ThemeClassifier":
        """Learn from texts (or Docs) and an n_units x 5 0/1 matrix ``Y``; returns self."""
        with threadpool_limits(1):  # one BLAS thread: identical results in this process and in workers
            return self._fit(X, Y)

    def _fit(self, X: Iterable, Y) -> "ThemeClassifier":
        docs = self.prepare(X)
        Y = np.asarray(Y, dtype=int)
        if Y.ndim != 2 or Y.shape[1] != len(THEMES) or Y.shape[0] != len(docs):
            raise ValueError(f"Y must be an n_units x {len(THEMES)} 0/1 matrix matching X")
        self.classes_ = np.array(THEMES)
        features = self._features(docs, fit=True)
        self.thresholds_ = np.full(len(THEMES), 0.5)
        if self.cv and self.cv > 1 and len(docs) >= 2 * self.cv:
            oof = np.zeros(Y.shape, dtype=float)
            folds = KFold(self.cv, shuffle=True, random_state=self.random_state)
            splits = list(folds.split(features))
            fitted = Parallel(n_jobs=self.n_jobs, max_nbytes=None)(delayed(self._fit_models)(features[tr], Y[tr]) for tr, _ in splits)
            for (_, test), models in zip(splits, fitted):
                oof[test] = self._proba(models, features[test])
            oof = np.round(oof, 6)  # threshold choice must not hang on last-digit float noise (BLAS threads)
            for j in range(len(THEMES)):
                if Y[:, j].any():
                    scores = [f1_score(Y[:, j], oof[:, j] >= t, zero_division=0) for t in _THRESHOLDS]
                    self.thresholds_[j] = float(_THRESHOLDS[int(np.argmax(scores))])
        self.models_ = self._fit_models(features, Y)
        return self

    def predict_proba(self, X: Iterable) -> np.ndarray:
        """Probability of each theme, n_units x 5."""
        docs = self.prepare(X)
        if not docs:
            return np.zeros((0, len(THEMES)))
        return self._proba(self.models_, self._features(docs))

    def predict(self, X: Iterable) -> np.ndarray:
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def linear_params(self) -> dict[str, np.ndarray]:
        """The fitted model as plain arrays: what ``themeclass.model`` saves and predicts with."""
        n_features = len(self.vectorizer_.vocabulary_) + len(RULE_LABELS)
        coef = np.zeros((len(THEMES), n_features))
        intercept = np.zeros(len(THEMES))
        for j, m in enumerate(self.models_):
            if isinstance(m, float):  # constant theme: a sure yes or no
                intercept[j] = 30.0 if m else -30.0
            else:
                coef[j], intercept[j] = m.coef_[0], m.intercept_[0]
        return {"vocabulary": self.vectorizer_.vocabulary_, "idf": self.vectorizer_.idf_, "coef": coef,
                "intercept": intercept, "thresholds": self.thresholds_.astype(float),
                "ngram_range": np.array(self.ngram_range), "rule_weight": np.array(self.rule_weight)}

    def score(self, X: Iterable, Y) -> float:
        """Macro-F1 over the five themes (not subset accuracy)."""
        return float(f1_score(np.asarray(Y, dtype=int), self.predict(X), average="macro", zero_division=0))


__all__ = ["RULE_LABELS", "THEMES", "ThemeClassifier"]
