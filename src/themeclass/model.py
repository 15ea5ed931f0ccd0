"""The trained model: theme classifier + theme sentiment + keyword rules, saved together.

A trained model is linear: one logistic regression per theme and one for
sentiment, over TF-IDF features of token hashes and rule-match counts. So a model
on disk is just arrays, in a numpy ``.npz`` file read with ``allow_pickle=False``
(it cannot run code when loaded, unlike a pickle), plus ``NAME.json``, a sidecar
with the format version, library and dependency versions, theme and sentiment
labels, training data checksum, evaluation scores and the SHA-256 of the ``.npz``.
Loading checks that checksum before reading the arrays, and needs neither
scikit-learn nor joblib: it takes a few milliseconds.

A found theme is a weakness when P(theme) x P(weakness) reaches the model's joint
threshold, tuned for weakness-F1 by :func:`joint_threshold` on out-of-fold
probabilities of the training data: an uncertain theme needs clearer criticism.

>>> import themeclass
>>> model = themeclass.load()                       # the shipped default model
>>> report = model.analyse("Management oversight is not consistently evident in case records.")
>>> {theme: r.sentiment for theme, r in report.units[0].themes.items()}
{'supervision': 'negative'}
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import io
import json
import os
import platform
import sys
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from . import __version__
from .atomic import atomic_write
from .corpus import Labelled, checksum, theme_matrix
from .errors import ThemeclassError
from .evidence import (
    WEAKNESS,
    ThemeResult,
    evidence_sentences,
    improvement_section,
    pair_thresholds,
    recurrence_cue,
    reweight,
    sentiment_features,
    signed_score,
    weakness_call,
)
from .features import HashTfidf, Preparer, theme_features
from .report import Report, Unit
from .rules import THEMES, load_patterns

FORMAT_VERSION = 1
def _models_dir() -> Path:
    """``models/`` of a source checkout, else the copy a wheel installs under ``share/``."""
    checkout = Path(__file__).resolve().parents[2] / "models"
    if (checkout / "default.npz").exists():
        return checkout
    return Path(sys.prefix) / "share" / "themeclass" / "models"


MODELS_DIR = _models_dir()
DEFAULT_MODEL = "default"
MODEL_SUFFIX = ".npz"


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "themeclass": __version__}
    for dist in ("scikit-learn", "spacy", "numpy", "scipy", "joblib"):
        try:
            out[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:  # pragma: no cover
            out[dist] = "unknown"
    return out


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tfidf(params: dict[str, np.ndarray]) -> HashTfidf:
    tfidf = HashTfidf(tuple(int(n) for n in params["ngram_range"]))
    tfidf.vocabulary_, tfidf.idf_ = params["vocabulary"], params["idf"]
    return tfidf


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


_JOINT_GRID = np.round(np.arange(0.1, 0.701, 0.025), 3)


def joint_threshold(records: Sequence[Labelled], units: Sequence, classifier, sentiment) -> float | None:
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
    forced = np.array([improvement_section(records[i].section) for i, _ in found], dtype=bool)
    joint = np.array([classifier.oof_proba_[i, THEMES.index(t)] * p_weak[(i, t)] for i, t in found])
    is_gold = np.array([pair in gold for pair in found], dtype=bool)
    scores = []
    for tau in _JOINT_GRID:
        pred = forced | (joint >= tau)
        tp = int((pred & is_gold).sum())
        scores.append(round(2 * tp / (pred.sum() + len(gold)), 6) if len(gold) else 0.0)
    best = np.flatnonzero(np.array(scores) == max(scores))  # ties: the middle one
    return float(_JOINT_GRID[best[len(best) // 2]])


class ThemeModel(Preparer):
    """Themes and their sentiment for units of text, with evidence.

    Holds the fitted parameters as arrays (see :meth:`ThemeClassifier.linear_params`
    and :meth:`ThemeSentiment.linear_params`) and predicts with numpy alone.
    """

    def __init__(self, theme: dict[str, np.ndarray], sentiment: dict[str, np.ndarray], patterns: list[dict],
                 spacy_model: str | None = None, info: dict | None = None) -> None:
        self.theme = theme
        self.sentiment = sentiment
        self.patterns = patterns
        self.spacy_model = spacy_model
        self.info = info or {}
        self._theme_tfidf = _tfidf(theme)
        self._sentiment_tfidf = _tfidf(sentiment)
        # Models before 2026-11-23 have no section features and read only the cue sentences.
        self._theme_section_weight = float(theme.get("section_weight", 0.0))
        self._context_weight = float(sentiment.get("context_weight", 0.0))
        self._section_weight = float(sentiment.get("section_weight", 0.0))
        self._follow = int(sentiment.get("follow", 0))
        self._section_tfidf = None
        if "section_vocabulary" in theme:
            self._section_tfidf = HashTfidf((1, 1))
            self._section_tfidf.vocabulary_, self._section_tfidf.idf_ = theme["section_vocabulary"], theme["section_idf"]
        self.sentiment_classes = [str(c) for c in sentiment["classes"]]

    @property
    def thresholds(self) -> dict[str, float]:
        return dict(zip(THEMES, map(float, self.theme["thresholds"])))

    # -- training -------------------------------------------------------------------
    @classmethod
    def train(cls, records: Sequence[Labelled], seed: int = 0, patterns: list[dict] | None = None,
              spacy_model: str | None = None, n_jobs: int | None = -1) -> "ThemeModel":
        """Fit the theme classifier and the sentiment model on labelled units (all of them: split first)."""
        from .classify import ThemeClassifier
        from .sentiment import ThemeSentiment

        patterns = load_patterns() if patterns is None else patterns
        classifier = ThemeClassifier(random_state=seed, n_jobs=n_jobs, patterns=patterns, spacy_model=spacy_model)
        units = classifier.prepare([r.text for r in records])  # tokenised once, for both estimators
        reports = [r.report for r in records]  # thresholds are tuned on folds of whole reports
        classifier.fit(list(zip(units, [r.section for r in records])), theme_matrix(records), groups=reports)
        items = [(u, theme, r.section) for u, r in zip(units, records) for theme in r.themes]
        labels = [label for r in records for label in r.themes.values()]
        sentiment = ThemeSentiment(random_state=seed, n_jobs=n_jobs, patterns=patterns, spacy_model=spacy_model).fit(
            items, labels, groups=[r.report for r in records for _ in r.themes])
        sentiment_params = sentiment.linear_params()
        joint = joint_threshold(records, units, classifier, sentiment)
        if joint is not None:
            sentiment_params["joint_threshold"] = np.array(joint)
        info = {"training_units": len(records), "training_reports": len(set(reports)),
                "training_checksum": checksum(records), "seed": seed}
        return cls(classifier.linear_params(), sentiment_params, patterns, spacy_model, info)

    # -- prediction -----------------------------------------------------------------
    def theme_proba(self, units, sections: Sequence[str | None] | None = None) -> np.ndarray:
        X = theme_features(units, self._theme_tfidf, float(self.theme["rule_weight"]), sections,
                           self._section_tfidf, self._theme_section_weight)
        return 1.0 / (1.0 + np.exp(-X.scores(self.theme["coef"], self.theme["intercept"])))

    def sentiment_proba(self, items) -> np.ndarray:
        X = sentiment_features(items, self._sentiment_tfidf, self._context_weight, self._section_weight, self._follow)
        z = X.scores(self.sentiment["coef"], self.sentiment["intercept"])
        if z.shape[1] == 1:  # a two-class model
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1 - p, p])
        return _softmax(z)

    def predict(self, texts: Sequence[str], sections: Sequence[str | None] | None = None,
                n_jobs: int | None = 1, finish: Callable[[int, dict[str, ThemeResult]], Any] | None = None) -> list:
        """For each text, the themes found: ``{theme: ThemeResult}`` (empty when none).

        ``n_jobs`` > 1 (``-1``: all cores) splits a long list over forked worker
        processes; each unit's result does not depend on the others, so the output
        is the same however it is split. Where ``fork`` is not available (Windows,
        macOS default), or for fewer than ``PARALLEL_MIN`` texts, it runs here.
        ``finish(i, found)``, if given, is applied to each result where it was
        computed (in the worker: serialising there shares that cost too), and
        ``predict`` returns what it returns instead.
        """
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        sections = list(sections) if sections is not None else [None] * len(texts)
        jobs = _workers(n_jobs, len(texts))
        with _gc_paused():
            if jobs > 1:
                return _predict_forked(self, texts, sections, jobs, finish)
            return self._predict_texts(texts, sections, 0, finish)

    def _predict_texts(self, texts: Sequence[str], sections: Sequence[str | None], offset: int = 0,
                       finish: Callable[[int, dict[str, ThemeResult]], Any] | None = None) -> list:
        out: list[dict[str, ThemeResult]] = [{} for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if todo:
            units = self.prepare(texts[i] for i in todo)
            for i, found in zip(todo, self.predict_prepared(units, [sections[i] for i in todo])):
                out[i] = found
        return out if finish is None else [finish(offset + i, found) for i, found in enumerate(out)]

    def predict_prepared(self, units, sections: Sequence[str | None]) -> list[dict[str, ThemeResult]]:
        """:meth:`predict` for units already read into arrays (see :class:`Preparer`)."""
        out: list[dict[str, ThemeResult]] = [{} for _ in units]
        todo = list(range(len(units)))
        if not units:
            return out
        proba = self.theme_proba(units, sections)
        found = proba >= self.theme["thresholds"]
        items, where, conf = [], [], []
        for row, (i, unit) in enumerate(zip(todo, units)):
            for j in np.flatnonzero(found[row]):
                items.append((unit, THEMES[j], sections[i]))
                where.append(i)
                conf.append(float(proba[row, j]))
        if not items:
            return out
        sp = self.sentiment_proba(items)
        joint = self.sentiment.get("joint_threshold")
        threshold = pair_thresholds(np.array(conf), None if joint is None else float(joint),
                                    float(self.sentiment.get("weakness_threshold", 0.5)))
        labels = weakness_call(sp, self.sentiment_classes, threshold)
        adjusted = reweight(sp, self.sentiment_classes, threshold)
        for (unit, theme, section), p, c, i, label in zip(items, adjusted, conf, where, labels):
            score = signed_score(p, self.sentiment_classes, label)
            if improvement_section(section):  # codebook: every item there is a weakness
                label, score = "negative", -1.0
            sents = evidence_sentences(unit, theme, self._follow)
            out[i][theme] = ThemeResult(theme, label, max(-1.0, min(1.0, score)), c,
                                        # the unit, not only the theme's sentences, says whether it recurs
                                        label in WEAKNESS and recurrence_cue(unit, unit.sentences()),
                                        [unit.text_of(a, b) for a, b in sents])
        return out

    def analyse(self, source: str | os.PathLike[str]) -> Report:
        """Read and segment a report (a path) or a text, and tag every unit."""
        as_path = not isinstance(source, str) or (len(source) < 4096 and "\n" not in source and Path(source).exists())
        if as_path:
            from .api import read

            report = read(Path(source))
        else:
            text = str(source)
            from .metadata import extract_metadata
            from .segment import segment

            report = Report(id="text", text=text, metadata=extract_metadata(text, "text"), units=segment(text, "text"))
            if not report.units and text.strip():
                report.units = [Unit(report="text", index=0, text=" ".join(text.split()), start=0, end=len(text))]
        results = self.predict([u.text for u in report.units], [u.section for u in report.units])
        report.units = [dataclasses.replace(u, themes=r) for u, r in zip(report.units, results)]
        return report

    # -- persistence ----------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], scores: dict | None = None, training_data: list[str] | None = None) -> Path:
        """Write ``path`` (.npz) and its JSON sidecar (.json), each atomically."""
        path = Path(path)
        path = path.with_name(path.name.removesuffix(MODEL_SUFFIX).removesuffix(".json") + MODEL_SUFFIX)
        arrays = {f"theme__{k}": v for k, v in self.theme.items()}
        arrays.update({f"sentiment__{k}": v for k, v in self.sentiment.items()})
        arrays["patterns"] = np.array([json.dumps(p, ensure_ascii=False, sort_keys=True) for p in self.patterns])
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        with atomic_write(path, "wb") as fh:
            fh.write(buffer.getvalue())
        sidecar = {
            "format_version": FORMAT_VERSION,
            "model_file": path.name,
            "model_sha256": sha256_file(path),
            "versions": _versions(),
            "themes": list(THEMES),
            "sentiments": self.sentiment_classes,
            "thresholds": self.thresholds,
            "weakness_thresholds": {name: float(self.sentiment[key]) for name, key in
                                    (("sentiment", "weakness_threshold"), ("joint", "joint_threshold")) if key in self.sentiment},
            "spacy_model": self.spacy_model or "blank:en",
            "training": {**{k: v for k, v in self.info.items() if k != "sidecar"}, "files": training_data or []},
            "scores": scores or {},
        }
        with atomic_write(path.with_suffix(".json")) as fh:
            json.dump(sidecar, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        self.info = {**self.info, "sidecar": sidecar}
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> "ThemeModel":
        """Load a model after checking its sidecar and the file's checksum."""
        path = Path(path) if path is not None else MODELS_DIR / f"{DEFAULT_MODEL}{MODEL_SUFFIX}"
        stem = path.name.removesuffix(MODEL_SUFFIX).removesuffix(".json")
        model_file, sidecar_file = path.with_name(stem + MODEL_SUFFIX), path.with_name(stem + ".json")
        if not model_file.exists():
            raise ThemeclassError("no such model file", model_file)
        try:
            sidecar = json.loads(sidecar_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ThemeclassError("model sidecar (.json) is missing; refusing to load an unchecked model", sidecar_file) from None
        except ValueError:
            raise ThemeclassError("model sidecar is not valid JSON", sidecar_file) from None
        version = sidecar.get("format_version") if isinstance(sidecar, dict) else None
        if not isinstance(version, int):
            raise ThemeclassError("model sidecar has no format_version", sidecar_file)
        if version > FORMAT_VERSION:
            raise ThemeclassError(
                f"model format {version} is newer than this themeclass reads ({FORMAT_VERSION}); upgrade themeclass", sidecar_file)
        if sha256_file(model_file) != sidecar.get("model_sha256"):
            raise ThemeclassError("checksum mismatch: the model file is not the one its sidecar describes (corrupted or replaced)", model_file)
        try:
            with np.load(model_file, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
            theme = {k.removeprefix("theme__"): v for k, v in arrays.items() if k.startswith("theme__")}
            sentiment = {k.removeprefix("sentiment__"): v for k, v in arrays.items() if k.startswith("sentiment__")}
            patterns = [json.loads(str(p)) for p in arrays["patterns"]]
            model = cls(theme, sentiment, patterns, None if sidecar.get("spacy_model") in (None, "blank:en") else sidecar["spacy_model"],
                        info=dict(sidecar.get("training", {})))
        except (KeyError, ValueError, OSError, EOFError) as err:
            raise ThemeclassError(f"cannot load model ({type(err).__name__}: damaged or not a themeclass model)", model_file) from None
        model.info["sidecar"] = sidecar
        return model


@contextlib.contextmanager
def _gc_paused():
    """Pause Python's cyclic garbage collector: predicting makes millions of small
    short-lived objects and no reference cycles, and the collector's passes over
    them cost about a tenth of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


#: Fewer texts than this are predicted in this process: forking would cost more than it saves.
PARALLEL_MIN = 2000
_FORKED: tuple | None = None  # (model, finish) a forked worker inherits


def _workers(n_jobs: int | None, n: int) -> int:
    import multiprocessing

    if n_jobs in (None, 0, 1) or n < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = os.cpu_count() or 1
    return max(1, min(cores if n_jobs < 0 else n_jobs, n // (PARALLEL_MIN // 2)))


def _predict_chunk(args: tuple[list[str], list[str | None], int]) -> list:
    assert _FORKED is not None
    model, finish = _FORKED
    return model._predict_texts(*args, finish)


def _predict_forked(model: ThemeModel, texts: list[str], sections: list[str | None], jobs: int,
                    finish: Callable | None) -> list:
    """Predict contiguous chunks in forked workers (they share the loaded model and
    pipeline for free); this process takes the first chunk itself."""
    import multiprocessing

    global _FORKED
    bounds = np.linspace(0, len(texts), jobs + 1).astype(int)
    chunks = [(texts[a:b], sections[a:b], int(a)) for a, b in zip(bounds, bounds[1:])]
    model._nlp()  # build the pipeline before forking, so workers inherit it
    _FORKED = (model, finish)
    try:
        with multiprocessing.get_context("fork").Pool(jobs - 1) as pool:
            pending = pool.map_async(_predict_chunk, chunks[1:])
            first = model._predict_texts(*chunks[0], finish)
            rest = pending.get()
    finally:
        _FORKED = None
    return first + [found for chunk in rest for found in chunk]


def load(path: str | os.PathLike[str] | None = None) -> ThemeModel:
    """Load a trained model; the shipped default when ``path`` is None."""
    return ThemeModel.load(path)
