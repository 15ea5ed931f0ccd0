"""Choosing a decision threshold: one tuner, one tie rule.

Every threshold themeclass learns (each theme's presence, the sentiment model's
weakness call, the joint P(theme) x P(weakness) call) is the point of a fixed grid
where an F1 score, computed on out-of-fold probabilities of the training data,
is highest. Scores are rounded to six decimals first, so a choice never hangs on
last-digit float noise; among equal best scores the **middle** one is taken
(the lowest would sit at the edge of a plateau, fragile on small data).

>>> best_threshold([0.1, 0.2, 0.3, 0.4], lambda t: {0.1: 0.5, 0.2: 0.8, 0.3: 0.8, 0.4: 0.8}[t])
0.3
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:  # numpy is imported when a threshold is chosen: reading a trace needs none
    import numpy as np


def grid(start: float, stop: float, step: float) -> "np.ndarray":
    """An inclusive grid of thresholds, rounded so that 0.1 + 0.05 k compares exactly."""
    import numpy as np

    return np.round(np.arange(start, stop + step / 2, step), 3)


def best_threshold(thresholds: Sequence[float], score: Callable[[float], float]) -> float:
    """The threshold of ``thresholds`` with the highest ``score(t)``; ties: the middle one."""
    import numpy as np

    scores = np.round([score(t) for t in thresholds], 6)
    best = np.flatnonzero(scores == scores.max())
    return float(thresholds[best[len(best) // 2]])


def f1(gold: "np.ndarray", predicted: "np.ndarray") -> float:
    """F1 of a boolean prediction (0 when nothing is predicted or gold)."""
    import numpy as np

    gold, predicted = np.asarray(gold, dtype=bool), np.asarray(predicted, dtype=bool)
    tp = int((gold & predicted).sum())
    denominator = int(gold.sum()) + int(predicted.sum())
    return 2 * tp / denominator if denominator else 0.0
