"""Predicting with a trained model: arrays in, :class:`~themeclass.report.ThemeResult` out.

A trained model is linear: one logistic regression per theme and one for
sentiment, over TF-IDF features of token hashes and rule-match counts. So
:class:`ThemeModel` holds only arrays (see
:meth:`~themeclass.learning.classify.ThemeClassifier.linear_params` and
:meth:`~themeclass.learning.sentiment.ThemeSentiment.linear_params`) and predicts
with numpy alone: neither scikit-learn nor scipy is imported. It reads no files:
:mod:`themeclass.model.format` loads and saves models,
:func:`themeclass.analyse` reads reports.

A found theme is a weakness when P(theme) x P(weakness) reaches the model's joint
threshold (tuned for weakness-F1 on out-of-fold probabilities of the training
data): an uncertain theme needs clearer criticism.

>>> import themeclass
>>> model = themeclass.load()                       # the shipped default model
>>> found = model.predict(["Management oversight is not consistently evident in case records."])[0]
>>> {theme: r.sentiment for theme, r in found.items()}
{'supervision': 'negative'}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ..codebook import THEMES, WEAKNESS, improvement_section
from ..nlp.evidence import evidence_sentences, recurrence_cue, sentiment_features
from ..nlp.features import HashTfidf, Preparer, theme_features
from ..report import ThemeResult
from .parallel import predict_forked, workers


@dataclass
class ModelParams:
    """Every array a model predicts with (format 2: all of them are required)."""

    theme: dict[str, np.ndarray]  # vocabulary, idf, coef, intercept, thresholds, ngram_range, rule_weight,
    #                               section_vocabulary, section_idf, section_weight
    sentiment: dict[str, np.ndarray]  # vocabulary, idf, coef, intercept, classes, ngram_range, context_weight,
    #                                   section_weight, follow, weakness_threshold, joint_threshold (nan: none)
    patterns: list[dict]
    spacy_model: str | None = None
    info: dict = field(default_factory=dict)


THEME_KEYS = ("vocabulary", "idf", "coef", "intercept", "thresholds", "ngram_range", "rule_weight",
              "section_vocabulary", "section_idf", "section_weight")
SENTIMENT_KEYS = ("vocabulary", "idf", "coef", "intercept", "classes", "ngram_range", "context_weight",
                  "section_weight", "follow", "weakness_threshold", "joint_threshold")


def _tfidf(vocabulary: np.ndarray, idf: np.ndarray, ngram_range) -> HashTfidf:
    tfidf = HashTfidf(tuple(int(n) for n in ngram_range))
    tfidf.vocabulary_, tfidf.idf_ = vocabulary, idf
    return tfidf


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class ThemeModel(Preparer):
    """Themes and their sentiment for units of text, with evidence.

    Build one with :func:`themeclass.load` (a saved model) or
    :func:`themeclass.train`; ``ThemeModel(params)`` takes the arrays directly.
    """

    def __init__(self, params: ModelParams) -> None:
        missing = [f"theme {k}" for k in THEME_KEYS if k not in params.theme]
        missing += [f"sentiment {k}" for k in SENTIMENT_KEYS if k not in params.sentiment]
        if missing:
            raise ValueError(f"model parameters lack {', '.join(missing)}")
        self.theme, self.sentiment = params.theme, params.sentiment
        self.patterns, self.spacy_model, self.info = params.patterns, params.spacy_model, params.info
        theme, sentiment = params.theme, params.sentiment
        self._theme_tfidf = _tfidf(theme["vocabulary"], theme["idf"], theme["ngram_range"])
        self._section_tfidf = _tfidf(theme["section_vocabulary"], theme["section_idf"], (1, 1))
        self._sentiment_tfidf = _tfidf(sentiment["vocabulary"], sentiment["idf"], sentiment["ngram_range"])
        self.sentiment_classes = [str(c) for c in sentiment["classes"]]
        joint = float(sentiment["joint_threshold"])
        self.joint_threshold: float | None = None if np.isnan(joint) else joint

    @property
    def params(self) -> ModelParams:
        """The arrays and description this model predicts with (as :class:`ModelParams`)."""
        return ModelParams(self.theme, self.sentiment, self.patterns, self.spacy_model, self.info)

    @property
    def thresholds(self) -> dict[str, float]:
        """Each theme's decision threshold on its probability."""
        return dict(zip(THEMES, map(float, self.theme["thresholds"])))

    @property
    def follow(self) -> int:
        """How many sentences after each cue sentence the sentiment reads (and shows as evidence)."""
        return int(self.sentiment["follow"])

    # -- prediction -----------------------------------------------------------------
    def theme_proba(self, units, sections: Sequence[str | None] | None = None) -> np.ndarray:
        """P(theme) of prepared units, n x 5."""
        X = theme_features(units, self._theme_tfidf, float(self.theme["rule_weight"]), sections,
                           self._section_tfidf, float(self.theme["section_weight"]))
        return 1.0 / (1.0 + np.exp(-X.scores(self.theme["coef"], self.theme["intercept"])))

    def sentiment_proba(self, items) -> np.ndarray:
        """Sentiment probabilities of (prepared unit, theme, section) items, columns ``sentiment_classes``."""
        X = sentiment_features(items, self._sentiment_tfidf, float(self.sentiment["context_weight"]),
                               float(self.sentiment["section_weight"]), self.follow)
        z = X.scores(self.sentiment["coef"], self.sentiment["intercept"])
        if z.shape[1] == 1:  # a two-class model
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1 - p, p])
        return _softmax(z)

    def predict(self, texts: Sequence[str], sections: Sequence[str | None] | None = None,
                n_jobs: int | None = 1, finish: Callable[[int, dict[str, ThemeResult]], Any] | None = None) -> list:
        """For each text, the themes found: ``{theme: ThemeResult}`` (empty when none).

        ``n_jobs`` > 1 (``-1``: all cores) splits a long list over forked worker
        processes (:mod:`themeclass.model.parallel`); each unit's result does not
        depend on the others, so the output is the same however it is split.
        ``finish(i, found)``, if given, is applied to each result where it was
        computed (in the worker: serialising there shares that cost too), and
        ``predict`` returns what it returns instead.
        """
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        sections = list(sections) if sections is not None else [None] * len(texts)
        if len(sections) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(sections)} sections")
        jobs = workers(n_jobs, len(texts))
        if jobs > 1:
            self.pipeline()  # build the pipeline before forking, so workers inherit it
            return predict_forked(self.predict_chunk, texts, sections, jobs, finish)
        return self.predict_chunk(texts, sections, 0, finish)

    def predict_chunk(self, texts: Sequence[str], sections: Sequence[str | None], offset: int = 0,
                      finish: Callable[[int, dict[str, ThemeResult]], Any] | None = None) -> list:
        """:meth:`predict` of a contiguous chunk starting at ``offset``, in this process."""
        out: list[dict[str, ThemeResult]] = [{} for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if todo:
            units = self.prepare(texts[i] for i in todo)
            for i, found in zip(todo, self.predict_prepared(units, [sections[i] for i in todo])):
                out[i] = found
        return out if finish is None else [finish(offset + i, found) for i, found in enumerate(out)]

    def predict_prepared(self, units, sections: Sequence[str | None]) -> list[dict[str, ThemeResult]]:
        """:meth:`predict` for units already read into arrays (see :class:`~themeclass.nlp.features.Preparer`)."""
        out: list[dict[str, ThemeResult]] = [{} for _ in units]
        if not units:
            return out
        proba = self.theme_proba(units, sections)
        found = proba >= self.theme["thresholds"]
        items, where, conf = [], [], []
        for i, unit in enumerate(units):
            for j in np.flatnonzero(found[i]):
                items.append((unit, THEMES[j], sections[i]))
                where.append(i)
                conf.append(float(proba[i, j]))
        if not items:
            return out
        sp = self.sentiment_proba(items)
        threshold = pair_thresholds(np.array(conf), self.joint_threshold, float(self.sentiment["weakness_threshold"]))
        labels = weakness_call(sp, self.sentiment_classes, threshold)
        adjusted = reweight(sp, self.sentiment_classes, threshold)
        for (unit, theme, section), p, c, i, label in zip(items, adjusted, conf, where, labels):
            score = signed_score(p, self.sentiment_classes, label)
            if improvement_section(section):  # codebook: every item there is a weakness
                label, score = "negative", -1.0
            sents = evidence_sentences(unit, theme, self.follow)
            out[i][theme] = ThemeResult(theme, label, max(-1.0, min(1.0, score)), c,
                                        # the unit, not only the theme's sentences, says whether it recurs
                                        label in WEAKNESS and recurrence_cue(unit, unit.sentences()),
                                        [unit.text_of(a, b) for a, b in sents])
        return out


# -- the decision rules, shared with the estimators that learn their thresholds ----------------

def reweight(proba: np.ndarray, classes: Sequence[str], threshold) -> np.ndarray:
    """Shift sentiment probabilities so that "weakness" wins exactly when
    P(negative) + P(mixed) reaches ``threshold`` (tuned by cross-validation for
    weakness-F1; a number, or one per row): the weakness labels are scaled by
    (1 - t) / t and rows renormalised."""
    proba = np.array(proba, dtype=float, copy=True)
    weak = [i for i, c in enumerate(classes) if c in WEAKNESS]
    t = np.clip(np.broadcast_to(np.asarray(threshold, dtype=float), (len(proba),)), 1e-6, 1 - 1e-6)
    if weak and len(proba):
        proba[:, weak] *= ((1 - t) / t)[:, None]
        proba /= proba.sum(axis=1, keepdims=True)
    return proba


def weakness_call(proba: np.ndarray, classes: Sequence[str], threshold) -> list[str]:
    """Labels from sentiment probabilities, deciding *weakness or not* first (at
    ``threshold``, a number or one per row), then the likelier label on that side."""
    q = reweight(proba, classes, threshold)
    weak = [i for i, c in enumerate(classes) if c in WEAKNESS]
    other = [i for i, c in enumerate(classes) if c not in WEAKNESS]
    out = []
    for row in q:
        side = weak if weak and (not other or row[weak].sum() >= 0.5) else other
        out.append(classes[side[int(np.argmax(row[side]))]])
    return out


def pair_thresholds(theme_proba: np.ndarray, joint: float | None, fallback: float) -> np.ndarray:
    """The weakness threshold of each found (unit, theme) pair. With a ``joint``
    threshold a pair is a weakness when P(theme) x P(weakness) reaches it, so an
    uncertain theme needs clearer criticism than a sure one: this is the same as
    P(weakness) >= joint / P(theme). Without one (models before 2026-11-23), ``fallback``."""
    theme_proba = np.asarray(theme_proba, dtype=float)
    if joint is None:
        return np.full(len(theme_proba), fallback)
    return joint / np.maximum(theme_proba, 1e-6)


def signed_score(row: np.ndarray, classes: Sequence[str], label: str) -> float:
    """The score in [-1, 1] reported with a label: -P(negative) for a weakness
    labelled negative, +P(positive) for a strength, P(positive) - P(negative) for
    mixed or neutral (near 0). Its sign always agrees with the label."""
    p = {c: float(v) for c, v in zip(classes, row)}
    if label == "negative":
        return -p.get("negative", 1.0)
    if label == "positive":
        return p.get("positive", 1.0)
    return p.get("positive", 0.0) - p.get("negative", 0.0)
