"""Scores of a model, and of a keyword-only baseline, on labelled units.

* per theme: precision, recall, F1 of finding the theme; macro-F1 over the five;
* sentiment accuracy: over the (unit, theme) pairs both labelled and found, how
  often the predicted sentiment equals the label;
* weakness-F1: a weakness is a (unit, theme) pair labelled ``negative`` or
  ``mixed``; F1 of the predicted weaknesses against the labelled ones;
* recurrence-F1: the same for pairs flagged ``recurring``.

:func:`evaluate` scores a model (and the keyword baseline) on the evaluation
split of labelled files; :func:`compare` scores two models on the same units and
puts a bootstrap interval over reports on each difference, so that a change
within noise is said to be one. A model is never scored on units of reports it
was trained on: its saved metadata lists them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..codebook import SCORES, THEMES, WEAKNESS, improvement_section
from ..errors import ThemeclassError
from ..model.format import load
from ..model.predictor import ThemeModel
from ..nlp.evidence import cue_sentences
from ..nlp.features import Preparer
from ..report import ThemeResult
from .dataset import Labelled, load_labelled, split_of


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": n_gold}


def score(records: Sequence[Labelled], predictions: Sequence[dict[str, ThemeResult]]) -> dict:
    """All the figures, for predictions aligned with the labelled records."""
    per_theme = {}
    for theme in THEMES:
        gold = {r.id for r in records if theme in r.themes}
        pred = {r.id for r, p in zip(records, predictions) if theme in p}
        per_theme[theme] = _prf(len(gold & pred), len(pred), len(gold))
    both = [(r.themes[t], p[t].sentiment) for r, p in zip(records, predictions) for t in r.themes if t in p]
    gold_weak = {(r.id, t) for r in records for t, s in r.themes.items() if s in WEAKNESS}
    pred_weak = {(r.id, t) for r, p in zip(records, predictions) for t, res in p.items() if res.sentiment in WEAKNESS}
    gold_rec = {(r.id, t) for r in records for t in r.recurring}
    pred_rec = {(r.id, t) for r, p in zip(records, predictions) for t, res in p.items() if res.recurring}
    return {
        "units": len(records),
        "themes": per_theme,
        "macro_f1": round(sum(v["f1"] for v in per_theme.values()) / len(THEMES), 4),
        "sentiment_accuracy": round(sum(g == p for g, p in both) / len(both), 4) if both else 0.0,
        "sentiment_pairs": len(both),
        "weakness": _prf(len(gold_weak & pred_weak), len(pred_weak), len(gold_weak)),
        "recurrence": _prf(len(gold_rec & pred_rec), len(pred_rec), len(gold_rec)),
    }


class KeywordBaseline(Preparer):
    """What a researcher would do by hand: a theme when a cue phrase appears; its
    sentiment from the hedges in the cue's sentences (negative hedges only:
    negative; positive only: positive; both: mixed; none: neutral); every theme
    under "What needs to improve?" negative; recurring when a recurrence cue is there."""

    def __init__(self, patterns: list[dict] | None = None, spacy_model: str | None = None) -> None:
        self.patterns = patterns
        self.spacy_model = spacy_model

    def predict(self, texts: Sequence[str], sections: Sequence[str | None] | None = None) -> list[dict[str, ThemeResult]]:
        sections = list(sections) if sections is not None else [None] * len(texts)
        out = []
        for unit, section in zip(self.prepare(texts), sections):
            found = {}
            for theme in THEMES:
                if not any(label == f"theme:{theme}" for label, _, _ in unit.matches):
                    continue
                sents = cue_sentences(unit, theme)
                inside = {label for label, s, _ in unit.matches if any(a <= s < b for a, b in sents)}
                neg, pos = "hedge:negative" in inside, "hedge:positive" in inside
                label = "negative" if improvement_section(section) else {(True, True): "mixed", (True, False): "negative", (False, True): "positive"}.get((neg, pos), "neutral")
                recurring = label in WEAKNESS and "recurrence:recurring" in inside
                found[theme] = ThemeResult(theme, label, SCORES[label], 1.0, recurring, [unit.text_of(a, b) for a, b in sents])
            out.append(found)
        return out


# -- the workflows of ``themeclass evaluate`` and ``themeclass compare`` --------------------------

def units_to_score(files: Sequence[str | os.PathLike[str]], split: str = "eval") -> list[Labelled]:
    """The labelled units of one split (``"eval"``, ``"train"`` or ``"all"``) of ``files``."""
    records = load_labelled(files)
    chosen = records if split == "all" else [r for r in records if split_of(r) == split]
    if not chosen:
        raise ThemeclassError(f"no labelled units in the {split!r} split", ", ".join(map(str, files)))
    return chosen


def refuse_training_units(model: ThemeModel, records: Sequence[Labelled], name: str) -> None:
    """A model must not be scored on units of reports it was trained on."""
    trained = set(model.info.get("report_ids") or ())
    overlap = sorted({r.report for r in records} & trained)
    if overlap:
        raise ThemeclassError(f"this model was trained on {len(overlap)} of the reports to be scored "
                              f"({', '.join(overlap[:3])}{' ...' if len(overlap) > 3 else ''}); "
                              "score it on held-out reports only", name)


def _model(model: ThemeModel | str | os.PathLike[str] | None) -> tuple[ThemeModel, str]:
    if isinstance(model, ThemeModel):
        return model, "the model"
    return load(model), "the default model" if model is None else os.fspath(model)


@dataclass
class Evaluation:
    """:func:`evaluate`'s figures: the model's and the keyword baseline's, on the same units."""

    units: int
    reports: list[str]
    model: dict
    keyword_baseline: dict


def evaluate(files: Sequence[str | os.PathLike[str]], model: ThemeModel | str | os.PathLike[str] | None = None,
             split: str = "eval") -> Evaluation:
    """Score ``model`` (a loaded model, a path, or None for the default) and the
    keyword baseline on one split of labelled files."""
    records = units_to_score(files, split)
    model, name = _model(model)
    refuse_training_units(model, records, name)
    texts, sections = [r.text for r in records], [r.section for r in records]
    baseline = KeywordBaseline(spacy_model=model.spacy_model)
    return Evaluation(len(records), sorted({r.report for r in records}), score(records, model.predict(texts, sections)),
                      score(records, baseline.predict(texts, sections)))


#: The figures :func:`compare` puts an interval on.
COMPARED = (*[f"{t} F1" for t in THEMES], "macro-F1", "weakness-F1", "sentiment accuracy")


@dataclass
class Comparison:
    """Two models on the same units: each figure, the change, and a 95% bootstrap
    interval of the change over resampled reports (``noise``: the interval holds 0)."""

    units: int
    reports: list[str]
    rows: list[dict] = field(default_factory=list)  # name, old, new, change, low, high, noise
    resamples: int = 0


def _counts(records: Sequence[Labelled], predictions: Sequence[dict[str, ThemeResult]]) -> tuple[list[str], np.ndarray]:
    """Per report, the counts every compared figure is made of: for each theme (tp,
    predicted, gold), then weakness (tp, predicted, gold), then sentiment (agree, pairs)."""
    reports = sorted({r.report for r in records})
    row = {rep: i for i, rep in enumerate(reports)}
    counts = np.zeros((len(reports), 3 * len(THEMES) + 5))
    for r, p in zip(records, predictions):
        c = counts[row[r.report]]
        for j, t in enumerate(THEMES):
            c[3 * j] += t in r.themes and t in p
            c[3 * j + 1] += t in p
            c[3 * j + 2] += t in r.themes
        gold = {t for t, s in r.themes.items() if s in WEAKNESS}
        pred = {t for t, res in p.items() if res.sentiment in WEAKNESS}
        w = 3 * len(THEMES)
        c[w] += len(gold & pred)
        c[w + 1] += len(pred)
        c[w + 2] += len(gold)
        both = [t for t in r.themes if t in p]
        c[w + 3] += sum(r.themes[t] == p[t].sentiment for t in both)
        c[w + 4] += len(both)
    return reports, counts


def _figures(counts: np.ndarray) -> np.ndarray:
    """The :data:`COMPARED` figures from summed counts (rows: resamples)."""
    counts = np.atleast_2d(counts)

    def f1_of(tp, pred, gold):
        denominator = pred + gold
        return np.divide(2 * tp, denominator, out=np.zeros_like(tp, dtype=float), where=denominator > 0)

    themes = [f1_of(counts[:, 3 * j], counts[:, 3 * j + 1], counts[:, 3 * j + 2]) for j in range(len(THEMES))]
    w = 3 * len(THEMES)
    weakness = f1_of(counts[:, w], counts[:, w + 1], counts[:, w + 2])
    accuracy = np.divide(counts[:, w + 3], counts[:, w + 4], out=np.zeros(len(counts)), where=counts[:, w + 4] > 0)
    return np.column_stack([*themes, np.mean(themes, axis=0), weakness, accuracy])


def compare(old: ThemeModel | str | os.PathLike[str], new: ThemeModel | str | os.PathLike[str],
            files: Sequence[str | os.PathLike[str]], resamples: int = 1000, seed: int = 0) -> Comparison:
    """Score two models on the evaluation split of ``files``, with a paired
    bootstrap over reports: ``resamples`` draws of the reports with replacement,
    both models scored on each draw; the 2.5th and 97.5th percentiles of the
    change are its 95% interval."""
    records = units_to_score(files, "eval")
    texts, sections = [r.text for r in records], [r.section for r in records]
    per_model = []
    for m in (old, new):
        model, name = _model(m)
        refuse_training_units(model, records, name)
        per_model.append(_counts(records, model.predict(texts, sections)))
    reports, old_counts = per_model[0]
    _, new_counts = per_model[1]
    a, b = _figures(old_counts.sum(axis=0))[0], _figures(new_counts.sum(axis=0))[0]
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(reports), np.full(len(reports), 1 / len(reports)), size=resamples)
    changes = _figures(weights @ new_counts) - _figures(weights @ old_counts)
    low, high = np.percentile(changes, [2.5, 97.5], axis=0)
    rows = [{"name": name, "old": float(a[k]), "new": float(b[k]), "change": float(b[k] - a[k]),
             "low": float(low[k]), "high": float(high[k]), "noise": bool(low[k] <= 0 <= high[k])}
            for k, name in enumerate(COMPARED)]
    return Comparison(len(records), reports, rows, resamples)
