"""Training a model: the two estimators fitted together, and the whole workflow
(labelled files in, a scored and saved model out) that ``themeclass train`` runs.

>>> from themeclass.learning.dataset import Labelled
>>> records = [Labelled(f"r{i % 6}#{i:03d}", text, themes) for i, (text, themes) in enumerate([
...     ("Supervision is regular and reflective.", {"supervision": "positive"}),
...     ("Management oversight is not always evident.", {"supervision": "negative"}),
...     ("Pathway plans are up to date.", {"care_leavers": "positive"}),
...     ("Leaders have a clear vision.", {})] * 6)]
>>> model = fit_model(records, n_jobs=1)
>>> sorted(model.predict(["Supervision is not always regular."])[0])
['supervision']
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from ..codebook import THEMES, WEAKNESS, improvement_section
from ..errors import ThemeclassError
from ..model.format import save, writable_paths
from ..model.predictor import ModelParams, ThemeModel
from ..nlp.rules import load_patterns
from .classify import ThemeClassifier
from .dataset import Labelled, by_split, checksum, load_labelled, theme_matrix
from .evaluate import KeywordBaseline, score
from .sentiment import ThemeSentiment
from .thresholds import best_threshold, f1, grid

_JOINT_GRID = grid(0.1, 0.7, 0.025)


#: The steps of training, as ``progress`` callbacks name them.
STEPS = ("tokenising", "theme classifier", "sentiment model", "joint threshold", "scoring the evaluation split", "saving")


def fit_model(records: Sequence[Labelled], seed: int = 0, patterns: list[dict] | None = None,
              spacy_model: str | None = None, n_jobs: int | None = -1,
              progress: Callable[[str], None] | None = None) -> ThemeModel:
    """Fit the theme classifier and the sentiment model on labelled units (all of
    them: split first) and return the model they make. ``progress(step)`` is
    called as each of the first four :data:`STEPS` starts."""
    step = progress or (lambda name: None)
    patterns = load_patterns() if patterns is None else patterns
    classifier = ThemeClassifier(random_state=seed, n_jobs=n_jobs, patterns=patterns, spacy_model=spacy_model)
    step(STEPS[0])
    units = classifier.prepare([r.text for r in records])  # tokenised once, for both estimators
    reports = [r.report for r in records]  # thresholds are tuned on folds of whole reports
    step(STEPS[1])
    classifier.fit(list(zip(units, [r.section for r in records])), theme_matrix(records), groups=reports)
    items = [(u, theme, r.section) for u, r in zip(units, records) for theme in r.themes]
    labels = [label for r in records for label in r.themes.values()]
    step(STEPS[2])
    sentiment = ThemeSentiment(random_state=seed, n_jobs=n_jobs, patterns=patterns, spacy_model=spacy_model).fit(
        items, labels, groups=[r.report for r in records for _ in r.themes])
    sentiment_params = sentiment.linear_params()
    step(STEPS[3])
    joint = joint_threshold(records, units, classifier, sentiment)
    sentiment_params["joint_threshold"] = np.array(float("nan") if joint is None else joint)
    info = {"units": len(records), "reports": len(set(reports)), "report_ids": sorted(set(reports)),
            "checksum": checksum(records), "seed": seed}
    return ThemeModel(ModelParams(classifier.linear_params(), sentiment_params, patterns, spacy_model, info))


def joint_threshold(records: Sequence[Labelled], units: Sequence, classifier: ThemeClassifier,
                    sentiment: ThemeSentiment) -> float | None:
    """The P(theme) x P(weakness) threshold that maximises weakness-F1 on the
    training data, from the two estimators' out-of-fold probabilities.

    Weakness-F1 counts (unit, theme) pairs, so a weakness can be missed or made
    up by the theme classifier as well as by the sentiment model; tuning the two
    thresholds apart ignores that. Found pairs nobody labelled (the theme is not
    there) get P(weakness) from the fitted sentiment model, which never saw them.
    ``None`` when the estimators were fitted without cross-validation."""
    if classifier.oof_proba_ is None or sentiment.oof_proba_ is None:
        return None
    classes = [str(c) for c in sentiment.classes_]
    weak_cols = [k for k, c in enumerate(classes) if c in WEAKNESS]
    oof_weak = sentiment.oof_proba_[:, weak_cols].sum(axis=1)
    p_weak, k = {}, 0
    for i, r in enumerate(records):  # the sentiment items were built in this order
        for theme in r.themes:
            p_weak[(i, theme)] = oof_weak[k]
            k += 1
    found = [(i, THEMES[j]) for i, j in zip(*np.nonzero(classifier.oof_proba_ >= classifier.thresholds_))]
    unlabelled = [pair for pair in found if pair not in p_weak]
    if unlabelled:
        proba = sentiment.predict_proba([(units[i], t, records[i].section) for i, t in unlabelled])
        p_weak.update(zip(unlabelled, proba[:, weak_cols].sum(axis=1)))
    gold = {(i, t) for i, r in enumerate(records) for t, s in r.themes.items() if s in WEAKNESS}
    if not gold:
        return float(_JOINT_GRID[len(_JOINT_GRID) // 2])
    forced = np.array([improvement_section(records[i].section) for i, _ in found], dtype=bool)
    joint = np.array([classifier.oof_proba_[i, THEMES.index(t)] * p_weak[(i, t)] for i, t in found])
    is_gold = np.array([pair in gold for pair in found], dtype=bool)
    # F1 over all labelled weaknesses: the gold ones never found count as misses
    missed = len(gold) - int(is_gold.sum())
    return best_threshold(_JOINT_GRID, lambda tau: f1(np.concatenate([is_gold, np.ones(missed, bool)]),
                                                      np.concatenate([forced | (joint >= tau), np.zeros(missed, bool)])))


@dataclass
class TrainResult:
    """What :func:`train` did: the model, its scores on the evaluation split, where it was saved."""

    model: ThemeModel
    training_units: int
    training_reports: int
    evaluation_reports: list[str] = field(default_factory=list)
    scores: dict = field(default_factory=dict)  # {"model": ..., "keyword_baseline": ...} on the evaluation split
    path: os.PathLike[str] | None = None


def train(files: Sequence[str | os.PathLike[str]], output: str | os.PathLike[str] | None = None, seed: int = 0,
          spacy_model: str | None = None, overwrite: bool = False, replace_default: bool = False,
          n_jobs: int | None = -1, progress: Callable[[str], None] | None = None) -> TrainResult:
    """Train on the training split of labelled files, score on their evaluation
    split (:func:`~themeclass.learning.dataset.split_of`), save to ``output`` if given.

    The evaluation units are never trained on. Same files and seed give the same
    model file, byte for byte. ``progress(step)`` is called as each of :data:`STEPS` starts."""
    step = progress or (lambda name: None)
    if output is not None:  # refuse a bad output name before an hour of training, not after
        writable_paths(output, overwrite, replace_default)
    split = by_split(load_labelled(files))
    training, held_out = split["train"], split["eval"]
    if not training:
        raise ThemeclassError("no units of the training split to train on", ", ".join(map(str, files)))
    model = fit_model(training, seed=seed, spacy_model=spacy_model, n_jobs=n_jobs, progress=progress)
    scores: dict = {}
    step(STEPS[4])
    if held_out:
        texts, sections = [r.text for r in held_out], [r.section for r in held_out]
        scores = {"split": "eval", "reports": sorted({r.report for r in held_out}),
                  "model": score(held_out, model.predict(texts, sections)),
                  "keyword_baseline": score(held_out, KeywordBaseline(spacy_model=spacy_model).predict(texts, sections))}
    model.info["scores"] = scores
    path = None
    step(STEPS[5])
    if output is not None:
        path = save(model, output, scores=scores, training={"files": [os.fspath(f) for f in files]},
                    overwrite=overwrite, replace_default=replace_default)
    return TrainResult(model, len(training), len({r.report for r in training}), sorted({r.report for r in held_out}),
                       scores, path)
