"""Predicting with a trained model (themeclass.model.predictor): arrays in, ThemeResult out."""

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from themeclass.codebook import LABELS, THEMES
from themeclass.learning.classify import ThemeClassifier
from themeclass.learning.dataset import load_labelled, theme_matrix
from themeclass.learning.train import fit_model
from themeclass.model.format import load
from themeclass.model.predictor import (SENTIMENT_KEYS, THEME_KEYS, ThemeModel, pair_thresholds, reweight, signed_score,
                                        weakness_call)


def test_each_theme_gets_its_own_sentiment_and_evidence(tiny_model_loaded):
    text = "Strategy discussions are timely and well attended by partners. Pathway plans are not always updated."
    found = tiny_model_loaded.predict([text])[0]
    assert set(found) == {"risk_response", "care_leavers"}
    assert found["risk_response"].sentiment == "positive"
    assert found["care_leavers"].sentiment == "negative"
    assert found["care_leavers"].evidence == ["Pathway plans are not always updated."]
    assert -1 <= found["care_leavers"].score < 0 < found["risk_response"].score <= 1
    assert found["care_leavers"].confidence >= tiny_model_loaded.thresholds["care_leavers"]


def test_items_under_what_needs_to_improve_are_weaknesses(tiny_model_loaded):
    text = "Supervision is regular and reflective."
    assert tiny_model_loaded.predict([text])[0]["supervision"].sentiment == "positive"
    found = tiny_model_loaded.predict([text], ["What needs to improve?"])[0]
    assert (found["supervision"].sentiment, found["supervision"].score) == ("negative", -1.0)


def test_recurrence_flag_needs_a_weakness_and_a_cue(tiny_model_loaded):
    model = tiny_model_loaded
    assert model.predict(["Since the last inspection, pathway plans are still not always updated."])[0]["care_leavers"].recurring
    assert not model.predict(["Pathway plans are not always updated."])[0]["care_leavers"].recurring
    assert not model.predict(["Since the last inspection, care leavers are well supported."])[0]["care_leavers"].recurring


def test_empty_text_has_no_themes_and_long_text_is_handled(tiny_model_loaded):
    long = "Supervision is regular and reflective. " * 2600  # ~100 kB
    empty, blank, big = tiny_model_loaded.predict(["", "   \n", long])
    assert empty == {} and blank == {}
    assert "supervision" in big


def test_one_section_per_text_or_none(tiny_model_loaded):
    with pytest.raises(ValueError, match="2 texts but 1 sections"):
        tiny_model_loaded.predict(["a", "b"], ["What needs to improve?"])


def test_finish_is_applied_to_each_result_with_its_index(tiny_model_loaded):
    out = tiny_model_loaded.predict(["Supervision is regular.", ""], finish=lambda i, found: (i, sorted(found)))
    assert out == [(0, ["supervision"]), (1, [])]


def test_saved_arrays_predict_exactly_like_the_estimator(tiny_labelled, tmp_path):
    records = load_labelled([tiny_labelled])
    clf = ThemeClassifier(random_state=0).fit([r.text for r in records], theme_matrix(records))
    model = fit_model(records, seed=0, n_jobs=1)
    texts = ["Supervision is not regular.", "Adoption happens without delay for most children."]
    assert np.allclose(model.theme_proba(model.prepare(texts)), clf.predict_proba(texts))


def test_the_model_holds_only_arrays_and_says_what_is_missing(tiny_model_loaded):
    params = tiny_model_loaded.params
    assert set(THEME_KEYS) <= set(params.theme) and set(SENTIMENT_KEYS) <= set(params.sentiment)
    theme = {k: v for k, v in params.theme.items() if k != "section_idf"}
    with pytest.raises(ValueError, match="model parameters lack theme section_idf"):
        ThemeModel(replace(params, theme=theme))


def test_thresholds_and_follow_come_from_the_arrays(tiny_model_loaded):
    assert list(tiny_model_loaded.thresholds) == list(THEMES)
    assert list(tiny_model_loaded.thresholds.values()) == tiny_model_loaded.theme["thresholds"].tolist()
    assert tiny_model_loaded.follow == int(tiny_model_loaded.sentiment["follow"]) == 1
    assert set(tiny_model_loaded.sentiment_classes) <= set(LABELS)


def test_results_serialise_to_json(tiny_model_loaded):
    found = tiny_model_loaded.predict(["Pathway plans are not always updated."])[0]
    row = json.loads(json.dumps({t: r.to_dict() for t, r in found.items()}))
    assert row["care_leavers"]["sentiment"] == "negative"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_predict_never_raises_on_any_string(tiny_model_loaded, text):
    found = tiny_model_loaded.predict([text])[0]
    for result in found.values():
        assert -1 <= result.score <= 1 and result.sentiment in LABELS


def test_a_graded_section_heading_moves_the_sentiment_of_what_sits_under_it():
    # Inspectors write under "…: inadequate" in that grade's voice: the same words weigh differently.
    model = load()
    text = "Managers review children's plans and supervision takes place regularly."
    under = {grade: model.predict([text], [f"The experiences and progress of children in care: {grade}"])[0]["supervision"]
             for grade in ("inadequate", "outstanding")}
    assert under["inadequate"].score < under["outstanding"].score
    assert under["outstanding"].sentiment == "positive"


# -- the decision rules ---------------------------------------------------------------------

CLASSES = ["mixed", "negative", "neutral", "positive"]


def test_an_uncertain_theme_needs_clearer_criticism_to_count_as_a_weakness():
    # P(weakness) 0.55: a weakness when the theme is sure (0.55 x 0.9 >= 0.4), not when it is a guess (x 0.5).
    proba = np.array([[0.25, 0.30, 0.05, 0.40]] * 2)
    thresholds = pair_thresholds([0.9, 0.5], joint=0.4, fallback=0.5)
    assert thresholds == pytest.approx([0.4 / 0.9, 0.8])
    assert weakness_call(proba, CLASSES, thresholds) == ["negative", "positive"]
    assert list(pair_thresholds([0.9, 0.5], joint=None, fallback=0.35)) == [0.35, 0.35]  # models before the joint threshold


def test_reweight_moves_the_weakness_decision_to_the_threshold():
    proba = np.array([[0.2, 0.2, 0.1, 0.5]])  # P(weakness) = 0.4
    for threshold, weak in ((0.35, True), (0.45, False)):
        q = reweight(proba, CLASSES, threshold)
        assert np.allclose(q.sum(axis=1), 1)
        assert (q[0, :2].sum() >= 0.5) == weak
    assert np.allclose(reweight(proba, CLASSES, 0.5), proba)  # at one half nothing moves
    assert reweight(np.zeros((0, 4)), CLASSES, 0.5).shape == (0, 4)


def test_weakness_call_picks_the_likelier_label_on_the_side_it_decided():
    proba = np.array([[0.3, 0.15, 0.45, 0.1], [0.1, 0.1, 0.2, 0.6]])  # P(weakness): 0.45, 0.2
    assert weakness_call(proba, CLASSES, 0.5) == ["neutral", "positive"]  # neither reaches 0.5
    assert weakness_call(proba, CLASSES, 0.4) == ["mixed", "positive"]  # row 0 does: mixed (0.3) over negative (0.15)
    assert weakness_call(proba, CLASSES, [0.4, 0.15]) == ["mixed", "mixed"]  # one threshold per row


def test_signed_score_agrees_with_the_label():
    row = np.array([0.1, 0.6, 0.1, 0.2])
    assert signed_score(row, CLASSES, "negative") == -0.6
    assert signed_score(row, CLASSES, "positive") == 0.2
    assert signed_score(row, CLASSES, "mixed") == pytest.approx(0.2 - 0.6)
    assert signed_score(np.array([0.3, 0.7]), ["negative", "positive"], "neutral") == pytest.approx(0.4)
