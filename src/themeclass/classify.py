"""The theme classifier: a scikit-learn estimator over words and keyword-rule matches.

``ThemeClassifier().fit(texts, Y)`` takes texts (strings or spaCy ``Doc`` objects
already run through :func:`themeclass.rules.make_nlp`), or ``(text, section)``
pairs when the section heading each unit sits under is known, and ``Y``, an
n_units x 5 matrix of 0/1 (columns in :data:`THEMES` order). It learns one
logistic regression per theme over TF-IDF word and bigram features, the counts
of the rule matches and the words of the section heading, each feature scaled by
its log-count ratio for that theme as in NB-SVM (``nb_alpha`` smooths the counts;
``None`` gives plain logistic regression), and a decision threshold per theme
chosen by cross-validation on the training data only (the out-of-fold
probabilities are kept as ``oof_proba_``: ``ThemeModel.train`` tunes the weakness
call on them). Because it follows the estimator conventions (parameters stored
untouched in ``__init__``, learned attributes ending in ``_``), ``clone``,
``cross_val_score`` and ``GridSearchCV`` work.

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
from sklearn.model_selection import GroupKFold, KFold

from .features import RULE_LABELS, HashTfidf, Prepared, Preparer, section_tokens, theme_features
from .rules import THEMES

_THRESHOLDS = np.round(np.arange(0.1, 0.91, 0.05), 2)


def _scaled(X, scale: np.ndarray):
    return X.multiply(scale).tocsr() if X.shape[1] else X


class ThemeClassifier(Preparer, BaseEstimator):
    """Multi-label theme classifier (sklearn estimator); see the module docstring."""

    def __init__(self, C: float = 32.0, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 rule_weight: float = 1.0, section_weight: float = 0.5, nb_alpha: float | None = 1.0, cv: int = 5,
                 random_state: int = 0, n_jobs: int | None = None,
                 patterns: list[dict] | None = None, spacy_model: str | None = None) -> None:
        self.C = C
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.rule_weight = rule_weight
        self.section_weight = section_weight
        self.nb_alpha = nb_alpha
        self.cv = cv
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.patterns = patterns
        self.spacy_model = spacy_model

    # -- features -----------------------------------------------------------------
    @staticmethod
    def _split(X: Iterable) -> tuple[list, list[str | None]]:
        """Items are texts (or Docs) or (text, section) pairs."""
        items = list(X)
        pairs = [x if isinstance(x, tuple) else (x, None) for x in items]
        return [p[0] for p in pairs], [p[1] if len(p) > 1 else None for p in pairs]

    def _features(self, units: Sequence[Prepared], sections: Sequence[str | None], fit: bool = False):
        if fit:
            min_df = min(self.min_df, max(1, len(units) // 4))
            self.vectorizer_ = HashTfidf(self.ngram_range, min_df)
            self.vectorizer_.fit(None, [u.ngrams(self.ngram_range) for u in units])
            self.section_vectorizer_ = HashTfidf((1, 1), min_df)
            self.section_vectorizer_.fit(None, [section_tokens(s) for s in sections])
        return theme_features(units, self.vectorizer_, self.rule_weight, sections, self.section_vectorizer_,
                              self.section_weight).tocsr()

    def _fit_models(self, X, Y: np.ndarray) -> list:
        """One (logistic regression, feature scale) pair per theme."""
        models: list = []
        present = (X > 0).astype(float) if self.nb_alpha else None
        for j in range(Y.shape[1]):
            y = Y[:, j]
            if y.min() == y.max():  # a theme never (or always) seen: predict the constant
                models.append(float(y[0]))
                continue
            scale = np.ones(X.shape[1])
            if present is not None:  # NB-SVM (Wang & Manning 2012): weight features by their log-count ratio
                pos = self.nb_alpha + np.asarray(present[y == 1].sum(axis=0)).ravel()
                neg = self.nb_alpha + np.asarray(present[y == 0].sum(axis=0)).ravel()
                scale = np.log((pos / pos.sum()) / (neg / neg.sum()))
            lr = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000, solver="liblinear")
            models.append((lr.fit(_scaled(X, scale), y), scale))
        return models

    @staticmethod
    def _proba(models: list, X) -> np.ndarray:
        cols = [np.full(X.shape[0], m) if isinstance(m, float) else m[0].predict_proba(_scaled(X, m[1]))[:, 1] for m in models]
        return np.column_stack(cols)

    # -- estimator API --------------------------------------------------------------
    def fit(self, X: Iterable, Y, groups: Sequence | None = None) -> "ThemeClassifier":
        """Learn from texts (or Docs) and an n_units x 5 0/1 matrix ``Y``; returns self.

        ``groups`` (e.g. each unit's report) keeps a group's units in one
        cross-validation fold when the thresholds are tuned, so they are tuned on
        probabilities for unseen reports, as the model will be used."""
        with threadpool_limits(1):  # one BLAS thread: identical results in this process and in workers
            return self._fit(X, Y, groups)

    def _fit(self, X: Iterable, Y, groups: Sequence | None = None) -> "ThemeClassifier":
        texts, sections = self._split(X)
        docs = self.prepare(texts)
        Y = np.asarray(Y, dtype=int)
        if Y.ndim != 2 or Y.shape[1] != len(THEMES) or Y.shape[0] != len(docs):
            raise ValueError(f"Y must be an n_units x {len(THEMES)} 0/1 matrix matching X")
        self.classes_ = np.array(THEMES)
        features = self._features(docs, sections, fit=True)
        self.thresholds_ = np.full(len(THEMES), 0.5)
        self.oof_proba_ = None
        if groups is not None and len(set(groups)) < self.cv:
            groups = None  # too few groups to split by
        if self.cv and self.cv > 1 and len(docs) >= 2 * self.cv:
            oof = np.zeros(Y.shape, dtype=float)
            if groups is None:
                splits = list(KFold(self.cv, shuffle=True, random_state=self.random_state).split(features))
            else:
                splits = list(GroupKFold(self.cv, shuffle=True, random_state=self.random_state).split(features, groups=groups))
            fitted = Parallel(n_jobs=self.n_jobs, max_nbytes=None)(delayed(self._fit_models)(features[tr], Y[tr]) for tr, _ in splits)
            for (_, test), models in zip(splits, fitted):
                oof[test] = self._proba(models, features[test])
            oof = self.oof_proba_ = np.round(oof, 6)  # threshold choice must not hang on last-digit float noise (BLAS threads)
            for j in range(len(THEMES)):
                if Y[:, j].any():
                    scores = np.round([f1_score(Y[:, j], oof[:, j] >= t, zero_division=0) for t in _THRESHOLDS], 6)
                    best = np.flatnonzero(scores == scores.max())  # ties (small data): the middle one, not the lowest
                    self.thresholds_[j] = float(_THRESHOLDS[best[len(best) // 2]])
        self.models_ = self._fit_models(features, Y)
        return self

    def predict_proba(self, X: Iterable) -> np.ndarray:
        """Probability of each theme, n_units x 5."""
        texts, sections = self._split(X)
        docs = self.prepare(texts)
        if not docs:
            return np.zeros((0, len(THEMES)))
        return self._proba(self.models_, self._features(docs, sections))

    def predict(self, X: Iterable) -> np.ndarray:
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def linear_params(self) -> dict[str, np.ndarray]:
        """The fitted model as plain arrays: what ``themeclass.model`` saves and predicts with."""
        n_sections = len(self.section_vectorizer_.vocabulary_) if self.section_weight else 0
        n_features = len(self.vectorizer_.vocabulary_) + len(RULE_LABELS) + n_sections
        coef = np.zeros((len(THEMES), n_features))
        intercept = np.zeros(len(THEMES))
        for j, m in enumerate(self.models_):
            if isinstance(m, float):  # constant theme: a sure yes or no
                intercept[j] = 30.0 if m else -30.0
            else:  # the feature scale folds into the coefficients: w . (s * x) = (w * s) . x
                coef[j], intercept[j] = m[0].coef_[0] * m[1], m[0].intercept_[0]
        return {"vocabulary": self.vectorizer_.vocabulary_, "idf": self.vectorizer_.idf_, "coef": coef,
                "intercept": intercept, "thresholds": self.thresholds_.astype(float),
                "ngram_range": np.array(self.ngram_range), "rule_weight": np.array(self.rule_weight),
                "section_vocabulary": self.section_vectorizer_.vocabulary_, "section_idf": self.section_vectorizer_.idf_,
                "section_weight": np.array(self.section_weight)}

    def score(self, X: Iterable, Y) -> float:
        """Macro-F1 over the five themes (not subset accuracy)."""
        return float(f1_score(np.asarray(Y, dtype=int), self.predict(X), average="macro", zero_division=0))


__all__ = ["RULE_LABELS", "THEMES", "ThemeClassifier"]
