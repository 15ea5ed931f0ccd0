"""The scikit-learn contract of both estimators (themeclass.learning.estimator).

``ThemeClassifier`` and ``ThemeSentiment`` are classifiers over text. They follow
scikit-learn's estimator contract: parameters stored untouched by ``__init__``
and declared in ``_parameter_constraints`` (``fit`` with ``C=-1`` raises
``InvalidParameterError``), ``predict`` before ``fit`` raises ``NotFittedError``
(``check_is_fitted``), fitted attributes end in ``_`` and are documented with
their shapes in the class docstrings (checked below against a fitted estimator).

**sklearn.utils.estimator_checks.** Run as they are, the checks do nothing for
these estimators: their tags say they take strings, not 2-D numeric arrays, and
scikit-learn then runs only ``check_estimator_cloneable`` (pinned below). So
``check_estimator`` runs on a test-only subclass that declares 2-D input and
translates the checks' data, nothing else: each numeric row becomes a text (one
word per column naming its rounded value, e.g. ``"f0v3 f1vm1"``), each class of
``y`` a theme column (ThemeClassifier) or a sentiment label (ThemeSentiment,
whose predictions are mapped back). Fitting, predicting, cloning, pickling,
parameter handling are the estimators' own code. Every check passes except
these, which cannot apply to multi-label text input (each is listed as an
expected failure, and the test fails if one of them starts passing, so the list
stays true):

Both estimators:

* ``check_n_features_in``, ``check_n_features_in_after_fitting``: a text has no
  fixed number of features, so there is no ``n_features_in_`` (as for
  scikit-learn's own ``CountVectorizer``).
* ``check_estimators_empty_data_messages``: its first half (fitting on 0 samples
  raises ``ValueError``) applies and passes here (see
  ``test_fitting_on_nothing_or_without_y_is_refused``); its second half fits rows
  of 0 numeric columns and wants the message "0 feature(s)": an empty text is a
  valid unit with no words.
* ``check_estimators_nan_inf``: NaN and infinity in a numeric ``X``; texts hold none.
* ``check_estimator_sparse_tag``, ``check_estimator_sparse_array``,
  ``check_estimator_sparse_matrix``: sparse numeric ``X``; the input is texts.
* ``check_classifier_data_not_an_array``: wraps ``X`` in an object only numpy can
  read (no length, no iteration); the input is a sequence of texts.
* ``check_fit1d``, ``check_fit2d_predict1d``: want 1-D ``X`` refused; a 1-D
  sequence of texts is exactly the input.
* ``check_classifiers_classes``: wants ``classes_`` to be the labels given in
  ``y`` (``"one"``, ``"two"``); ``classes_`` are the codebook's themes
  (ThemeClassifier) or sentiment labels (ThemeSentiment).
* ``check_classifiers_train``: ThemeClassifier: wants one predicted label per row;
  it predicts an n x 5 0/1 matrix (multi-label). ThemeSentiment: wants an error
  when ``predict`` gets a different number of columns than ``fit``: texts have
  no columns.

ThemeClassifier only:

* ``check_classifiers_one_label``: wants one predicted label per row (as above).
* ``check_classifier_multioutput``: fits a 3-column ``Y``; the themes are exactly five.

Skipped by scikit-learn itself: ``check_array_api_input`` (runs only with
``SCIPY_ARRAY_API=1``, and feeds numeric arrays), and for ThemeClassifier
``check_classifiers_multilabel_output_format_decision_function`` (no
``decision_function``).
"""

import re

import numpy as np
import pytest
from sklearn.base import ClassifierMixin, clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import check_estimator
from sklearn.utils.multiclass import type_of_target
from threadpoolctl import threadpool_info

from themeclass.codebook import LABELS, THEMES
from themeclass.learning.classify import ThemeClassifier
from themeclass.learning.estimator import TextEstimator
from themeclass.learning.sentiment import ThemeSentiment

from conftest import tiny_records

RECORDS = tiny_records(3)
TEXTS = [r["text"] for r in RECORDS]
Y = np.array([[int(t in r["themes"]) for t in THEMES] for r in RECORDS])
ITEMS = [(r["text"], theme, None) for r in RECORDS for theme in r["themes"]]
SENTIMENTS = [label for r in RECORDS for label in r["themes"].values()]

BOTH = {
    "ThemeClassifier": (ThemeClassifier, TEXTS, Y),
    "ThemeSentiment": (ThemeSentiment, ITEMS, SENTIMENTS),
}

_BOTH_CANNOT_APPLY = {
    "check_n_features_in": "a text has no fixed number of features (no n_features_in_, as for CountVectorizer)",
    "check_n_features_in_after_fitting": "a text has no fixed number of features (no n_features_in_)",
    "check_estimators_empty_data_messages": "fits rows of 0 numeric columns; an empty text is a valid unit "
                                            "(the 0-sample half is tested here)",
    "check_estimators_nan_inf": "NaN and infinity in a numeric X; texts hold none",
    "check_estimator_sparse_tag": "sparse numeric X; the input is texts",
    "check_estimator_sparse_array": "sparse numeric X; the input is texts",
    "check_estimator_sparse_matrix": "sparse numeric X; the input is texts",
    "check_classifier_data_not_an_array": "X in an object only numpy can read; the input is a sequence of texts",
    "check_fit1d": "wants 1-D X refused; a 1-D sequence of texts is the input",
    "check_fit2d_predict1d": "wants 1-D X refused; a 1-D sequence of texts is the input",
    "check_classifiers_classes": "classes_ are the codebook's labels, not those given in y",
}
CANNOT_APPLY = {
    "ThemeClassifier": {
        **_BOTH_CANNOT_APPLY,
        "check_classifiers_train": "wants one label per row; ThemeClassifier predicts an n x 5 theme matrix",
        "check_classifiers_one_label": "wants one label per row; ThemeClassifier predicts an n x 5 theme matrix",
        "check_classifier_multioutput": "fits a 3-column Y; the themes are exactly five",
    },
    "ThemeSentiment": {
        **_BOTH_CANNOT_APPLY,
        "check_classifiers_train": "wants an error for a different number of columns in predict; texts have none",
    },
}
SKIPPED_BY_SKLEARN = {"check_array_api_input", "check_classifiers_multilabel_output_format_decision_function"}


# -- the check harness: the estimators' own code on the checks' data, read as texts ---------

def _text(row) -> str:
    return " ".join(f"f{j}v{round(float(v))}".replace("-", "m") for j, v in enumerate(row))


def _codes(y):
    """0, 1, ... for each class of a classification target; None for anything else (passed on as it is)."""
    if y is None:
        return None
    y = np.asarray(y)
    try:
        kind = type_of_target(y)
    except ValueError:  # NaN, infinity: the estimator must refuse them itself
        return None
    if kind not in ("binary", "multiclass"):
        return None
    return np.unique(y, return_inverse=True)[1].reshape(y.shape)


class _NumericRowsAsTexts:
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = False
        return tags

    def fit(self, X, y, groups=None):
        return super().fit(X, self._target(y), groups)


class _CheckedThemeClassifier(_NumericRowsAsTexts, ThemeClassifier):
    @staticmethod
    def _target(y):
        codes = _codes(y)
        if codes is None:
            return y
        Y = np.zeros((len(codes), len(THEMES)), dtype=int)
        Y[np.arange(len(codes)), codes.ravel() % len(THEMES)] = 1
        return Y

    def _split(self, X):
        rows = list(X)
        return [_text(row) for row in rows], [None] * len(rows)

    def score(self, X, y):
        return super().score(X, self._target(y))


class _CheckedThemeSentiment(_NumericRowsAsTexts, ThemeSentiment):
    @staticmethod
    def _target(y):
        codes = _codes(y)
        return y if codes is None else np.array(LABELS)[codes % len(LABELS)]

    def _items(self, X):
        return super()._items([(_text(row), THEMES[0], None) for row in X])

    def predict(self, X):  # labels back to the checks' class codes
        return np.array([LABELS.index(label) for label in super().predict(X)])

    def score(self, X, y):
        return ClassifierMixin.score(self, X, _codes(y).ravel())


_CheckedThemeClassifier.__name__ = "ThemeClassifier"
_CheckedThemeSentiment.__name__ = "ThemeSentiment"
CHECKED = {"ThemeClassifier": _CheckedThemeClassifier, "ThemeSentiment": _CheckedThemeSentiment}


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning", "ignore::RuntimeWarning")
@pytest.mark.parametrize("name", list(BOTH))
def test_estimator_checks_pass_where_they_apply_to_text_input(name):
    results = check_estimator(CHECKED[name](cv=2), expected_failed_checks=CANNOT_APPLY[name], on_fail=None,
                              on_skip=None)
    status = {}
    for r in results:
        status.setdefault(r["check_name"], set()).add(r["status"])
    failed = {check: repr(r["exception"]) for r in results if r["status"] == "failed" for check in [r["check_name"]]}
    assert not failed
    assert {check for check, s in status.items() if "skipped" in s} <= SKIPPED_BY_SKLEARN
    # the list of checks that cannot apply stays true: each of them really fails
    assert {check: status.get(check) for check in CANNOT_APPLY[name]} == {check: {"xfail"} for check in CANNOT_APPLY[name]}
    passed = {check for check, s in status.items() if s == {"passed"}}
    assert len(passed) >= 35
    assert {"check_estimators_unfitted", "check_fit_check_is_fitted", "check_estimators_pickle", "check_fit_idempotent",
            "check_dont_overwrite_parameters", "check_methods_subset_invariance", "check_dict_unchanged",
            "check_requires_y_none", "check_no_attributes_set_in_init", "check_supervised_y_no_nan"} <= passed


def test_the_docstring_lists_every_check_that_cannot_apply():
    for name in BOTH:
        for check in CANNOT_APPLY[name]:
            assert f"``{check}``" in __doc__, check


def test_unadapted_sklearn_runs_only_the_clone_check_on_text_estimators():
    """Why the harness above exists: if scikit-learn learns to check string-input
    estimators, this fails, and the harness can go."""
    with pytest.warns(Warning, match="Can't test estimator ThemeClassifier"):
        results = check_estimator(ThemeClassifier(cv=2), on_fail=None)
    assert {r["check_name"] for r in results} == {"check_estimator_cloneable"}


# -- the contract, on real text -------------------------------------------------------------

@pytest.mark.parametrize("name", list(BOTH))
def test_both_are_classifiers_over_strings(name):
    estimator = BOTH[name][0]()
    assert is_classifier(estimator)
    tags = estimator.__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.classifier_tags.multi_label == (name == "ThemeClassifier")


@pytest.mark.parametrize("name", list(BOTH))
def test_using_an_unfitted_estimator_raises_not_fitted_error(name):
    cls, X, _ = BOTH[name]
    for method in ("predict", "predict_proba", "linear_params"):
        args = () if method == "linear_params" else (X[:2],)
        with pytest.raises(NotFittedError):
            getattr(cls(), method)(*args)


@pytest.mark.parametrize("name", list(BOTH))
@pytest.mark.parametrize("params", [{"C": -1.0}, {"C": 0}, {"min_df": 0}, {"cv": -1}, {"random_state": None},
                                    {"ngram_range": [1, 2]}, {"patterns": "rules.jsonl"}, {"n_jobs": 1.5}])
def test_invalid_parameters_are_refused_when_fitting(name, params):
    cls, X, y = BOTH[name]
    estimator = cls(**params)  # __init__ stores; fit checks
    with pytest.raises(InvalidParameterError, match=f"The '{next(iter(params))}' parameter of {name} must be"):
        estimator.fit(X, y)


@pytest.mark.parametrize("name, params", [("ThemeClassifier", {"nb_alpha": 0.0}), ("ThemeClassifier", {"rule_weight": -1}),
                                          ("ThemeSentiment", {"follow": -1}), ("ThemeSentiment", {"context_weight": -0.5})])
def test_each_estimator_declares_its_own_parameters_too(name, params):
    cls, X, y = BOTH[name]
    with pytest.raises(InvalidParameterError):
        cls(**params).fit(X, y)


@pytest.mark.parametrize("name", list(BOTH))
def test_every_parameter_has_a_declared_constraint(name):
    cls = BOTH[name][0]
    assert set(cls().get_params()) == set(cls._parameter_constraints)


@pytest.mark.parametrize("name", list(BOTH))
def test_fitting_on_nothing_or_without_y_is_refused(name):
    cls, X, _ = BOTH[name]
    with pytest.raises(ValueError, match="needs at least one item to fit"):
        cls().fit([], [])
    with pytest.raises(ValueError, match="requires y to be passed, but the target y is None"):
        cls().fit(X, None)


def _documented_attributes(cls) -> dict[str, str]:
    """``{name_: description}`` from the "Fitted attributes" list of the class docstring."""
    text = cls.__doc__.split("Fitted attributes:", 1)[1]
    out = {}
    for item in re.findall(r"^\s*\* (.+?)(?=^\s*\*|\Z)", text, flags=re.MULTILINE | re.DOTALL):
        description = " ".join(item.split())
        names, _, rest = description.partition(": ")
        for attr in re.findall(r"``(\w+_)``", names):
            out[attr] = rest
    return out


@pytest.mark.parametrize("name", list(BOTH))
def test_the_fitted_attributes_are_the_documented_ones(name):
    cls, X, y = BOTH[name]
    fitted = cls(cv=3).fit(X, y)
    public = {k for k in vars(fitted) if k.endswith("_") and not k.startswith("_")}
    assert public == set(_documented_attributes(cls))


def test_theme_classifier_attributes_have_the_documented_shapes():
    doc = _documented_attributes(ThemeClassifier)
    assert "array (5,)" in doc["thresholds_"] and "array (n_units, 5)" in doc["oof_proba_"]
    fitted = ThemeClassifier(cv=3).fit(TEXTS, Y)
    assert fitted.classes_.shape == (5,) and list(fitted.classes_) == list(THEMES)
    assert fitted.thresholds_.shape == (5,)
    assert fitted.oof_proba_.shape == (len(TEXTS), 5)
    assert isinstance(fitted.models_, list) and len(fitted.models_) == 5
    assert ThemeClassifier(cv=0).fit(TEXTS, Y).oof_proba_ is None  # "or None without cross-validation"


def test_theme_sentiment_attributes_have_the_documented_shapes():
    doc = _documented_attributes(ThemeSentiment)
    assert "array (n_items, n_classes)" in doc["oof_proba_"] and doc["weakness_threshold_"].startswith("float")
    fitted = ThemeSentiment(cv=3).fit(ITEMS, SENTIMENTS)
    assert fitted.classes_.shape == (2,) and list(fitted.classes_) == sorted(set(SENTIMENTS))
    assert fitted.oof_proba_.shape == (len(ITEMS), len(fitted.classes_))
    assert isinstance(fitted.weakness_threshold_, float)
    assert ThemeSentiment(cv=0).fit(ITEMS, SENTIMENTS).oof_proba_ is None


# -- what the base class does for both ------------------------------------------------------

class _Spy(TextEstimator):
    """A minimal estimator on the shared base: records what its fit saw."""

    def __init__(self, C=1.0, ngram_range=(1, 2), min_df=1, cv=3, random_state=0, n_jobs=None, patterns=None,
                 spacy_model=None):
        self._store(locals())

    def _fit(self, X, y, groups):
        self.blas_threads_ = {i["internal_api"]: i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}
        self.folds_ = self._folds(len(X), groups=groups)
        return self


def test_fit_uses_one_blas_thread_and_restores_the_limit_afterwards():
    before = {i["internal_api"]: i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}
    spy = _Spy().fit(TEXTS, Y)
    assert set(spy.blas_threads_.values()) <= {1}
    assert {i["internal_api"]: i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"} == before


def test_folds_keep_a_reports_units_together_when_there_are_enough_reports():
    groups = [f"report{i % 6}" for i in range(36)]
    for _, test in _Spy(cv=3).fit(list(range(36)), np.zeros((36, 5)), groups=groups).folds_:
        held = {groups[i] for i in test}
        assert all(groups[i] not in held for i in set(range(36)) - set(test))
    # fewer reports than folds: the units themselves are dealt out
    few = _Spy(cv=5).fit(list(range(36)), np.zeros((36, 5)), groups=["a", "b"] * 18).folds_
    assert len(few) == 5


@pytest.mark.parametrize("name", list(BOTH))
def test_folds_fitted_in_parallel_give_the_same_model(name):
    cls, X, y = BOTH[name]
    one = cls(cv=3, n_jobs=1).fit(X, y)
    two = cls(cv=3, n_jobs=2).fit(X, y)
    assert np.array_equal(one.oof_proba_, two.oof_proba_)
    assert np.array_equal(one.predict_proba(X), two.predict_proba(X))


@pytest.mark.parametrize("name", list(BOTH))
def test_clone_gives_an_unfitted_twin_with_the_same_parameters(name):
    cls, X, y = BOTH[name]
    fitted = cls(C=3.0, cv=2).fit(X, y)
    twin = clone(fitted)
    assert twin.get_params() == fitted.get_params()
    with pytest.raises(NotFittedError):
        twin.predict(X[:1])
