"""The front door: read one report, or many, into :class:`~themeclass.report.Report` objects.

``read_text`` picks the reader for a file (plain text, PDF or HTML, gzip-compressed or
not); ``read`` adds segmentation and metadata; ``read_all`` and ``report_paths`` walk
files and folders.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import ThemeclassError
from ..report import Report, Skipped
from .html import html_text
from .metadata import extract_metadata
from .pdf import pdf_text
from .segment import segment
from .text import SUPPORTED_SUFFIXES, file_kind, gunzip, normalise_text, plain_text, read_bytes

PathLike = str | os.PathLike[str]


def read_text(path: PathLike) -> str:
    """Return the normalised text of the report at ``path``.

    The reader is chosen by suffix (``.pdf``, ``.html``/``.htm``, ``.txt``) and, for any
    other suffix, by the first bytes (``%PDF-``, ``<html``/``<!doctype html``, else text).
    Raises ThemeclassError, naming the file, for anything the user can fix: missing file,
    directory, empty file, binary data, damaged or encrypted PDF, PDF without text.
    """
    file = Path(path)
    data = read_bytes(file)
    inner = file
    if file.suffix.lower() == ".gz" or data[:2] == b"\x1f\x8b":
        data = gunzip(data, file)
        inner = file.with_suffix("") if file.suffix.lower() == ".gz" else file
    kind = file_kind(inner, data)
    if kind == "pdf":
        text = pdf_text(data, file)  # pypdfium2 is imported only when a PDF is read
    elif kind == "html":
        text = html_text(data, file)
    else:
        text = plain_text(data, file)
    return normalise_text(text)


def report_id(path: PathLike) -> str:
    """A report's id: its file name without suffixes ("liverpool_2023-05_ilacs")."""
    name = Path(path).name
    for suffix in (".gz",) + SUPPORTED_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def read(path: PathLike) -> Report:
    """Read a report (txt, PDF or HTML) into units and metadata.

    >>> report = read("tests/data/liverpool_2023-05_ilacs.txt")  # doctest: +SKIP
    >>> report.metadata.authority, report.units[0].section       # doctest: +SKIP
    ('Liverpool', None)

    Raises :class:`~themeclass.errors.ThemeclassError` naming the file when it
    cannot be read.
    """
    file = Path(path)
    text = read_text(file)
    rid = report_id(file)
    return Report(id=rid, text=text, metadata=extract_metadata(text, rid), units=segment(text, rid), path=file)


def report_paths(paths: Iterable[PathLike]) -> list[Path]:
    """Expand files and folders into the report files they hold, in a stable order.

    A folder is searched recursively for files with a supported suffix (also
    gzip-compressed, e.g. ``.txt.gz``); a named file is taken as given. A folder
    that holds no report is an error.
    """
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and _is_report_name(f.name))
            if not found:
                raise ThemeclassError(f"no reports found (looked for {', '.join(SUPPORTED_SUFFIXES)})", p)
            out.extend(found)
        else:
            out.append(p)
    return out


def _is_report_name(name: str) -> bool:
    name = name.lower()
    if name.startswith("."):
        return False
    if name.endswith(".gz"):
        name = name[:-3]
    return name.endswith(SUPPORTED_SUFFIXES)


def read_all(paths: Iterable[PathLike], skipped: list[Skipped] | None = None) -> Iterator[Report]:
    """Read many reports, skipping the unreadable ones (recorded in ``skipped``)."""
    for file in report_paths(paths):
        try:
            yield read(file)
        except ThemeclassError as err:
            if skipped is None:
                raise
            skipped.append(Skipped(str(file), err.problem))
