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

from numbers import Integral, Real
from typing import Iterable, Sequence

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_consistent_length, check_is_fitted, column_or_1d

from ..codebook import LABELS, WEAKNESS
from ..model.predictor import weakness_call
from ..nlp.evidence import evidence_sentences, sentiment_features
from ..nlp.features import HashTfidf, Prepared
from .estimator import TextEstimator
from .thresholds import best_threshold, f1, grid

_GRID = grid(0.2, 0.8, 0.05)


class ThemeSentiment(ClassifierMixin, TextEstimator):
    """Sentiment of a (unit, theme) pair; ``X`` items are ``(text_or_doc, theme, section)``.

    Parameters (besides those of :class:`~themeclass.learning.estimator.TextEstimator`):
    ``context_weight`` scales the whole unit's words and hedges, ``section_weight`` what
    the section heading says (its grade, or that it lists strengths), ``follow`` how
    many sentences after each cue sentence are read as evidence.

    Fitted attributes:

    * ``classes_``: array (n_classes,) of the sentiment labels seen in training, sorted;
    * ``weakness_threshold_``: float, the P(negative) + P(mixed) at which a pair is a weakness;
    * ``oof_proba_``: array (n_items, n_classes) of out-of-fold probabilities, or None without cross-validation;
    * ``vectorizer_``: the fitted TF-IDF of the evidence sentences;
    * ``model_``: the fitted multinomial ``LogisticRegression``.
    """

    _parameter_constraints: dict = {
        **TextEstimator._parameter_constraints,
        "context_weight": [Interval(Real, 0, None, closed="left")],
        "section_weight": [Interval(Real, 0, None, closed="left")],
        "follow": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(self, C: float = 8.0, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 context_weight: float = 1.0, section_weight: float = 2.0, follow: int = 1, cv: int = 5,
                 random_state: int = 0, n_jobs: int | None = None,
                 patterns: list[dict] | None = None, spacy_model: str | None = None) -> None:
        self._store(locals())

    def _items(self, X: Iterable) -> list[tuple[Prepared, str, str | None]]:
        items = [tuple(x) + (None,) * (3 - len(x)) for x in X]
        units = self.prepare([x[0] for x in items])
        return [(u, x[1], x[2]) for u, x in zip(units, items)]

    def _features(self, items, fit: bool = False):
        if fit:
            grams = [u.ngrams(self.ngram_range, evidence_sentences(u, theme, self.follow)) for u, theme, _ in items]
            self.vectorizer_ = HashTfidf(self.ngram_range, min(self.min_df, max(1, len(items) // 4))).fit(None, grams)
        return sentiment_features(items, self.vectorizer_, self.context_weight, self.section_weight, self.follow).tocsr()

    def _regression(self, features, y) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000).fit(features, y)

    def _fit(self, X: list, y: Sequence[str], groups: Sequence | None = None) -> "ThemeSentiment":
        kind = type_of_target(y, input_name="y", raise_unknown=True)  # refuses NaN, infinity, objects
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"y must be one sentiment label per item ({', '.join(LABELS)}), not a {kind} target")
        y = column_or_1d(y, warn=True)
        unknown = set(y.tolist()) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown sentiment labels: {sorted(map(str, unknown))}")
        check_consistent_length(X, y)
        items = self._items(X)
        features = self._features(items, fit=True)
        self.weakness_threshold_ = 0.5
        self.oof_proba_ = None
        if self.cv and self.cv > 1 and len(items) >= 4 * self.cv:
            # Tune the weakness threshold on out-of-fold probabilities (training data only).
            classes = np.unique(y)
            oof = np.zeros((len(items), len(classes)))
            folds = self._folds(len(items), y=y, groups=groups)
            fitted = self._map_folds(self._regression, [(features[train], y[train]) for train, _ in folds])
            for (_, test), fold in zip(folds, fitted):
                oof[np.ix_(test, np.searchsorted(classes, fold.classes_))] = fold.predict_proba(features[test])
            oof = self.oof_proba_ = np.round(oof, 6)  # threshold choice must not hang on last-digit float noise (BLAS threads)
            gold = np.isin(y, WEAKNESS)
            self.weakness_threshold_ = best_threshold(
                _GRID, lambda t: f1(gold, np.isin(weakness_call(oof, list(classes), t), WEAKNESS)))
        self.model_ = self._regression(features, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: Iterable) -> np.ndarray:
        """Probability of each label of ``classes_``, one row per item."""
        check_is_fitted(self, "model_")
        items = self._items(X)
        if not items:
            return np.zeros((0, len(self.classes_)))
        return self.model_.predict_proba(self._features(items))

    def predict(self, X: Iterable) -> np.ndarray:
        """Labels, deciding *weakness or not* at ``weakness_threshold_`` first."""
        proba = self.predict_proba(X)
        return np.array(weakness_call(proba, list(self.classes_), self.weakness_threshold_), dtype=object)

    def score(self, X: Iterable, y: Sequence[str]) -> float:
        """Accuracy of the predicted labels."""
        return float(accuracy_score(y, self.predict(X)))

    def linear_params(self) -> dict[str, np.ndarray]:
        """The fitted model as plain arrays: what :mod:`themeclass.model` saves and predicts with."""
        check_is_fitted(self, "model_")
        return {"vocabulary": self.vectorizer_.vocabulary_, "idf": self.vectorizer_.idf_,
                "coef": self.model_.coef_, "intercept": self.model_.intercept_,
                "classes": np.array([str(c) for c in self.classes_]), "ngram_range": np.array(self.ngram_range),
                "context_weight": np.array(self.context_weight), "section_weight": np.array(self.section_weight),
                "follow": np.array(self.follow),
                "weakness_threshold": np.array(self.weakness_threshold_)}
