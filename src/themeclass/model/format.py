"""Saving and loading models: the file format, its versions and their loaders.

**Format 2** (since 2026-11-30) is one file, ``NAME.npz``, read with
``allow_pickle=False`` (it cannot run code when loaded, unlike a pickle; we
preferred this to skops, which also avoids pickle's code execution but needs a
list of trusted types and scikit-learn at load time). It holds every array the
model predicts with (all required), the keyword patterns, and ``meta``: a JSON
document with the format version, library and dependency versions, themes,
sentiment labels, thresholds, the training data (checksum, reports, files), the
evaluation scores and the SHA-256 of the arrays. Loading checks that digest, so a
damaged or edited file is refused. Nothing in the file depends on its name, so
the same model saved as ``a.npz`` and ``b.npz`` is the same bytes. ``NAME.json``
beside it is a copy of ``meta`` (plus ``model_file``, the name of the ``.npz`` it
describes) for reading and for ``jq``; loading never needs it, so a model file is
written in one atomic step and a killed ``train`` leaves the previous model whole.

**Format 1** (models saved before 2026-11-30): ``NAME.npz`` of arrays and a
``NAME.json`` sidecar holding the format version and the ``.npz`` file's SHA-256,
in two layouts (models before 2026-11-23 lack the section and evidence-window
arrays). :func:`load_format_1` reads both, checks the checksum, and fills the
missing arrays with the values that reproduce the old predictions exactly.

A file of a newer format than this themeclass reads is refused with a one-line
message, never half-read.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import sys
from importlib import metadata as importlib_metadata
from pathlib import Path

import numpy as np

from ..codebook import THEMES
from ..errors import ThemeclassError
from ..files import atomic_write
from ..version import __version__
from .predictor import ModelParams, ThemeModel

FORMAT_VERSION = 2
SUFFIX = ".npz"


def _models_dir() -> Path:
    """``models/`` of a source checkout, else the copy a wheel installs under ``share/``."""
    checkout = Path(__file__).resolve().parents[3] / "models"
    if (checkout / "default.npz").exists():
        return checkout
    return Path(sys.prefix) / "share" / "themeclass" / "models"


MODELS_DIR = _models_dir()
DEFAULT_MODEL = MODELS_DIR / f"default{SUFFIX}"


def model_paths(name: str | os.PathLike[str]) -> tuple[Path, Path]:
    """The two files of the model called ``name``: ``(NAME.npz, NAME.json)``.

    ``name`` may end in ``.npz`` or ``.json`` or in neither; a folder is refused
    (a model needs a name). Every command that reads or writes a model uses this,
    so the guard and the writer always agree on the paths.

    >>> [p.name for p in model_paths("models/mine.json")]
    ['mine.npz', 'mine.json']
    """
    text = os.fspath(name)
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.is_dir() or path.name in ("", ".", ".."):
        raise ThemeclassError("is a folder; give the model a file name in it, e.g. models/mine", text)
    stem = path.name.removesuffix(SUFFIX).removesuffix(".json")
    if not stem:
        raise ThemeclassError("a model needs a name before its suffix", text)
    return path.with_name(stem + SUFFIX), path.with_name(stem + ".json")


def is_default(name: str | os.PathLike[str]) -> bool:
    """Does ``name`` point at the shipped default model?"""
    return model_paths(name)[0].resolve() == DEFAULT_MODEL.resolve()


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "themeclass": __version__}
    for dist in ("scikit-learn", "spacy", "numpy", "scipy", "joblib"):
        try:
            out[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:  # pragma: no cover
            out[dist] = "unknown"
    return out


def arrays_digest(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over every array's name, dtype, shape and bytes, in name order."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(json.dumps([name, a.dtype.str, list(a.shape)]).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# -- saving ------------------------------------------------------------------------------------

def writable_paths(name: str | os.PathLike[str], overwrite: bool = False, replace_default: bool = False) -> tuple[Path, Path]:
    """:func:`model_paths`, refusing the shipped default model without ``replace_default``
    and any other existing model without ``overwrite`` (checked before training, and again on saving)."""
    npz, sidecar = model_paths(name)
    if is_default(npz):
        if not replace_default:
            raise ThemeclassError("this is the shipped default model; write a new version beside it, or pass --replace-default", npz)
    elif (npz.exists() or sidecar.exists()) and not overwrite:
        raise ThemeclassError("a model with this name exists; choose a new name (or pass --overwrite)", npz)
    return npz, sidecar


def save(model: ThemeModel, name: str | os.PathLike[str], scores: dict | None = None, training: dict | None = None,
         overwrite: bool = False, replace_default: bool = False) -> Path:
    """Write ``model`` as ``NAME.npz`` (format 2) and the readable copy ``NAME.json``.

    Refuses to write over the shipped default model without ``replace_default``,
    and over any other existing model without ``overwrite``. Returns the ``.npz`` path."""
    npz, sidecar = writable_paths(name, overwrite, replace_default)
    arrays = {f"theme__{k}": np.asarray(v) for k, v in model.theme.items()}
    arrays.update({f"sentiment__{k}": np.asarray(v) for k, v in model.sentiment.items()})
    arrays["patterns"] = np.array([json.dumps(p, ensure_ascii=False, sort_keys=True) for p in model.patterns])
    training = {**{k: v for k, v in model.info.items() if k not in ("meta", "scores")}, **(training or {})}
    joint = model.joint_threshold
    meta = {  # nothing here depends on the file's name: a model saved under two names is the same bytes
        "format_version": FORMAT_VERSION,
        "arrays_sha256": arrays_digest(arrays),
        "versions": versions(),
        "themes": list(THEMES),
        "sentiments": model.sentiment_classes,
        "thresholds": model.thresholds,
        "weakness_thresholds": {"sentiment": float(model.sentiment["weakness_threshold"]),
                                **({"joint": joint} if joint is not None else {})},
        "spacy_model": model.spacy_model or "blank:en",
        "training": training,
        "scores": scores if scores is not None else model.info.get("scores", {}),
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, meta=np.array(json.dumps(meta, indent=2, ensure_ascii=False) + "\n"), **arrays)
    try:
        with atomic_write(npz, "wb") as fh:  # the model, whole, in one step
            fh.write(buffer.getvalue())
    except OSError as err:  # a full disk, a read-only folder: the previous model (if any) is untouched
        raise ThemeclassError(f"cannot write the model ({err.strerror or err})", npz) from None
    try:
        with atomic_write(sidecar) as fh:  # then its readable copy, which names the file it describes
            fh.write(json.dumps({"model_file": npz.name, **meta}, indent=2, ensure_ascii=False) + "\n")
    except OSError as err:
        raise ThemeclassError(f"the model was saved but not this readable copy of its metadata ({err.strerror or err})",
                              sidecar) from None
    model.info = {**training, "scores": meta["scores"], "meta": meta}
    return npz


# -- loading -----------------------------------------------------------------------------------

def load(name: str | os.PathLike[str] | None = None) -> ThemeModel:
    """Load a model (``NAME``, ``NAME.npz`` or ``NAME.json``); the shipped default when None."""
    npz, sidecar = model_paths(DEFAULT_MODEL if name is None else name)
    if not npz.exists():
        raise ThemeclassError("no such model file", npz)
    try:
        with np.load(npz, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (PermissionError, IsADirectoryError) as err:
        raise ThemeclassError(f"cannot open model file ({err.strerror})", npz) from None
    # everything else here decodes the file's bytes: any failure means a damaged file (BadZipFile, zlib.error from
    # a corrupt compressed stream, NotImplementedError for a garbled compression method, ValueError, EOFError ...)
    except Exception as err:  # noqa: BLE001 - see above
        kind = type(err).__name__ if type(err).__module__ == "builtins" else f"{type(err).__module__}.{type(err).__name__}"
        raise ThemeclassError(f"cannot read model ({kind}: damaged or not a themeclass model)", npz) from None
    if "meta" in arrays:
        return load_format_2(arrays, npz)
    if "patterns" not in arrays:
        raise ThemeclassError("not a themeclass model (it holds none of a model's arrays)", npz)
    return load_format_1(arrays, npz, sidecar)


def _version_check(version: object, where: Path) -> int:
    if not isinstance(version, int):
        raise ThemeclassError("model has no format_version", where)
    if version > FORMAT_VERSION:
        raise ThemeclassError(f"model format {version} is newer than this themeclass reads ({FORMAT_VERSION}); upgrade themeclass", where)
    return version


def _split_arrays(arrays: dict[str, np.ndarray], where: Path) -> tuple[dict, dict, list[dict]]:
    theme = {k.removeprefix("theme__"): v for k, v in arrays.items() if k.startswith("theme__")}
    sentiment = {k.removeprefix("sentiment__"): v for k, v in arrays.items() if k.startswith("sentiment__")}
    try:
        patterns = [json.loads(str(p)) for p in arrays["patterns"]]
    except (KeyError, ValueError):
        raise ThemeclassError("cannot load model (patterns missing or damaged)", where) from None
    return theme, sentiment, patterns


def _meta(text: str, where: Path, version: int, what: str) -> dict:
    """The metadata document of a model, checked: JSON, an object, of ``version``."""
    try:
        meta = json.loads(text)
    except ValueError:
        raise ThemeclassError(f"{what} is not valid JSON (damaged)", where) from None
    if not isinstance(meta, dict):
        raise ThemeclassError(f"{what} is not a JSON object (damaged)", where)
    found = _version_check(meta.get("format_version"), where)
    if found != version:
        raise ThemeclassError(f"{what} says format {found} in a format-{version} model (damaged or mismatched)", where)
    return meta


def _model(params: ModelParams, where: Path) -> ThemeModel:
    try:
        return ThemeModel(params)
    except (ValueError, KeyError, IndexError, TypeError) as err:
        raise ThemeclassError(f"cannot load model ({err}: damaged or not a themeclass model)", where) from None


def load_format_2(arrays: dict[str, np.ndarray], npz: Path) -> ThemeModel:
    """A format-2 file: arrays plus ``meta``; the arrays' digest must match."""
    meta = _meta(str(arrays.pop("meta")), npz, 2, "model metadata")
    if arrays_digest(arrays) != meta.get("arrays_sha256"):
        raise ThemeclassError("checksum mismatch: the model's arrays are not the ones it was saved with (corrupted or edited)", npz)
    theme, sentiment, patterns = _split_arrays(arrays, npz)
    return _model(_params(theme, sentiment, patterns, meta, npz), npz)


def _params(theme: dict, sentiment: dict, patterns: list[dict], meta: dict, where: Path) -> ModelParams:
    training, scores, spacy_model = meta.get("training", {}), meta.get("scores", {}), meta.get("spacy_model")
    if not isinstance(training, dict) or not isinstance(scores, dict) or not isinstance(spacy_model, (str, type(None))):
        raise ThemeclassError("model metadata is damaged (training, scores or spacy_model of the wrong type)", where)
    info = {**training, "scores": scores, "meta": meta}
    return ModelParams(theme, sentiment, patterns, None if spacy_model in (None, "blank:en") else spacy_model, info)


#: What format-1 files without them meant: no section features, only the cue sentences
#: read, the separate weakness threshold (no joint one).
FORMAT_1_DEFAULTS = {
    "theme": {"section_weight": 0.0},
    "sentiment": {"context_weight": 0.0, "section_weight": 0.0, "follow": 0, "weakness_threshold": 0.5,
                  "joint_threshold": float("nan")},
}


def load_format_1(arrays: dict[str, np.ndarray], npz: Path, sidecar: Path) -> ThemeModel:
    """A format-1 model: the ``.npz`` and its JSON sidecar with the file's checksum."""
    try:
        text = sidecar.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ThemeclassError("model sidecar (.json) is missing; refusing to load an unchecked model", sidecar) from None
    except (OSError, UnicodeDecodeError):
        raise ThemeclassError("model sidecar is not valid JSON", sidecar) from None
    meta = _meta(text, sidecar, 1, "model sidecar")
    if sha256_file(npz) != meta.get("model_sha256"):
        raise ThemeclassError("checksum mismatch: the model file is not the one its sidecar describes (corrupted or replaced)", npz)
    theme, sentiment, patterns = _split_arrays(arrays, npz)
    for part, values in (("theme", theme), ("sentiment", sentiment)):
        for key, value in FORMAT_1_DEFAULTS[part].items():
            values.setdefault(key, np.array(value))
    if "section_vocabulary" not in theme:
        theme["section_vocabulary"] = np.zeros(0, dtype=np.uint64)
        theme["section_idf"] = np.zeros(0)
    return _model(_params(theme, sentiment, patterns, meta, npz), npz)
