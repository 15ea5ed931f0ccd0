"""A report's judgement of each theme, from its units' results."""

import json

import pytest

from themeclass.judge import (JUDGEMENTS, ReportJudge, UnitResult, balanced_accuracy, carrying_sentence)

JUDGE = ReportJudge(improvement_weight=0.5, prior_units=2.0,
                    cuts_={t: (-0.3, 0.0, 0.1) for t in ("risk_response", "supervision", "permanence", "care_leavers", "sufficiency")})


def unit(i, theme, sentiment, score, confidence=0.9, improvement=False, recurring=False):
    return UnitResult(f"r#{i:03d}", theme, sentiment, score, confidence, recurring, improvement, f"sentence {i}")


def test_the_score_is_a_weighted_mean_shrunk_towards_the_report_tone():
    results = [unit(0, "supervision", "negative", -1.0), unit(1, "supervision", "negative", -1.0),
               unit(2, "risk_response", "positive", 1.0)]
    scores = JUDGE.scores(results)
    # supervision: (2 x 0.9 x -1 + 2 x tone) / (1.8 + 2); tone = (-1.8 + 0.9) / 2.7
    tone = -0.9 / 2.7
    assert scores["supervision"][0] == pytest.approx((-1.8 + 2 * tone) / 3.8)
    assert scores["risk_response"][0] == pytest.approx((0.9 + 2 * tone) / 2.9)


def test_labels_follow_the_cuts_in_order():
    assert [JUDGE.label("permanence", s) for s in (-0.5, -0.1, 0.05, 0.5)] == list(reversed(JUDGEMENTS))


def test_an_improvement_point_alone_does_not_make_a_weakness():
    """Outstanding reports have "What needs to improve?" items too."""
    results = [unit(i, "risk_response", "positive", 0.95) for i in range(8)]
    results.append(unit(8, "risk_response", "negative", -1.0, improvement=True))
    judged = JUDGE.judge(results)["risk_response"]
    assert judged.label == "strength" and not judged.weakness
    assert judged.units == 9


def test_a_weakness_names_the_units_that_carry_it_strongest_first():
    results = [unit(0, "care_leavers", "positive", 0.6), unit(1, "care_leavers", "negative", -0.7),
               unit(2, "care_leavers", "negative", -0.99), unit(3, "care_leavers", "mixed", -0.1, recurring=True)]
    judged = JUDGE.judge(results)["care_leavers"]
    assert judged.weakness
    assert judged.evidence == ("r#002", "r#001", "r#003")  # -0.99, -0.7, mixed -0.6; never the strength
    assert judged.recurring == ("r#003",)


def test_mixed_rests_on_both_sides():
    results = [unit(0, "permanence", "positive", 0.55), unit(1, "permanence", "negative", -0.5)]
    judged = ReportJudge(1.0, 0.0, JUDGE.cuts_).judge(results)["permanence"]
    assert judged.label == "mixed" and set(judged.evidence) == {"r#000", "r#001"}


def test_themes_a_report_is_silent_on_get_no_judgement():
    assert set(JUDGE.judge([unit(0, "sufficiency", "negative", -0.9)])) == {"sufficiency"}
    assert JUDGE.judge([]) == {}


def test_an_unfitted_judge_says_so():
    with pytest.raises(ValueError, match="not fitted"):
        ReportJudge().judge([unit(0, "sufficiency", "negative", -0.9)])


def test_fit_finds_the_cut_that_separates_graded_reports():
    """Reports of a made-up grade table: the weak ones are mostly negative."""
    reports, grades, groups = {}, {}, {}
    for k in range(40):
        weak = k % 2 == 0
        sentiment, score = ("negative", -0.8) if weak else ("positive", 0.8)
        rid = f"r{k}"
        reports[rid] = [UnitResult(f"{rid}#{i:03d}", t, sentiment, score, 0.9)
                        for i, t in enumerate(["risk_response", "supervision", "permanence", "care_leavers", "sufficiency"] * 2)]
        grade = "inadequate" if k % 4 == 0 else "requires_improvement" if weak else "good"
        grades[rid] = {a: grade for a in ("help_and_protection", "impact_of_leaders", "children_in_care", "care_leavers")}
        groups[rid] = f"authority {k // 2}"
    judge = ReportJudge().fit(reports, grades, groups=groups)
    for theme, (serious, weak, strong) in judge.cuts_.items():
        assert -0.8 < weak < 0.8 and serious <= weak <= strong
    called = {r: judge.judge(reports[r])["supervision"].weakness for r in reports}
    assert all(called[r] == (grades[r]["impact_of_leaders"] != "good") for r in reports)
    assert judge.info_["reports"] == 40 and judge.info_["cross_validation"]


def test_parameters_round_trip_through_json():
    again = ReportJudge.from_dict(json.loads(json.dumps(JUDGE.to_dict())))
    assert again == JUDGE


def test_the_shipped_parameters_were_fitted_on_authorities_a_to_l():
    judge = ReportJudge.default()
    assert set(judge.cuts_) == {"risk_response", "supervision", "permanence", "care_leavers", "sufficiency"}
    assert "A-L" in judge.info_["half"] and judge.info_["reports"] > 100
    for serious, weak, strong in judge.cuts_.values():
        assert serious <= weak <= strong


def test_the_quoted_sentence_is_the_one_that_carries_the_weakness():
    sentences = ["Personal advisers know care leavers well.", "However, pathway plans are not always updated."]
    assert carrying_sentence(sentences) == sentences[1]
    recurring = ["Since the last inspection, staffing has stabilised.", "Plans are still not always updated."]
    assert carrying_sentence(recurring, recurring=True) == recurring[1]  # the hedge and the cue together
    assert carrying_sentence(["Plain text."]) == "Plain text."


def test_balanced_accuracy():
    assert balanced_accuracy([True, True, False, False], [True, False, False, False]) == 0.75
    assert balanced_accuracy([True, False], [True, True]) == 0.5
