"""A report's judgement of each theme, from its units' results.

Every unit a model tags gives a theme a sentiment, a signed score and a
confidence (:class:`~themeclass.evidence.ThemeResult`). A report's judgement of a
theme weighs those units:

* each unit's **value** is its signed score (−P(negative) for a weakness,
  +P(positive) for a strength, near 0 for neutral); a ``mixed`` unit counts half
  a weakness (its score minus 0.5);
* its **weight** is the confidence that the theme is there, times
  ``improvement_weight`` for an item under "What needs to improve?" (outstanding
  reports have such items too: an improvement point alone must not make a
  weakness);
* the **score** is the weighted mean of the values, shrunk towards the report's
  overall tone (the weighted mean over every theme it mentions) by
  ``prior_units`` pseudo-units: a theme a report mentions once leans on how the
  report reads as a whole; a theme it discusses at length stands on its own.

The score is cut into an ordered **label**: ``strength``, ``mixed``, ``weakness``,
``serious_weakness``. The weakness cut of each theme is fitted, with the two
weights above, on graded full inspections of authorities whose names begin A–L
(Ofsted's grades for the matching area; see ``benchmarks/grade_validity.py``);
authorities M–Z are held out to report how well it works. ``mixed`` is the band
just above the weakness cut where one in five or more of the fit half's reports
was still graded requires improvement or worse: a report scored there is not
called a weakness, and in a trace it neither extends nor breaks a run.

>>> judge = ReportJudge.default()
>>> results = [UnitResult("r#001", "supervision", "negative", -0.9, 0.95),
...            UnitResult("r#002", "supervision", "negative", -0.8, 0.90),
...            UnitResult("r#003", "risk_response", "negative", -0.9, 0.97)]
>>> j = judge.judge(results)["supervision"]
>>> j.label, j.units, j.evidence
('serious_weakness', 2, ('r#001', 'r#002'))
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from .codebook import GRADE_ORDER, THEMES, WEAK_GRADES
from .files import read_jsonl
from .learning.thresholds import best_threshold

#: The judgement labels, from best to worst.
JUDGEMENTS = ("strength", "mixed", "weakness", "serious_weakness")
WEAK_JUDGEMENTS = ("weakness", "serious_weakness")

#: Which of Ofsted's graded areas speaks to each theme (for fitting and validation).
#: Ofsted grades no sufficiency area: the children-in-care grade is its proxy.
GRADED_AREA = {
    "risk_response": "help_and_protection",
    "supervision": "impact_of_leaders",
    "permanence": "children_in_care",
    "care_leavers": "care_leavers",
    "sufficiency": "children_in_care",
}

PARAMS_FILE = "judgement.json"


@dataclass(frozen=True)
class UnitResult:
    """What a judgement reads of one (unit, theme) result."""

    unit: str
    theme: str
    sentiment: str
    score: float
    confidence: float
    recurring: bool = False
    improvement: bool = False  # an item under "What needs to improve?"
    quote: str = ""  # the sentence that carries the unit's judgement of the theme

    @property
    def value(self) -> float:
        """The unit's signed contribution: its score; a mixed unit counts half a weakness."""
        return min(self.score, 0.0) - 0.5 if self.sentiment == "mixed" else self.score

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Judgement:
    """One report's judgement of one theme."""

    theme: str
    label: str  # one of JUDGEMENTS
    score: float  # in [-1, 1]; below the theme's weakness cut is a weakness
    units: int  # how many units about the theme it rests on
    evidence: tuple[str, ...] = ()  # ids of the units that carry it, strongest first
    recurring: tuple[str, ...] = ()  # ids of weakness units that say the weakness recurs

    @property
    def weakness(self) -> bool:
        return self.label in WEAK_JUDGEMENTS

    def to_dict(self) -> dict:
        return {"judgement": self.label, "score": round(self.score, 4), "units": self.units,
                "evidence": list(self.evidence), "recurring": list(self.recurring)}


@dataclass
class ReportJudge:
    """Judge each theme of a report from its units' results (see the module docstring).

    ``fit(reports, grades)`` learns ``improvement_weight`` and ``prior_units`` (by
    cross-validation over authorities) and the cuts (``cuts_``: per theme, the
    scores below which a theme is a serious weakness, a weakness, and at or above
    which it is a strength); ``judge(results)`` applies them.
    """

    improvement_weight: float = 0.5
    prior_units: float = 2.0
    cuts_: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    info_: dict = field(default_factory=dict)

    # -- applying ----------------------------------------------------------------------
    def scores(self, results: Iterable[UnitResult]) -> dict[str, tuple[float, list[tuple[float, UnitResult]]]]:
        """Each theme's score and its weighted units ``(weight, result)``, in unit order."""
        per: dict[str, list[tuple[float, UnitResult]]] = {}
        total = weight_sum = 0.0
        for r in results:
            w = r.confidence * (self.improvement_weight if r.improvement else 1.0)
            per.setdefault(r.theme, []).append((w, r))
            total += w * r.value
            weight_sum += w
        tone = total / weight_sum if weight_sum else 0.0
        out = {}
        for theme, items in per.items():
            num = sum(w * r.value for w, r in items)
            den = sum(w for w, _ in items)
            score = (num + self.prior_units * tone) / (den + self.prior_units) if den + self.prior_units else 0.0
            out[theme] = (max(-1.0, min(1.0, score)), items)
        return out

    def label(self, theme: str, score: float) -> str:
        serious, weak, strong = self.cuts_[theme]
        if score < serious:
            return "serious_weakness"
        if score < weak:
            return "weakness"
        return "strength" if score >= strong else "mixed"

    def judge(self, results: Iterable[UnitResult]) -> dict[str, Judgement]:
        """``{theme: Judgement}`` for every theme the results mention, in :data:`THEMES` order."""
        if not self.cuts_:
            raise ValueError("this ReportJudge is not fitted: use ReportJudge.default() or fit it")
        scored = self.scores(results)
        out = {}
        for theme in THEMES:
            if theme not in scored:
                continue
            score, items = scored[theme]
            label = self.label(theme, score)
            sign = -1.0 if label in WEAK_JUDGEMENTS else 1.0
            if label == "mixed":  # both sides carry it: the strongest of each
                carriers = _strongest(items, -1.0)[:2] + _strongest(items, 1.0)[:2]
            else:
                carriers = _strongest(items, sign)[:5]
            recurring = tuple(r.unit for _, r in _strongest(items, -1.0) if r.recurring)
            out[theme] = Judgement(theme, label, round(score, 6), len(items), tuple(r.unit for _, r in carriers), recurring)
        return out

    # -- fitting -----------------------------------------------------------------------
    def fit(self, reports: Mapping[str, Sequence[UnitResult]], grades: Mapping[str, Mapping[str, str]],
            groups: Mapping[str, str] | None = None, weights: Sequence[float] = (0.25, 0.5, 1.0),
            priors: Sequence[float] = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0), folds: int = 5, mixed_probability: float = 0.2,
            seed: int = 0) -> "ReportJudge":
        """Fit on graded reports: ``reports`` maps a report id to its unit results,
        ``grades`` a report id to ``{area: grade}`` (see :data:`GRADED_AREA`),
        ``groups`` a report id to its authority (folds never split an authority).

        The two weights are chosen from the grids by mean balanced accuracy of the
        weakness call over ``folds`` folds of authorities (ties: the smaller
        prior, then the larger weight); then, on all the reports given, each
        theme's weakness cut maximises balanced accuracy (weakness = the area
        graded requires improvement or inadequate), one serious-weakness margin
        below it (shared by the themes) maximises balanced accuracy of
        inadequate against the other grades, and one strength margin above it
        bounds the ``mixed`` band: the scores above the weakness cut at which a
        logistic fit of the grades still gives at least ``mixed_probability``
        that the area is graded requires improvement or worse."""
        import numpy as np

        ids = sorted(r for r in reports if r in grades)
        groups = groups or {r: r for r in ids}
        names = sorted({groups[r] for r in ids})
        order = np.random.RandomState(seed).permutation(len(names))
        fold_of = {name: int(k) % folds for name, k in zip(names, order)}
        best, table = None, []
        for prior in priors:
            for weight in sorted(weights, reverse=True):
                trial = ReportJudge(weight, prior)
                scored = {r: trial.scores(reports[r]) for r in ids}
                accs = []
                for theme in THEMES:
                    rows = _graded_rows(ids, scored, grades, theme)
                    if not rows:
                        continue
                    s = np.array([x for _, x, _ in rows])
                    y = np.array([g in WEAK_GRADES for _, _, g in rows])
                    f = np.array([fold_of[groups[r]] for r, _, _ in rows])
                    pred = np.zeros(len(rows), dtype=bool)
                    for k in range(folds):
                        if (f != k).any():
                            pred[f == k] = s[f == k] < _best_cut(s[f != k], y[f != k])
                    accs.append(balanced_accuracy(y, pred))
                key = (round(float(np.mean(accs)), 6), -prior, weight)
                table.append({"improvement_weight": weight, "prior_units": prior, "cv_balanced_accuracy": key[0]})
                if best is None or key > best[0]:
                    best = (key, weight, prior)
        _, self.improvement_weight, self.prior_units = best
        scored = {r: self.scores(reports[r]) for r in ids}
        weak_cut, rows_by_theme = {}, {}
        for theme in THEMES:
            rows = _graded_rows(ids, scored, grades, theme)
            rows_by_theme[theme] = rows
            s = np.array([x for _, x, _ in rows])
            weak_cut[theme] = _best_cut(s, np.array([g in WEAK_GRADES for _, _, g in rows])) if rows else 0.0
        rel = [(x - weak_cut[t], g) for t, rows in rows_by_theme.items() for _, x, g in rows]
        rel_s = np.array([x for x, _ in rel])
        serious = min(0.0, _best_cut(rel_s, np.array([g == "inadequate" for _, g in rel])))
        # mixed: not called a weakness, yet scored where at least `mixed_probability` of the
        # fit half's reports were graded requires improvement or worse (a logistic fit of
        # the grade on the score's distance from its theme's weakness cut, over all themes)
        a, b = _logistic(rel_s, np.array([g in WEAK_GRADES for _, g in rel], dtype=float))  # intercept, slope
        strong = 0.0
        if b < 0:
            strong = max(0.0, (np.log(mixed_probability / (1 - mixed_probability)) - a) / b)
        self.cuts_ = {t: (round(weak_cut[t] + serious, 6), round(weak_cut[t], 6), round(weak_cut[t] + strong, 6))
                      for t in THEMES}
        self.info_ = {"reports": len(ids), "authorities": len(names), "folds": folds,
                      "mixed_probability": mixed_probability,
                      "calibration": {"intercept": round(float(a), 6), "slope": round(float(b), 6)},
                      "cross_validation": table}
        return self

    # -- persistence -------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"improvement_weight": self.improvement_weight, "prior_units": self.prior_units,
                "cuts": {t: {"serious_weakness": c[0], "weakness": c[1], "strength": c[2]} for t, c in self.cuts_.items()},
                "fitted_on": self.info_}

    @classmethod
    def from_dict(cls, data: Mapping) -> "ReportJudge":
        cuts = {t: (float(c["serious_weakness"]), float(c["weakness"]), float(c["strength"])) for t, c in data["cuts"].items()}
        missing = set(THEMES) - set(cuts)
        if missing:
            raise ValueError(f"judgement parameters lack cuts for {sorted(missing)}")
        return cls(float(data["improvement_weight"]), float(data["prior_units"]), cuts, dict(data.get("fitted_on", {})))

    @classmethod
    def default(cls) -> "ReportJudge":
        """The parameters shipped with the package (fitted on authorities A–L)."""
        return _default()


@lru_cache(maxsize=1)
def _default() -> ReportJudge:
    path = Path(str(resources.files("themeclass").joinpath("data", PARAMS_FILE)))
    return ReportJudge.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _strongest(items: Sequence[tuple[float, UnitResult]], sign: float) -> list[tuple[float, UnitResult]]:
    """Units pushing the score towards ``sign``, strongest pull first (ties: unit order)."""
    pulling = [(w * r.value * sign, i, (w, r)) for i, (w, r) in enumerate(items) if r.value * sign > 0]
    return [item for _, _, item in sorted(pulling, key=lambda x: (-x[0], x[1]))]


def _graded_rows(ids, scored, grades, theme) -> list[tuple[str, float, str]]:
    area = GRADED_AREA[theme]
    return [(r, scored[r][theme][0], grades[r][area]) for r in ids
            if theme in scored[r] and grades[r].get(area) in GRADE_ORDER]


def _logistic(x, y) -> tuple[float, float]:
    """Intercept and slope of a one-variable logistic regression (Newton's method)."""
    import numpy as np

    a, b = 0.0, 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-(a + b * x)))
        w = p * (1 - p) + 1e-9
        gradient = np.array([np.sum(y - p), np.sum((y - p) * x)])
        hessian = np.array([[w.sum(), (w * x).sum()], [(w * x).sum(), (w * x * x).sum()]])
        step = np.linalg.solve(hessian, gradient)
        a, b = a + step[0], b + step[1]
        if np.abs(step).max() < 1e-10:
            break
    return float(a), float(b)


def balanced_accuracy(y, pred) -> float:
    """Mean of sensitivity and specificity (0.5 for a constant call)."""
    import numpy as np

    y, pred = np.asarray(y, dtype=bool), np.asarray(pred, dtype=bool)
    sens = (pred & y).sum() / y.sum() if y.any() else 0.0
    spec = (~pred & ~y).sum() / (~y).sum() if (~y).any() else 0.0
    return float((sens + spec) / 2)


def _best_cut(scores, weak) -> float:
    """The cut c (a score is called weak when below c) that maximises balanced
    accuracy, by the library's one tuner (ties: the middle of the best cuts); a
    cut sits halfway between neighbouring scores."""
    import numpy as np

    s = np.unique(scores)
    if len(s) == 0:
        return 0.0
    cuts = np.concatenate([[s[0] - 1e-6], (s[:-1] + s[1:]) / 2, [s[-1] + 1e-6]])
    return best_threshold(cuts, lambda c: balanced_accuracy(weak, scores < c))


# -- quoting: the sentence that carries a unit's weakness --------------------------------

@lru_cache(maxsize=1)
def _cue_patterns() -> dict[str, re.Pattern]:
    """The keyword rules' negative hedges and recurrence cues as regular expressions
    (read from the same ``patterns.jsonl``, without loading spaCy)."""
    path = Path(str(resources.files("themeclass").joinpath("data", "patterns.jsonl")))
    phrases: dict[str, list[str]] = {"negative": [], "recurring": []}
    for _, p in read_jsonl(path, "patterns"):
        if (p["kind"], p["label"]) in (("hedge", "negative"), ("recurrence", "recurring")):
            phrases[p["label"]].append(re.escape(p["pattern"]).replace(r"\ ", r"\s+"))
    return {k: re.compile(r"(?<!\w)(" + "|".join(sorted(v, key=len, reverse=True)) + r")(?!\w)", re.I)
            for k, v in phrases.items()}


def carrying_sentence(sentences: Sequence[str], recurring: bool = False) -> str:
    """Of a unit's evidence sentences, the one that carries its weakness: the
    first with a negative hedge (and, for a unit flagged ``recurring``, a
    recurrence cue too, if one has both), else the first with a recurrence cue
    (when ``recurring``), else the first."""
    if not sentences:
        return ""
    cues = _cue_patterns()
    negative = [s for s in sentences if cues["negative"].search(s)]
    if recurring:
        both = [s for s in negative if cues["recurring"].search(s)]
        if both:
            return both[0]
    if negative:
        return negative[0]
    if recurring:
        for s in sentences:
            if cues["recurring"].search(s):
                return s
    return sentences[0]
