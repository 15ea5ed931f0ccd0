"""The labelling round trip: export the units a model is least sure of, import them labelled.

:func:`export_uncertain` ranks units by the model's margin: for each theme, how
far its probability is from that theme's threshold, and for each theme found,
how far apart the two likeliest sentiment labels are; a unit's margin is the
smallest of these. The lowest-margin units go to a CSV a spreadsheet can edit:
``id``, ``report``, ``section``, ``text``, ``labelled``, one column per theme
(fill in ``negative``, ``positive``, ``mixed`` or ``neutral``; leave blank when
the unit is not about it), ``recurring`` (themes, separated by spaces) and
``text_sha256`` (so an edited text is caught on import). Units already labelled
in the corpus, and every unit of an evaluation report, are never exported.

A row counts as labelled when its ``labelled`` column says yes (``yes``, ``y``,
``x``, ``1``, ``true``) or any theme column is filled; a unit about no theme needs
``labelled = yes``. :func:`import_labels` skips (and counts) the rows not
labelled, so a half-done batch can be imported without turning untouched rows
into "no theme". It checks every labelled row and refuses the file, listing every
problem by row number, unless all rows pass (or ``skip_bad``); nothing is written
otherwise. Labels already in the output file or the corpus are never changed
without ``replace``. Spreadsheets saved by Excel are read as they come: UTF-8
(with or without BOM) or Windows cp1252, commas, semicolons or tabs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
from joblib import delayed

from .analysis import worker_model
from .codebook import LABELS, THEMES
from .errors import ThemeclassError
from .files import atomic_write, read_jsonl
from .learning.dataset import EVALUATION_REPORTS, parse_record, report_of, split_of
from .model.parallel import joblib_parallel
from .reading.read import read, report_paths

COLUMNS = ["id", "report", "section", "text", "labelled", *THEMES, "recurring", "text_sha256"]
YES = ("yes", "y", "x", "1", "true")
NO = ("no", "n", "0", "false")


def _labelled_dir() -> Path | None:
    """``corpus/labelled`` of a source checkout (a wheel ships no corpus)."""
    folder = Path(__file__).resolve().parents[2] / "corpus" / "labelled"
    return folder if folder.is_dir() else None


#: The labelled corpus of this checkout: what ``label export`` and ``import`` check against by default.
LABELLED_DIR = _labelled_dir()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Candidate:
    """A unit and how sure the model is of it (the smaller the margin, the less sure)."""

    margin: float
    id: str
    report: str
    section: str | None
    text: str


def margins(path: str, model_path: str | None = None) -> list[Candidate]:
    """Every unit of one report with the model's margin (an unreadable report: none)."""
    model = worker_model(model_path)
    try:
        report = read(path)
    except ThemeclassError:
        return []
    units = [u for u in report.units if u.text.strip()]
    if not units:
        return []
    prepared = model.prepare([u.text for u in units])
    proba = model.theme_proba(prepared, [u.section for u in units])
    thresholds = model.theme["thresholds"]
    margin = np.abs(proba - thresholds).min(axis=1)
    found = proba >= thresholds
    items = [(p, THEMES[j], u.section) for p, u, row in zip(prepared, units, found) for j in np.flatnonzero(row)]
    if items:
        sp = np.sort(model.sentiment_proba(items), axis=1)
        gaps = sp[:, -1] - sp[:, -2] if sp.shape[1] > 1 else sp[:, -1]
        k = 0
        for i, row in enumerate(found):
            for _ in np.flatnonzero(row):
                margin[i] = min(margin[i], gaps[k])
                k += 1
    return [Candidate(float(m), u.id, report.id, u.section, u.text) for m, u in zip(margin, units)]


def labelled_ids(folder: str | os.PathLike[str]) -> dict[str, dict]:
    """Every labelled unit in the ``*.jsonl`` files of a folder: id -> record."""
    out = {}
    for path in sorted(Path(folder).glob("*.jsonl")):
        for _, row in read_jsonl(path, "labelled units"):
            if isinstance(row, dict) and "id" in row:
                out[row["id"]] = row
    return out


def evaluation_reports(corpus: dict[str, dict]) -> set[str]:
    """Reports whose units must never be labelled for training: the shipped
    evaluation reports and every report with an evaluation unit in the corpus."""
    reports = set(EVALUATION_REPORTS)
    for uid, row in corpus.items():
        if row.get("split") == "eval":
            reports.add(report_of(uid))
    return reports


def _corpus(corpus: str | os.PathLike[str] | None) -> dict[str, dict]:
    if corpus is None:
        return {}
    if not Path(corpus).is_dir():
        raise ThemeclassError("no such folder of labelled units", corpus)
    return labelled_ids(corpus)


@dataclass
class ExportResult:
    written: int
    already_labelled: int  # units left out because the corpus has them
    evaluation: int  # units left out because their report is an evaluation report


def export_uncertain(paths: Iterable[str | os.PathLike[str]], n: int, output: str | os.PathLike[str],
                     model_path: str | None = None, corpus: str | os.PathLike[str] | None = LABELLED_DIR,
                     jobs: int | None = None, progress: bool | None = None) -> ExportResult:
    """Write the ``n`` units the model is least sure of to a CSV (see the module docstring)."""
    known = _corpus(corpus)
    held_out = evaluation_reports(known) | set(worker_model(model_path).info.get("scores", {}).get("reports") or ())
    files = [str(p) for p in report_paths(paths)]
    chunks = joblib_parallel(jobs or os.cpu_count() or 1, return_as="generator")(
        delayed(margins)(f, model_path) for f in files)
    interactive = sys.stderr.isatty() if progress is None else progress
    if interactive:
        from tqdm import tqdm

        chunks = tqdm(chunks, total=len(files), unit="report", file=sys.stderr)
    candidates = [c for chunk in chunks for c in chunk]
    # a unit is known by its id, or by its text: a later segmenter may number a report's units differently
    texts = {_plain(row.get("text", "")) for row in known.values()}
    labelled = {c.id for c in candidates if c.id in known or _plain(c.text) in texts}
    keep = [c for c in candidates if c.id not in labelled and c.report not in held_out]
    keep.sort(key=lambda c: (c.margin, c.id))
    with atomic_write(output, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for c in keep[:n]:
            writer.writerow([c.id, c.report, c.section or "", c.text, "", *[""] * len(THEMES), "", text_hash(c.text)])
    return ExportResult(min(n, len(keep)), len(labelled),
                        sum(c.id not in labelled and c.report in held_out for c in candidates))


def _plain(text: str) -> str:
    return " ".join(text.split())


@dataclass
class ImportResult:
    written: int
    not_labelled: int  # rows skipped: nothing filled in and not marked labelled
    problems: list[str] = field(default_factory=list)


def read_spreadsheet(csv_path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and ``(row number, row)`` of a CSV as a spreadsheet saves it:
    UTF-8 (BOM or not) or cp1252; comma, semicolon or tab separated."""
    try:
        data = csv_path.read_bytes()
    except FileNotFoundError:
        raise ThemeclassError("no such file", csv_path) from None
    except OSError as err:
        raise ThemeclassError(f"cannot read CSV ({err.strerror or err})", csv_path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel on Windows
    first = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        rows = [(n, row) for n, row in enumerate(reader, start=2)]  # row 1 is the header
    except csv.Error as err:
        raise ThemeclassError(f"cannot read CSV ({err})", csv_path) from None
    return header, rows


def is_labelled(row: dict) -> bool:
    """Did the researcher label this row? (Anything but blank or "no" in ``labelled``,
    or a theme filled in; a marker that is neither yes nor no is then refused.)"""
    marker = (row.get("labelled") or "").strip().lower()
    return (bool(marker) and marker not in NO) or any((row.get(t) or "").strip() for t in THEMES)


def check_row(n: int, row: dict) -> tuple[dict | None, list[str]]:
    """A CSV row as a codebook record, or the problems that stop it."""
    problems = []
    uid = (row.get("id") or "").strip()
    text = row.get("text") or ""
    if not uid:
        problems.append(f"row {n}: missing id")
    if not text.strip():
        problems.append(f"row {n}: empty text")
    marker = (row.get("labelled") or "").strip().lower()
    if marker and marker not in YES and marker not in NO:
        problems.append(f"row {n}: labelled is {marker!r} (use yes, or leave blank)")
    themes = {}
    for theme in THEMES:
        value = (row.get(theme) or "").strip().lower()
        if value and value not in LABELS:
            problems.append(f"row {n}: unknown sentiment {value!r} for {theme} (use {', '.join(LABELS)} or leave blank)")
        elif value:
            themes[theme] = value
    recurring = (row.get("recurring") or "").replace(",", " ").split()
    for theme in recurring:
        if theme not in THEMES:
            problems.append(f"row {n}: unknown theme {theme!r} in recurring")
        elif theme not in themes:
            problems.append(f"row {n}: recurring theme {theme} has no sentiment label")
    sha = (row.get("text_sha256") or "").strip()
    if text and text_hash(text) != sha:
        problems.append(f"row {n}: text changed since export (id {uid})" if sha else f"row {n}: text_sha256 is empty")
    if problems:
        return None, problems
    section = (row.get("section") or "").strip() or None
    record = {"id": uid, "text": text, "themes": themes, "recurring": recurring, "split": "train"}
    if section:
        record["section"] = section
    return record, []


def import_labels(csv_path: str | os.PathLike[str], output: str | os.PathLike[str],
                  corpus: str | os.PathLike[str] | None = LABELLED_DIR, skip_bad: bool = False,
                  replace: bool = False) -> ImportResult:
    """Validate a labelled CSV and add its labelled rows to ``output`` (JSONL), atomically."""
    csv_path, output = Path(csv_path), Path(output)
    header, rows = read_spreadsheet(csv_path)
    missing = [c for c in ("id", "text", "text_sha256") if c not in header]
    if missing:
        why = " (it guards against texts edited after export: export the batch again)" if "text_sha256" in missing else ""
        raise ThemeclassError(f"row 1: missing column(s) {', '.join(missing)}{why}", csv_path)
    problems = [f"row 1: unknown column {c!r} (theme columns are {', '.join(THEMES)})" for c in header if c not in COLUMNS]
    existing_out = {row["id"]: row for _, row in read_jsonl(output, "labelled units")} if output.exists() else {}
    in_corpus = _corpus(corpus)
    held_out = evaluation_reports(in_corpus)
    good: dict[str, tuple[int, dict]] = {}
    not_labelled = 0
    for n, row in rows:
        if not is_labelled(row):
            not_labelled += 1
            continue
        record, row_problems = check_row(n, row)
        if record is not None:
            uid = record["id"]
            if report_of(uid) in held_out or split_of(parse_record(record, f"row {n}", csv_path)) != "train":
                row_problems.append(f"row {n}: id {uid} is a unit of an evaluation report; it cannot be labelled for training")
            elif uid in good:
                first_n, first = good[uid]
                if (first["themes"], first["recurring"]) != (record["themes"], record["recurring"]):
                    row_problems.append(f"row {n}: id {uid} also at row {first_n} with different labels")
                else:
                    continue  # an exact repeat: harmless
            for source, known in (("the output file", existing_out), ("the corpus", in_corpus)):
                old = known.get(uid)
                if old is not None and not replace and (old.get("themes"), sorted(old.get("recurring") or [])) != (record["themes"], sorted(record["recurring"])):
                    row_problems.append(f"row {n}: id {uid} is already in {source} with different labels (use --replace)")
                    break
        if row_problems:
            problems.extend(row_problems)
        else:
            good[record["id"]] = (n, record)
    if problems and not skip_bad:
        raise ThemeclassError(f"{len(problems)} problem(s); nothing written:\n  " + "\n  ".join(problems), csv_path)
    merged = dict(existing_out)
    for uid, (_, record) in good.items():
        merged[uid] = record
    with atomic_write(output) as fh:
        for record in merged.values():
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return ImportResult(len(good), not_labelled, problems)
