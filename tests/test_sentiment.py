"""Theme sentiment (themeclass.learning.sentiment): one label per (unit, theme) pair."""

import numpy as np
import pytest
from sklearn.base import clone

from themeclass.codebook import LABELS, WEAKNESS
from themeclass.learning.sentiment import ThemeSentiment
from themeclass.learning.thresholds import grid

from conftest import tiny_records

RECORDS = tiny_records(4)
ITEMS = [(r["text"], theme, None) for r in RECORDS for theme in r["themes"]]
LABELS_Y = [label for r in RECORDS for label in r["themes"].values()]


@pytest.fixture(scope="module")
def fitted():
    return ThemeSentiment(cv=3).fit(ITEMS, LABELS_Y, groups=[r["id"].split("#")[0] for r in RECORDS for _ in r["themes"]])


def test_fit_learns_the_labels_seen_and_a_tuned_weakness_threshold(fitted):
    assert list(fitted.classes_) == ["negative", "positive"]  # sorted, as seen in training
    assert fitted.weakness_threshold_ in grid(0.2, 0.8, 0.05)  # the tuning grid
    assert fitted.oof_proba_.shape == (len(ITEMS), 2)
    assert np.allclose(fitted.oof_proba_.sum(axis=1), 1, atol=1e-5)


def test_one_unit_two_themes_two_sentiments(fitted):
    text = "Strategy discussions are timely and well attended by partners. Pathway plans are not always updated."
    labels = fitted.predict([(text, "risk_response", None), (text, "care_leavers", None)])
    assert labels.tolist() == ["positive", "negative"]


def test_predict_proba_has_a_column_per_class_and_predict_agrees_with_it(fitted):
    proba = fitted.predict_proba(ITEMS)
    assert proba.shape == (len(ITEMS), len(fitted.classes_))
    assert np.allclose(proba.sum(axis=1), 1)
    weak = proba[:, list(fitted.classes_).index("negative")] >= fitted.weakness_threshold_
    assert (np.isin(fitted.predict(ITEMS), WEAKNESS) == weak).all()
    assert fitted.predict_proba([]).shape == (0, 2)


def test_the_section_is_optional_in_each_item(fitted):
    a = fitted.predict_proba([("Supervision is regular and reflective.", "supervision")])
    b = fitted.predict_proba([("Supervision is regular and reflective.", "supervision", None)])
    assert np.array_equal(a, b)


def test_score_is_accuracy(fitted):
    assert fitted.score(ITEMS, LABELS_Y) == pytest.approx(np.mean(fitted.predict(ITEMS) == np.array(LABELS_Y)))
    assert fitted.score(ITEMS, LABELS_Y) > 0.9


def test_without_cross_validation_the_threshold_is_one_half():
    model = ThemeSentiment(cv=0).fit(ITEMS, LABELS_Y)
    assert model.weakness_threshold_ == 0.5 and model.oof_proba_ is None


def test_four_labels_give_a_multinomial_model():
    items = ITEMS + [("Supervision is mostly regular but not always recorded.", "supervision", None),
                     ("Supervision takes place.", "supervision", None)] * 3
    y = LABELS_Y + ["mixed", "neutral"] * 3
    model = ThemeSentiment(cv=0).fit(items, y)
    assert list(model.classes_) == sorted(LABELS)
    assert model.model_.coef_.shape[0] == 4
    params = model.linear_params()
    assert params["classes"].tolist() == sorted(LABELS)
    assert params["coef"].shape == (4, model.model_.coef_.shape[1])
    assert float(params["weakness_threshold"]) == 0.5


def test_unknown_labels_and_continuous_targets_are_refused():
    with pytest.raises(ValueError, match=r"unknown sentiment labels: \['negatve'\]"):
        ThemeSentiment().fit(ITEMS[:2], ["negatve", "positive"])
    with pytest.raises(ValueError, match="continuous"):
        ThemeSentiment().fit(ITEMS[:2], [0.3, 0.7])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        ThemeSentiment().fit(ITEMS[:3], LABELS_Y[:2])


def test_clone_and_same_seed_same_probabilities():
    twin = clone(ThemeSentiment(C=2.0, follow=0, cv=2))
    assert twin.get_params()["follow"] == 0 and not hasattr(twin, "model_")
    a = ThemeSentiment(cv=3, random_state=4).fit(ITEMS, LABELS_Y).predict_proba(ITEMS)
    b = ThemeSentiment(cv=3, random_state=4).fit(ITEMS, LABELS_Y).predict_proba(ITEMS)
    assert np.array_equal(a, b)
