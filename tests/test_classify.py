"""The theme classifier (themeclass.learning.classify): a scikit-learn estimator over texts."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from themeclass.codebook import RULE_LABELS, THEMES
from themeclass.learning.classify import ThemeClassifier

from conftest import tiny_records

RECORDS = tiny_records(4)
TEXTS = [r["text"] for r in RECORDS]
Y = np.array([[int(t in r["themes"]) for t in THEMES] for r in RECORDS])


def test_fit_predict_shapes_and_learned_attributes():
    clf = ThemeClassifier(C=4.0, cv=3).fit(TEXTS, Y)
    assert list(clf.classes_) == list(THEMES)
    assert clf.predict_proba(TEXTS).shape == (len(TEXTS), 5)
    assert clf.predict(["Personal advisers keep in touch with care leavers."]).tolist() == [[0, 0, 0, 1, 0]]
    assert ((clf.thresholds_ >= 0.1) & (clf.thresholds_ <= 0.9)).all()
    assert clf.score(TEXTS, Y) == pytest.approx(1.0)


def test_texts_can_come_with_the_section_heading_they_sit_under():
    sections = ["Areas for improvement" if "not" in t else "Strengths" for t in TEXTS]
    clf = ThemeClassifier(cv=0).fit(list(zip(TEXTS, sections)), Y)
    assert clf.predict([("Supervision is regular.", "Strengths")]).shape == (1, 5)
    assert len(clf.section_vectorizer_.vocabulary_) > 0  # the headings' words are features
    without = ThemeClassifier(cv=0).fit(TEXTS, Y)
    assert len(without.section_vectorizer_.vocabulary_) == 0


def test_init_only_stores_parameters_so_clone_works():
    clf = ThemeClassifier(C=2.0, min_df=1, cv=2)
    twin = clone(clf)
    assert twin.get_params() == clf.get_params()
    assert not hasattr(twin, "thresholds_")


def test_cross_val_score_and_grid_search():
    folds = KFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(ThemeClassifier(cv=2), TEXTS, Y, cv=folds)
    assert len(scores) == 3 and (scores > 0.5).all()
    grid = GridSearchCV(ThemeClassifier(cv=2), {"C": [0.5, 4.0]}, cv=folds).fit(TEXTS, Y)
    assert grid.best_params_["C"] in (0.5, 4.0)


def test_same_data_and_seed_give_identical_probabilities():
    a = ThemeClassifier(random_state=1).fit(TEXTS, Y).predict_proba(TEXTS)
    b = ThemeClassifier(random_state=1).fit(TEXTS, Y).predict_proba(TEXTS)
    assert np.array_equal(a, b)


def test_numpy_global_seed_does_not_change_the_coefficients():
    """Issue 12 point 7: liblinear drew its shuffle seed from numpy's global generator
    (no random_state was passed), so the shipped model did not rebuild byte for byte."""
    fitted = []
    for global_seed in (1, 2):
        np.random.seed(global_seed)
        fitted.append(ThemeClassifier(cv=0).fit(TEXTS, Y).linear_params())
    a, b = fitted
    assert np.array_equal(a["coef"], b["coef"])
    assert np.array_equal(a["intercept"], b["intercept"])
    assert np.abs(a["coef"]).max() > 0  # real coefficients were compared


def test_a_theme_never_seen_in_training_is_never_predicted():
    no_sufficiency = Y[:, THEMES.index("sufficiency")] == 0
    texts = [t for t, keep in zip(TEXTS, no_sufficiency) if keep]
    clf = ThemeClassifier(cv=0).fit(texts, Y[no_sufficiency])
    assert clf.models_[THEMES.index("sufficiency")] == 0.0
    proba = clf.predict_proba(["There are not enough foster carers."])
    assert proba[0, THEMES.index("sufficiency")] == 0.0


def test_linear_params_are_the_arrays_a_saved_model_predicts_with():
    clf = ThemeClassifier(cv=0).fit(TEXTS, Y)
    params = clf.linear_params()
    n_features = len(params["vocabulary"]) + len(RULE_LABELS) + len(params["section_vocabulary"])
    assert params["coef"].shape == (len(THEMES), n_features)
    assert params["intercept"].shape == (len(THEMES),)
    assert np.array_equal(params["thresholds"], clf.thresholds_)


def test_y_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="n_units x 5"):
        ThemeClassifier().fit(TEXTS, Y[:, :3])
    with pytest.raises(ValueError, match="n_units x 5"):
        ThemeClassifier().fit(TEXTS, Y[:-1])


def test_y_that_is_not_zero_or_one_is_refused_not_rounded():
    with pytest.raises(ValueError, match="continuous"):
        ThemeClassifier().fit(TEXTS, Y * 0.6)


def test_grouped_thresholds_do_not_depend_on_the_order_of_the_units():
    # groups (reports) keep a report's units in one fold, and the folds are drawn over
    # the reports, so shuffling the units changes nothing but the order of oof_proba_
    records = tiny_records(6)
    texts = [r["text"] for r in records]
    y = np.array([[int(t in r["themes"]) for t in THEMES] for r in records])
    groups = [r["id"].split("#")[0] for r in records]
    order = np.random.default_rng(0).permutation(len(texts))
    a = ThemeClassifier(cv=3).fit(texts, y, groups=groups)
    b = ThemeClassifier(cv=3).fit([texts[i] for i in order], y[order], groups=[groups[i] for i in order])
    assert np.allclose(a.oof_proba_[order], b.oof_proba_, atol=1e-3)
    assert np.array_equal(a.thresholds_, b.thresholds_)
    # without groups the units themselves are dealt into folds, so order matters
    c = ThemeClassifier(cv=3).fit([texts[i] for i in order], y[order])
    assert not np.allclose(a.oof_proba_[order], c.oof_proba_, atol=1e-3)
