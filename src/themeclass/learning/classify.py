"""The theme classifier: a scikit-learn estimator over words and keyword-rule matches.

``ThemeClassifier().fit(texts, Y)`` takes texts (strings or spaCy ``Doc`` objects
already run through :func:`themeclass.nlp.rules.make_nlp`), or ``(text, section)``
pairs when the section heading each unit sits under is known, and ``Y``, an
n_units x 5 matrix of 0/1 (columns in :data:`THEMES` order). It learns one
logistic regression per theme over TF-IDF word and bigram features, the counts
of the rule matches and the words of the section heading, each feature scaled by
its log-count ratio for that theme as in NB-SVM (``nb_alpha`` smooths the counts;
``None`` gives plain logistic regression), and a decision threshold per theme
chosen by cross-validation on the training data only (the out-of-fold
probabilities are kept as ``oof_proba_``: :func:`themeclass.learning.train.fit_model`
tunes the weakness call on them). Because it follows the estimator conventions (parameters stored
untouched in ``__init__``, learned attributes ending in ``_``), ``clone``,
``cross_val_score`` and ``GridSearchCV`` work.

>>> clf = ThemeClassifier(cv=2)
>>> texts = ["Care leavers have pathway plans.", "Supervision is regular.", "Pathway plans are up to date.", "Managers' supervision is reflective."] * 3
>>> Y = [[0, 0, 0, 1, 0], [0, 1, 0, 0, 0], [0, 0, 0, 1, 0], [0, 1, 0, 0, 0]] * 3
>>> clf.fit(texts, Y).predict(["Personal advisers update pathway plans."]).tolist()
[[0, 0, 0, 1, 0]]
"""

from __future__ import annotations

from numbers import Real
from typing import Iterable, Sequence

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ..codebook import RULE_LABELS, THEMES
from ..nlp.features import HashTfidf, Prepared, section_tokens, theme_features
from .estimator import TextEstimator
from .thresholds import best_threshold, f1, grid

_THRESHOLDS = grid(0.1, 0.9, 0.05)


def _scaled(X, scale: np.ndarray):
    return X.multiply(scale).tocsr() if X.shape[1] else X


class ThemeClassifier(ClassifierMixin, TextEstimator):
    """Multi-label theme classifier (scikit-learn estimator); see the module docstring.

    Parameters (besides those of :class:`~themeclass.learning.estimator.TextEstimator`):
    ``rule_weight`` scales the rule-match counts, ``section_weight`` the section
    heading's words, ``nb_alpha`` smooths the NB-SVM log-count ratios (None: plain
    logistic regression).

    Fitted attributes:

    * ``classes_``: array (5,) of the themes (:data:`themeclass.codebook.THEMES`), the columns of ``Y``;
    * ``thresholds_``: array (5,), each theme's decision threshold on its probability;
    * ``oof_proba_``: array (n_units, 5) of out-of-fold probabilities, or None without cross-validation;
    * ``vectorizer_``, ``section_vectorizer_``: the fitted TF-IDF of the words and of the section heading;
    * ``models_``: list of 5: a fitted (LogisticRegression, feature scale) pair, or a constant 0.0/1.0
      for a theme never (always) seen.
    """

    _parameter_constraints: dict = {
        **TextEstimator._parameter_constraints,
        "rule_weight": [Interval(Real, 0, None, closed="left")],
        "section_weight": [Interval(Real, 0, None, closed="left")],
        "nb_alpha": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(self, C: float = 32.0, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 rule_weight: float = 1.0, section_weight: float = 0.5, nb_alpha: float | None = 1.0, cv: int = 5,
                 random_state: int = 0, n_jobs: int | None = None,
                 patterns: list[dict] | None = None, spacy_model: str | None = None) -> None:
        self._store(locals())

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
            # random_state for liblinear's shuffling (the primal solver used here does not shuffle, but a
            # change of solver must not make training depend on numpy's global generator)
            lr = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000, solver="liblinear",
                                    random_state=self.random_state)
            models.append((lr.fit(_scaled(X, scale), y), scale))
        return models

    @staticmethod
    def _proba(models: list, X) -> np.ndarray:
        cols = [np.full(X.shape[0], m) if isinstance(m, float) else m[0].predict_proba(_scaled(X, m[1]))[:, 1] for m in models]
        return np.column_stack(cols)

    # -- estimator API --------------------------------------------------------------
    def _fit(self, X: list, Y, groups: Sequence | None = None) -> "ThemeClassifier":
        texts, sections = self._split(X)
        kind = type_of_target(Y, input_name="y", raise_unknown=True)  # refuses NaN, infinity, objects
        Y = np.asarray(Y)
        if kind != "multilabel-indicator" or Y.shape != (len(texts), len(THEMES)):
            raise ValueError(f"Y must be an n_units x {len(THEMES)} 0/1 matrix matching X "
                             f"(got a {kind} target of shape {Y.shape} for {len(texts)} units)")
        Y = Y.astype(int)
        docs = self.prepare(texts)
        self.classes_ = np.array(THEMES)
        features = self._features(docs, sections, fit=True)
        self.thresholds_ = np.full(len(THEMES), 0.5)
        self.oof_proba_ = None
        if self.cv and self.cv > 1 and len(docs) >= 2 * self.cv:
            oof = np.zeros(Y.shape, dtype=float)
            folds = self._folds(len(docs), groups=groups)
            fitted = self._map_folds(self._fit_models, [(features[train], Y[train]) for train, _ in folds])
            for (_, test), models in zip(folds, fitted):
                oof[test] = self._proba(models, features[test])
            oof = self.oof_proba_ = np.round(oof, 6)  # threshold choice must not hang on last-digit float noise (BLAS threads)
            for j in range(len(THEMES)):
                if Y[:, j].any():
                    self.thresholds_[j] = best_threshold(_THRESHOLDS, lambda t: f1(Y[:, j], oof[:, j] >= t))
        self.models_ = self._fit_models(features, Y)
        return self

    def predict_proba(self, X: Iterable) -> np.ndarray:
        """Probability of each theme, n_units x 5."""
        check_is_fitted(self, "models_")
        texts, sections = self._split(X)
        docs = self.prepare(texts)
        if not docs:
            return np.zeros((0, len(THEMES)))
        return self._proba(self.models_, self._features(docs, sections))

    def predict(self, X: Iterable) -> np.ndarray:
        """0/1 matrix n_units x 5: each theme whose probability reaches its threshold."""
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def linear_params(self) -> dict[str, np.ndarray]:
        """The fitted model as plain arrays: what :mod:`themeclass.model` saves and predicts with."""
        check_is_fitted(self, "models_")
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True  # Y is n_units x 5, one column per theme
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags

    def score(self, X: Iterable, Y) -> float:
        """Macro-F1 over the five themes (not subset accuracy)."""
        return float(f1_score(np.asarray(Y, dtype=int), self.predict(X), average="macro", zero_division=0))
