"""Labelled units: reading the codebook's JSON Lines records, and the one rule that
says which units are for training and which for evaluation.

A record (see ``docs/CODEBOOK.md``)::

    {"id": "sefton_2022-03_ilacs#017", "text": "...", "themes": {"supervision": "negative"},
     "recurring": ["supervision"], "section": "What needs to improve?", "split": "train"}

``section`` (the heading the unit sits under) and ``split`` are optional. The split
travels with each record, so copying label files elsewhere cannot move a unit
from evaluation into training. :func:`split_of` is the rule every command uses
(``train``, ``evaluate``, ``compare``, ``label export``):

1. a record's own ``"split"`` (``"train"`` or ``"eval"``) wins;
2. otherwise a unit of one of the shipped evaluation reports
   (:data:`EVALUATION_REPORTS`) is ``"eval"``, wherever its record came from;
3. otherwise ``"train"``.

A model records the reports it was trained on, and refuses to be scored on them
(:mod:`themeclass.learning.evaluate`).

>>> split_of(Labelled("luton_2026-03_ilacs#004", "...", {}))
'eval'
>>> split_of(Labelled("sefton_2022-03_ilacs#017", "...", {}))
'train'
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ..codebook import LABELS, THEMES
from ..errors import ThemeclassError
from ..files import read_jsonl

SPLITS = ("train", "eval")

#: The 18 whole reports of the shipped evaluation split, drawn at random before any
#: result on them was seen (``corpus/README.md``). Their units are never trained on.
EVALUATION_REPORTS = frozenset({
    "cambridgeshire_2020-03_focused", "cheshire-east_2022-09_jtai", "east-sussex_2024-02_ilacs",
    "hillingdon_2018-05_ilacs", "lancashire_2018-08_sif", "lincolnshire_2016-12_jtai", "luton_2026-03_ilacs",
    "norfolk_2026-05_ilacs", "plymouth_2024-03_ilacs", "portsmouth_2018-10_ilacs",
    "redcar-and-cleveland_2019-01_focused", "sandwell_2021-05_focused", "sandwell_2025-12_ilacs",
    "southampton_2021-06_focused", "stockport_2024-02_focused", "west-sussex_2019-05_ilacs",
    "westminster_2018-08_focused", "windsor-and-maidenhead_2018-12_focused",
})


@dataclass(frozen=True)
class Labelled:
    """One labelled unit."""

    id: str
    text: str
    themes: dict[str, str]
    recurring: tuple[str, ...] = ()
    section: str | None = None
    split: str | None = None  # as written in the record; see split_of

    @property
    def report(self) -> str:
        return report_of(self.id)

    def to_dict(self) -> dict:
        out = {"id": self.id, "text": self.text, "themes": dict(self.themes), "recurring": list(self.recurring)}
        if self.section is not None:
            out["section"] = self.section
        if self.split is not None:
            out["split"] = self.split
        return out


def report_of(unit_id: str) -> str:
    """``"sefton_2022-03_ilacs#017"`` -> ``"sefton_2022-03_ilacs"``."""
    return unit_id.split("#", 1)[0]


def split_of(record: Labelled) -> str:
    """``"train"`` or ``"eval"``: the rule in the module docstring."""
    if record.split is not None:
        return record.split
    return "eval" if record.report in EVALUATION_REPORTS else "train"


def parse_record(row: object, where: str, path: str | os.PathLike[str]) -> Labelled:
    """A JSON object as a :class:`Labelled` record, or a one-line error naming ``where``."""
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
    split = row.get("split")
    if split is not None and split not in SPLITS:
        raise ThemeclassError(f"{where}: split must be one of {', '.join(SPLITS)}, not {split!r}", path)
    section = row.get("section")
    return Labelled(row["id"], row["text"], dict(row["themes"]), tuple(recurring),
                    section if isinstance(section, str) else None, split)


def load_labelled(paths: Iterable[str | os.PathLike[str]]) -> list[Labelled]:
    """Read labelled JSONL files; refuse a bad line with its file and line number.

    A unit labelled twice alike is kept once; labelled twice differently, refused."""
    records: list[Labelled] = []
    seen: dict[str, Labelled] = {}
    paths = [Path(p) for p in paths]
    for path in paths:
        for n, row in read_jsonl(path, "labelled units"):
            rec = parse_record(row, f"line {n}", path)
            if rec.id in seen:
                if (seen[rec.id].themes, seen[rec.id].recurring) != (rec.themes, rec.recurring):
                    raise ThemeclassError(f"line {n}: id {rec.id} is labelled twice, differently", path)
                if split_of(seen[rec.id]) != split_of(rec):
                    raise ThemeclassError(f"line {n}: id {rec.id} is in both the training and the evaluation split", path)
                continue
            seen[rec.id] = rec
            records.append(rec)
    if not records:
        raise ThemeclassError("no labelled units found", ", ".join(str(p) for p in paths))
    return records


def by_split(records: Sequence[Labelled]) -> dict[str, list[Labelled]]:
    """``{"train": [...], "eval": [...]}`` by :func:`split_of`."""
    out: dict[str, list[Labelled]] = {s: [] for s in SPLITS}
    for r in records:
        out[split_of(r)].append(r)
    return out


def with_split(records: Iterable[Labelled], split: str) -> list[Labelled]:
    """The records, each with its split written in (so it travels with the label)."""
    return [replace(r, split=split) for r in records]


def theme_matrix(records: Iterable[Labelled]) -> np.ndarray:
    """n x 5 0/1 matrix of the themes each unit is labelled with."""
    return np.array([[int(t in r.themes) for t in THEMES] for r in records], dtype=int).reshape(-1, len(THEMES))


def checksum(records: Iterable[Labelled]) -> str:
    """SHA-256 of the records' content, to tie a model to the data it was trained on."""
    h = hashlib.sha256()
    for r in sorted(records, key=lambda r: r.id):
        h.update(json.dumps([r.id, r.text, sorted(r.themes.items()), sorted(r.recurring)], ensure_ascii=False).encode())
    return h.hexdigest()
