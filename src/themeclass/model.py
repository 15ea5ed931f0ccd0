"""The trained model: theme classifier + theme sentiment + keyword rules, saved together.

A model on disk is two files: ``NAME.joblib`` (the fitted estimators and the
rule patterns) and ``NAME.json``, a sidecar with the format version, the library
and dependency versions, the theme labels, the training data's checksum, the
evaluation scores and the SHA-256 of the ``.joblib`` file. Loading checks that
checksum *before* anything is unpickled and refuses a mismatch.

>>> import themeclass
>>> model = themeclass.load()                       # the shipped default model
>>> report = model.analyse("Management oversight is not consistently evident in case records.")
>>> {theme: r.sentiment for theme, r in report.units[0].themes.items()}
{'supervision': 'negative'}
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Iterable, Sequence

import joblib
import numpy as np

from . import __version__
from .api import read
from .atomic import atomic_write
from .classify import ThemeClassifier
from .corpus import Labelled, checksum, theme_matrix
from .errors import ThemeclassError
from .metadata import extract_metadata
from .report import Report, Unit
from .rules import THEMES, load_patterns, make_nlp
from .segment import segment
from .sentiment import ThemeResult, ThemeSentiment

FORMAT_VERSION = 1
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
DEFAULT_MODEL = "default"


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


class ThemeModel:
    """Themes and their sentiment for units of text, with evidence."""

    def __init__(self, classifier: ThemeClassifier, sentiment: ThemeSentiment, patterns: list[dict],
                 spacy_model: str | None = None, info: dict | None = None) -> None:
        self.classifier = classifier
        self.sentiment = sentiment
        self.patterns = patterns
        self.spacy_model = spacy_model
        self.info = info or {}
        self._nlp = None

    # -- training -------------------------------------------------------------------
    @classmethod
    def train(cls, records: Sequence[Labelled], seed: int = 0, patterns: list[dict] | None = None,
              spacy_model: str | None = None) -> "ThemeModel":
        """Fit classifier and sentiment on labelled units (all of them: split them first)."""
        patterns = load_patterns() if patterns is None else patterns
        model = cls(ThemeClassifier(random_state=seed, patterns=patterns, spacy_model=spacy_model),
                    ThemeSentiment(patterns=patterns, spacy_model=spacy_model), patterns, spacy_model)
        docs = model.docs([r.text for r in records])
        model.classifier.fit(docs, theme_matrix(records))
        items = [(doc, theme, r.section) for doc, r in zip(docs, records) for theme in r.themes]
        labels = [label for r in records for label in r.themes.values()]
        model.sentiment.fit(items, labels)
        model.info = {"training_units": len(records), "training_checksum": checksum(records), "seed": seed}
        return model

    # -- prediction -----------------------------------------------------------------
    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = make_nlp(self.spacy_model, self.patterns)
        return self._nlp

    def docs(self, texts: Iterable[str]):
        return list(self.nlp.pipe(texts, batch_size=256))

    def predict(self, texts: Sequence[str], sections: Sequence[str | None] | None = None) -> list[dict[str, ThemeResult]]:
        """For each text, the themes found: ``{theme: ThemeResult}`` (empty when none)."""
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        sections = list(sections) if sections is not None else [None] * len(texts)
        out: list[dict[str, ThemeResult]] = [{} for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if not todo:
            return out
        docs = self.docs(texts[i] for i in todo)
        proba = self.classifier.predict_proba(docs)
        found = proba >= self.classifier.thresholds_
        items, where, conf = [], [], []
        for row, (i, doc) in enumerate(zip(todo, docs)):
            for j in np.flatnonzero(found[row]):
                items.append((doc, THEMES[j], sections[i]))
                where.append(i)
                conf.append(float(proba[row, j]))
        for i, result in zip(where, self.sentiment.results(items, conf) if items else []):
            out[i][result.theme] = result
        return out

    def analyse(self, source: str | os.PathLike[str]) -> Report:
        """Read and segment a report (a path) or a text, and tag every unit."""
        path = Path(source) if not isinstance(source, str) or (len(source) < 4096 and "\n" not in source and Path(source).exists()) else None
        if path is not None:
            report = read(path)
        else:
            text = str(source)
            report = Report(id="text", text=text, metadata=extract_metadata(text, "text"), units=segment(text, "text"))
            if not report.units and text.strip():
                report.units = [Unit(report="text", index=0, text=" ".join(text.split()), start=0, end=len(text))]
        results = self.predict([u.text for u in report.units], [u.section for u in report.units])
        report.units = [dataclasses.replace(u, themes=r) for u, r in zip(report.units, results)]
        return report

    # -- persistence ----------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], scores: dict | None = None, training_data: list[str] | None = None) -> Path:
        """Write ``path`` (.joblib) and its JSON sidecar, each atomically."""
        path = Path(path).with_suffix(".joblib")
        payload = {"format_version": FORMAT_VERSION, "classifier": self.classifier, "sentiment": self.sentiment,
                   "patterns": self.patterns, "spacy_model": self.spacy_model}
        with atomic_write(path, "wb") as fh:
            joblib.dump(payload, fh, compress=3)
        sidecar = {
            "format_version": FORMAT_VERSION,
            "model_file": path.name,
            "model_sha256": sha256_file(path),
            "versions": _versions(),
            "themes": list(THEMES),
            "sentiments": list(self.sentiment.classes_),
            "thresholds": dict(zip(THEMES, map(float, self.classifier.thresholds_))),
            "training": {**self.info, "files": training_data or []},
            "scores": scores or {},
        }
        with atomic_write(path.with_suffix(".json")) as fh:
            json.dump(sidecar, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        self.info = {**self.info, "sidecar": sidecar}
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> "ThemeModel":
        """Load a model after checking its sidecar and checksum."""
        path = Path(path) if path is not None else MODELS_DIR / f"{DEFAULT_MODEL}.joblib"
        if path.suffix not in (".joblib", ".json"):
            path = path.with_suffix(".joblib")
        model_file, sidecar_file = path.with_suffix(".joblib"), path.with_suffix(".json")
        if not model_file.exists():
            raise ThemeclassError("no such model file", model_file)
        try:
            sidecar = json.loads(sidecar_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ThemeclassError("model sidecar (.json) is missing; refusing to load an unchecked model", sidecar_file) from None
        except ValueError:
            raise ThemeclassError("model sidecar is not valid JSON", sidecar_file) from None
        version = sidecar.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise ThemeclassError(
                f"model format {version!r} is newer than this themeclass reads ({FORMAT_VERSION}); upgrade themeclass", sidecar_file)
        if sha256_file(model_file) != sidecar.get("model_sha256"):
            raise ThemeclassError("checksum mismatch: the model file is not the one its sidecar describes (corrupted or replaced)", model_file)
        try:
            payload = joblib.load(model_file)
        except Exception as err:  # noqa: BLE001 - any unpickling failure is a damaged model
            raise ThemeclassError(f"cannot load model ({type(err).__name__})", model_file) from None
        model = cls(payload["classifier"], payload["sentiment"], payload["patterns"], payload.get("spacy_model"), info=sidecar.get("training", {}))
        model.info["sidecar"] = sidecar
        return model


def load(path: str | os.PathLike[str] | None = None) -> ThemeModel:
    """Load a trained model; the shipped default when ``path`` is None."""
    return ThemeModel.load(path)
