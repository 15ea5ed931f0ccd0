"""One threshold tuner (themeclass.learning.thresholds): a grid, a score, one tie rule."""

import numpy as np
import pytest

from themeclass.learning.thresholds import best_threshold, f1, grid


def test_grid_includes_its_end_and_compares_exactly():
    thresholds = grid(0.1, 0.9, 0.05)
    assert len(thresholds) == 17
    assert thresholds[0] == 0.1 and thresholds[-1] == 0.9
    assert 0.35 in thresholds and 0.9 in thresholds  # written as decimals, they compare exactly
    assert 0.35 not in np.arange(0.1, 0.9 + 0.025, 0.05)  # numpy's own steps drift: 0.3500000000000001


def test_the_best_score_wins():
    assert best_threshold([0.2, 0.4, 0.6], lambda t: {0.2: 0.1, 0.4: 0.9, 0.6: 0.5}[t]) == 0.4


def test_among_equal_best_scores_the_middle_one_is_taken():
    plateau = {0.1: 0.2, 0.2: 0.7, 0.3: 0.7, 0.4: 0.7, 0.5: 0.7, 0.6: 0.7, 0.7: 0.1}
    assert best_threshold(list(plateau), plateau.get) == 0.4
    # an even number of ties: the upper of the two middle ones
    assert best_threshold([0.1, 0.2, 0.3, 0.4], lambda t: 0.5) == 0.3


def test_scores_that_differ_only_in_float_noise_count_as_ties():
    scores = {0.1: 0.8, 0.2: 0.8 + 1e-12, 0.3: 0.8 - 1e-12}
    assert best_threshold([0.1, 0.2, 0.3], scores.get) == 0.2  # the middle, not the noisy maximum
    # a real difference (in the sixth decimal) still decides
    assert best_threshold([0.1, 0.2, 0.3], {0.1: 0.8, 0.2: 0.8, 0.3: 0.800002}.get) == 0.3


def test_best_threshold_returns_a_plain_float():
    assert type(best_threshold(grid(0.2, 0.8, 0.05), lambda t: -abs(t - 0.5))) is float


def test_f1_of_boolean_predictions():
    gold = np.array([1, 1, 0, 0, 1], dtype=bool)
    predicted = np.array([1, 0, 1, 0, 1], dtype=bool)
    assert f1(gold, predicted) == pytest.approx(2 * 2 / (3 + 3))
    assert f1(gold, gold) == 1.0


def test_f1_is_zero_when_nothing_is_predicted_or_gold():
    assert f1(np.zeros(4), np.zeros(4)) == 0.0
    assert f1(np.ones(3), np.zeros(3)) == 0.0
