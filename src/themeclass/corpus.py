"""Labelled units: reading, checking and splitting the codebook's JSON Lines records.

A record (see ``docs/CODEBOOK.md``)::

    {"id": "sefton_2022-03_ilacs#017", "text": "...", "themes": {"supervision": "negative"}, "recurring": ["supervision"]}

``section`` may be given too (the heading the unit sits under); when it is not,
:func:`load_labelled` looks it up in ``context/units.jsonl`` beside the file, which records
the context of every unit chosen for labelling.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from .errors import ThemeclassError
from .rules import THEMES
from .evidence import LABELS


@dataclass(frozen=True)
class Labelled:
    """One labelled unit."""

    id: str
    text: str
    themes: dict[str, str]
    recurring: tuple[str, ...] = ()
    section: str | None = None
    split: str | None = None

    @property
    def report(self) -> str:
        return self.id.split("#", 1)[0]


def parse_record(line: str, where: str, path: str | Path) -> Labelled:
    try:
        row = json.loads(line)
    except ValueError as err:
        raise ThemeclassError(f"{where}: not valid JSON ({err.msg})", path) from None
    if not isinstance(row, dict):
        raise ThemeclassError(f"{where}: not a JSON object", path)
    for key in ("id", "text", "themes"):
        if key not in row:
            raise ThemeclassError(f"{where}: missing field {key!r}", path)
    if not isinstance(row["id"], str) or not isinstance(row["text"], str) or not isinstance(row["themes"], dict):
        raise ThemeclassError(f"{where}: id and text must be strings and themes an object", path)
    for theme, label in row["themes"].items():
        if theme not in THEMES:
            raise ThemeclassError(f"{where}: unknown theme {theme!r} (expected one of {', '.join(THEMES)})", path)
        if label not in LABELS:
            raise ThemeclassError(f"{where}: unknown sentiment {label!r} for {theme} (expected one of {', '.join(LABELS)})", path)
    recurring = row.get("recurring") or []
    if not isinstance(recurring, list) or any(t not in row["themes"] for t in recurring):
        raise ThemeclassError(f"{where}: recurring must list themes that the unit has", path)
    section = row.get("section")
    return Labelled(row["id"], row["text"], dict(row["themes"]), tuple(recurring), section if isinstance(section, str) else None, row.get("split"))


def _context(folder: Path) -> dict[str, dict]:
    units = folder / "context" / "units.jsonl"
    if not units.exists():
        return {}
    out = {}
    for line in units.open(encoding="utf-8"):
        row = json.loads(line)
        out[row["id"]] = row
    return out


def load_labelled(paths: Iterable[str | Path]) -> list[Labelled]:
    """Read labelled JSONL files; refuse a bad line with its file and line number."""
    records: list[Labelled] = []
    seen: dict[str, Labelled] = {}
    for path in paths:
        path = Path(path)
        if path.is_dir():
            raise ThemeclassError("is a directory (give the .jsonl files)", path)
        try:
            lines = path.read_text(encoding="utf-8").split("\n")  # only a newline ends a JSON line; U+0085 or U+2028 may sit inside a text
        except FileNotFoundError:
            raise ThemeclassError("no such file", path) from None
        except (OSError, UnicodeDecodeError) as err:
            raise ThemeclassError(f"cannot read labels ({err})", path) from None
        context = _context(path.parent)
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            rec = parse_record(line, f"line {n}", path)
            ctx = context.get(rec.id, {})
            if rec.section is None and ctx.get("section"):
                rec = Labelled(rec.id, rec.text, rec.themes, rec.recurring, ctx["section"], rec.split)
            if rec.split is None and ctx.get("split"):
                rec = Labelled(rec.id, rec.text, rec.themes, rec.recurring, rec.section, ctx["split"])
            if rec.id in seen:
                if seen[rec.id].themes != rec.themes:
                    raise ThemeclassError(f"line {n}: id {rec.id} is labelled twice, differently", path)
                continue
            seen[rec.id] = rec
            records.append(rec)
    if not records:
        raise ThemeclassError("no labelled units found", ", ".join(str(p) for p in paths))
    return records


def theme_matrix(records: Iterable[Labelled]) -> np.ndarray:
    """n x 5 0/1 matrix of the themes each unit is labelled with."""
    return np.array([[int(t in r.themes) for t in THEMES] for r in records], dtype=int).reshape(-1, len(THEMES))


def checksum(records: Iterable[Labelled]) -> str:
    """SHA-256 of the records' content, to tie a model to the data it was trained on."""
    h = hashlib.sha256()
    for r in sorted(records, key=lambda r: r.id):
        h.update(json.dumps([r.id, r.text, sorted(r.themes.items()), sorted(r.recurring)], ensure_ascii=False).encode())
    return h.hexdigest()
