"""The labelling round trip: export the units a model is least sure of, import them labelled.

``export_uncertain`` ranks units by the model's margin: for each theme, how far
its probability is from that theme's threshold, and for each theme found, how far
apart the two likeliest sentiment labels are; a unit's margin is the smallest of
these. The lowest-margin units go to a CSV a spreadsheet can edit: ``id``,
``report``, ``section``, ``text``, one column per theme (fill in ``negative``,
``positive``, ``mixed`` or ``neutral``; leave blank when the unit is not about
it), ``recurring`` (themes, separated by spaces) and ``text_sha256`` (so an edited
text is caught on import).

``import_labels`` checks every row and refuses the file, listing every problem
by row number, unless all rows pass (or ``skip_bad``); nothing is written
otherwise. Labels already in the output file or the corpus are never changed
without ``replace``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
from joblib import Parallel, delayed

from .api import read, report_paths
from .atomic import atomic_write
from .errors import ThemeclassError
from .evidence import LABELS
from .rules import THEMES

COLUMNS = ["id", "report", "section", "text", *THEMES, "recurring", "text_sha256"]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _margins(path: str, model_path: str | None):
    from .analyse import _model

    model = _model(model_path)
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
    return [(float(m), u.id, report.id, u.section, u.text) for m, u in zip(margin, units)]


def export_uncertain(paths: Iterable[str | os.PathLike[str]], n: int, output: str | os.PathLike[str],
                     model_path: str | None = None, exclude: set[str] | None = None, jobs: int | None = None) -> int:
    """Write the ``n`` units the model is least sure of to a CSV; returns how many were written."""
    files = [str(p) for p in report_paths(paths)]
    chunks = Parallel(n_jobs=jobs or os.cpu_count() or 1)(delayed(_margins)(f, model_path) for f in files)
    rows = sorted((r for chunk in chunks for r in chunk if not exclude or r[1] not in exclude), key=lambda r: (r[0], r[1]))
    with atomic_write(output, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for _, uid, report, section, text in rows[:n]:
            writer.writerow([uid, report, section or "", text, *[""] * len(THEMES), "", text_hash(text)])
    return min(n, len(rows))


def labelled_ids(folder: str | os.PathLike[str]) -> dict[str, dict]:
    """Every labelled unit in the ``*.jsonl`` files of a folder: id -> record."""
    out = {}
    for path in sorted(Path(folder).glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            if line.strip():
                row = json.loads(line)
                out[row["id"]] = row
    return out


@dataclass
class ImportResult:
    written: int
    problems: list[str]


def _parse(csv_path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        with csv_path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            rows = [(n, row) for n, row in enumerate(reader, start=2)]  # row 1 is the header
    except FileNotFoundError:
        raise ThemeclassError("no such file", csv_path) from None
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise ThemeclassError(f"cannot read CSV ({err})", csv_path) from None
    missing = [c for c in ("id", "text") if c not in header]
    if missing:
        raise ThemeclassError(f"row 1: missing column(s) {', '.join(missing)}", csv_path)
    problems = [f"row 1: unknown column {c!r} (theme columns are {', '.join(THEMES)})"
                for c in header if c not in COLUMNS]
    return rows, problems


def check_row(n: int, row: dict) -> tuple[dict | None, list[str]]:
    """A CSV row as a codebook record, or the problems that stop it."""
    problems = []
    uid = (row.get("id") or "").strip()
    text = row.get("text") or ""
    if not uid:
        problems.append(f"row {n}: missing id")
    if not text.strip():
        problems.append(f"row {n}: empty text")
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
    if sha and text and text_hash(text) != sha:
        problems.append(f"row {n}: text changed since export (id {uid})")
    if problems:
        return None, problems
    return {"id": uid, "text": text, "themes": themes, "recurring": recurring}, []


def import_labels(csv_path: str | os.PathLike[str], output: str | os.PathLike[str], corpus: str | os.PathLike[str] | None = None,
                  skip_bad: bool = False, replace: bool = False) -> ImportResult:
    """Validate a labelled CSV and append its rows to ``output`` (JSONL), atomically."""
    csv_path, output = Path(csv_path), Path(output)
    rows, problems = _parse(csv_path)
    existing_out: dict[str, dict] = {}
    if output.exists():
        for line in output.open(encoding="utf-8"):
            if line.strip():
                rec = json.loads(line)
                existing_out[rec["id"]] = rec
    in_corpus = labelled_ids(corpus) if corpus is not None and Path(corpus).is_dir() else {}
    good: dict[str, tuple[int, dict]] = {}
    bad_rows: set[int] = set()
    for n, row in rows:
        record, row_problems = check_row(n, row)
        if record is not None:
            uid = record["id"]
            if uid in good:
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
            bad_rows.add(n)
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
    return ImportResult(len(good), problems)
