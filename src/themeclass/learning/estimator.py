"""What the two estimators share: their common parameters, parameter checks, one
BLAS thread while fitting, and cross-validation folds over whole reports.

:class:`~themeclass.learning.classify.ThemeClassifier` and
:class:`~themeclass.learning.sentiment.ThemeSentiment` are scikit-learn
estimators over text: ``X`` is a list of texts (or spaCy ``Doc`` objects), or of
tuples whose first item is one. Both tune a threshold on out-of-fold
probabilities of the training data; ``fit(X, y, groups=reports)`` keeps each
report's units in one fold, so the threshold is tuned on probabilities for
reports the model has not seen, as it will be used.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, Callable, Sequence

import numpy as np
from joblib import delayed
from sklearn.base import BaseEstimator
from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold
from sklearn.utils._param_validation import Interval
from threadpoolctl import threadpool_limits

from ..model.parallel import joblib_parallel
from ..nlp.features import Preparer


class TextEstimator(Preparer, BaseEstimator):
    """Base of the theme and sentiment estimators (not used on its own).

    Common parameters: ``C`` (inverse regularisation of the logistic
    regressions), ``ngram_range`` and ``min_df`` (of the TF-IDF features), ``cv``
    (folds for tuning the threshold; 0 or 1: no tuning), ``random_state``,
    ``n_jobs`` (folds fitted in parallel), ``patterns`` (keyword rules; None: the
    shipped ones) and ``spacy_model`` (an installed pipeline to tokenise with;
    None: ``spacy.blank("en")``).
    """

    _parameter_constraints: dict = {
        "C": [Interval(Real, 0, None, closed="neither")],
        "ngram_range": [tuple],
        "min_df": [Interval(Integral, 1, None, closed="left")],
        "cv": [Interval(Integral, 0, None, closed="left")],
        "random_state": [Interval(Integral, 0, None, closed="left")],
        "n_jobs": [Integral, None],
        "patterns": [list, None],
        "spacy_model": [str, None],
    }

    def _store(self, params: dict[str, Any]) -> None:
        """Keep the constructor's arguments untouched, as scikit-learn requires."""
        for name, value in params.items():
            if name not in ("self", "__class__"):
                setattr(self, name, value)

    def fit(self, X: Sequence, y, groups: Sequence | None = None):
        """Learn from ``X`` and ``y``; ``groups`` (each item's report) keeps a
        report's items in one fold when the threshold is tuned. Returns self."""
        self._validate_params()
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        X = list(X)
        if not X:
            raise ValueError(f"{type(self).__name__} needs at least one item to fit (got 0 samples)")
        with threadpool_limits(1):  # one BLAS thread: identical results in this process and in workers
            return self._fit(X, y, groups)

    def _fit(self, X: list, y, groups: Sequence | None):  # pragma: no cover - each estimator defines it
        raise NotImplementedError

    def _folds(self, n: int, y: np.ndarray | None = None, groups: Sequence | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
        """Cross-validation folds: over groups when there are enough of them, stratified by ``y`` when given."""
        index = np.zeros((n, 1))
        if groups is not None and len(set(groups)) >= self.cv:
            if y is None:
                return list(GroupKFold(self.cv, shuffle=True, random_state=self.random_state).split(index, groups=groups))
            return list(StratifiedGroupKFold(self.cv, shuffle=True, random_state=self.random_state).split(index, y, groups))
        if y is None:
            return list(KFold(self.cv, shuffle=True, random_state=self.random_state).split(index))
        return list(StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state).split(index, y))

    def _map_folds(self, fit_one: Callable, fold_args: list[tuple]) -> list:
        """``fit_one(*args)`` for every fold's arguments, in parallel over ``n_jobs`` workers
        (which exit if this process is killed, rather than idle on for minutes)."""
        return joblib_parallel(self.n_jobs, max_nbytes=None)(delayed(fit_one)(*args) for args in fold_args)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.non_deterministic = False
        return tags
