"""The front door: read one report, or many, into :class:`~themeclass.report.Report` objects.

``read_text`` picks the reader for a file (plain text, PDF or HTML, gzip-compressed or
not); ``read`` adds segmentation and metadata; ``read_all`` and ``report_paths`` walk
files and folders.

One file is one report, so what one file may hold is bounded (issue 12): a text of
more than :data:`MAX_REPORT_BYTES` is refused before it is decoded or segmented, and
so is a file whose paragraphs mostly repeat one another (:data:`MAX_REPEAT_SHARE`),
each with a one-line :class:`~themeclass.errors.ThemeclassError` naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import ThemeclassError
from ..report import Report, Skipped, Unit
from .html import html_text
from .metadata import extract_metadata
from .pdf import pdf_text
from .segment import segment
from .text import (
    SUPPORTED_SUFFIXES,
    file_kind,
    gunzip,
    megabytes,
    normalise_text,
    plain_text,
    read_bytes,
    suffix_kind,
    too_large,
)

PathLike = str | os.PathLike[str]

#: The most text one report may hold, in bytes (after gunzip for ``.gz``): 2 MB, about
#: 15 times the largest of the 891 shipped reports (132 KB). A plain-text file over it
#: is refused before it is decoded (a compressed one without inflating more than this
#: plus one byte); the text read from a PDF or HTML page, before it is segmented.
#: Reading is then bounded in memory and time: the 122 MB text of issue 12 took 143 s
#: and 9.8 GB in ``trace``.
MAX_REPORT_BYTES = 2_000_000

#: The largest PDF or HTML file read (its text is then held to MAX_REPORT_BYTES).
#: These files also carry fonts, images and scripts: the nine report PDFs in
#: ``shared/corpus/pdf`` are 3 to 15 times the size of their text, so the largest
#: report as a PDF could pass 2 MB; 50 MB leaves room for pictures.
MAX_FILE_BYTES = 50_000_000

#: A report of at least MIN_UNITS_FOR_REPEATS units is refused when more than this
#: share of its units repeat the text of an earlier unit: such a file holds one text
#: many times, not a report. On the 891 shipped reports the largest share is 2%.
MAX_REPEAT_SHARE = 0.5

#: Fewer units than this are never refused as repeats (too few to tell).
MIN_UNITS_FOR_REPEATS = 10


def read_text(path: PathLike) -> str:
    """Return the normalised text of the report at ``path``.

    The reader is chosen by suffix (``.pdf``, ``.html``/``.htm``, ``.txt``) and, for any
    other suffix, by the first bytes (``%PDF-``, ``<html``/``<!doctype html``, else text).
    Raises ThemeclassError, naming the file, for anything the user can fix: missing file,
    directory, empty file, binary data, damaged or encrypted PDF, PDF without text, a
    file too large to be one report (:data:`MAX_REPORT_BYTES`).
    """
    file = Path(path)
    inner = file.with_suffix("") if file.suffix.lower() == ".gz" else file
    # A text file is held to the report limit before anything is read or inflated.
    limit = MAX_REPORT_BYTES if suffix_kind(inner) == "text" else MAX_FILE_BYTES
    data = read_bytes(file, limit)
    if file.suffix.lower() == ".gz" or data[:2] == b"\x1f\x8b":
        data = gunzip(data, file, limit)
    kind = file_kind(inner, data)
    if kind == "pdf":
        text = pdf_text(data, file)  # pypdfium2 is imported only when a PDF is read
    elif kind == "html":
        text = html_text(data, file)
    else:
        if len(data) > MAX_REPORT_BYTES:  # sniffed as text: held to the report limit before decoding
            raise ThemeclassError(too_large(megabytes(len(data)), MAX_REPORT_BYTES), file)
        text = plain_text(data, file)
    check_size(text, file)
    return normalise_text(text)


def check_size(text: str, source: PathLike | None = None) -> None:
    """Refuse a text of more than :data:`MAX_REPORT_BYTES` (UTF-8) as one report.

    >>> check_size("Children are safe.")
    >>> check_size("x" * 3_000_000, "big.txt")
    Traceback (most recent call last):
    ...
    themeclass.errors.ThemeclassError: big.txt: 3.0 MB of text is too large for one report (the limit is 2 MB; split it into its reports)
    """
    if len(text) * 4 <= MAX_REPORT_BYTES:  # UTF-8 takes at most 4 bytes a character
        return
    size = len(text.encode("utf-8"))
    if size > MAX_REPORT_BYTES:
        raise ThemeclassError(too_large(f"{megabytes(size)} of text", MAX_REPORT_BYTES), source)


def check_repeats(units: Sequence[Unit], source: PathLike | None = None) -> None:
    """Refuse units that mostly repeat one another: one text many times is not a report.

    A unit repeats when its text, spaces aside, is that of an earlier unit. With at
    least :data:`MIN_UNITS_FOR_REPEATS` units, more than :data:`MAX_REPEAT_SHARE` of
    them repeating is refused.

    >>> units = [Unit("r", i, "Children are seen alone.") for i in range(12)]
    >>> check_repeats(units, "r.txt")
    Traceback (most recent call last):
    ...
    themeclass.errors.ThemeclassError: r.txt: 11 of its 12 paragraphs repeat others: a file holding one text many times is not a report
    """
    if len(units) < MIN_UNITS_FOR_REPEATS:
        return
    distinct = {" ".join(u.text.split()) for u in units}
    repeats = len(units) - len(distinct)
    if repeats > MAX_REPEAT_SHARE * len(units):
        raise ThemeclassError(
            f"{repeats} of its {len(units)} paragraphs repeat others: a file holding one text many times is not a report",
            source,
        )


def report_id(path: PathLike) -> str:
    """A report's id: its file name without suffixes ("liverpool_2023-05_ilacs")."""
    name = Path(path).name
    for suffix in (".gz",) + SUPPORTED_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def read(path: PathLike) -> Report:
    """Read a report (txt, PDF or HTML) into units and metadata.

    >>> report = read("corpus/reports/liverpool_2023-05_ilacs.txt.gz")
    >>> report.id, report.metadata.authority, report.metadata.type
    ('liverpool_2023-05_ilacs', 'Liverpool', 'ilacs')

    Raises :class:`~themeclass.errors.ThemeclassError` naming the file when it
    cannot be read, is too large for one report (:data:`MAX_REPORT_BYTES`) or mostly
    repeats one text (:func:`check_repeats`).
    """
    file = Path(path)
    text = read_text(file)
    rid = report_id(file)
    units = segment(text, rid)
    check_repeats(units, file)
    return Report(id=rid, text=text, metadata=extract_metadata(text, rid), units=units, path=file)


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
