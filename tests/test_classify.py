"""The theme classifier is a real scikit-learn estimator."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from themeclass.classify import ThemeClassifier
from themeclass.rules import THEMES

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


def test_y_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="n_units x 5"):
        ThemeClassifier().fit(TEXTS, Y[:, :3])
