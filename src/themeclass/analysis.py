"""Analysing reports: read, segment, classify, summarise.

:func:`analyse` does one report, from a file or from a text (the caller says
which, as scikit-learn's vectorizers take ``input=``). :func:`analyse_paths` does
many, in parallel over reports with joblib, so the backend is the caller's
choice: processes on this machine by default (``jobs`` workers), or a Dask
cluster::

    from dask.distributed import Client
    import joblib
    client = Client("scheduler-address:8786")      # or Client() for a local cluster
    with joblib.parallel_config(backend="dask"):
        result = analyse_paths(["corpus/reports"])

Each worker loads the model once (:func:`worker_model`, a few milliseconds) and
sends back only the per-report summary and, if asked, the per-unit JSON lines.
Local workers exit when the process that started them dies
(:func:`themeclass.model.parallel.joblib_parallel`).

>>> report = analyse(text="Management oversight is not consistently evident in case records.")
>>> {theme: r.sentiment for theme, r in report.units[0].themes.items()}
{'supervision': 'negative'}
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from joblib import delayed

from .errors import ThemeclassError
from .model.format import load
from .model.parallel import joblib_parallel
from .model.predictor import ThemeModel
from .reading.metadata import extract_metadata
from .reading.read import check_repeats, check_size, read, report_paths
from .reading.segment import segment
from .report import Report, Unit
from .tracing import ReportSummary, summarise


@lru_cache(maxsize=4)
def worker_model(path: str | None) -> ThemeModel:
    """The model at ``path`` (None: the default), loaded once per process and kept:
    worker processes call this for every report they analyse."""
    return load(path)


def analyse(path: str | os.PathLike[str] | None = None, *, text: str | None = None,
            model: ThemeModel | None = None) -> Report:
    """Read and segment one report, from a file (``path=``) or from a text you
    already have (``text=``), and tag every unit with ``model`` (the shipped
    default when None). A text that segments into no unit is one unit."""
    if (path is None) == (text is None):
        raise TypeError("analyse() takes a path or text=, exactly one of them")
    model = model if model is not None else worker_model(None)
    if path is not None:
        report = read(path)
    else:
        check_size(text, "<text>")
        report = Report(id="text", text=text, metadata=extract_metadata(text, "text"), units=segment(text, "text"))
        check_repeats(report.units, "<text>")
        if not report.units and text.strip():
            report.units = [Unit(report="text", index=0, text=" ".join(text.split()), start=0, end=len(text))]
    results = model.predict([u.text for u in report.units], [u.section for u in report.units])
    report.units = [dataclasses.replace(u, themes=r) for u, r in zip(report.units, results)]
    return report


def unit_record(report: Report, unit: Unit) -> dict:
    """One analysed unit as the JSON object ``themeclass analyse`` writes."""
    meta = report.metadata
    return {
        "id": unit.id, "report": report.id, "authority": meta.authority, "type": meta.type,
        "date": meta.date.isoformat() if meta.date else None, "section": unit.section, "kind": unit.kind,
        "number": unit.number, "page": unit.page, "text": unit.text,
        "themes": {theme: result.to_dict() for theme, result in unit.themes.items()},
    }


def analyse_one(path: str, model_path: str | None = None, with_units: bool = False):
    """Analyse one report file; returns ("ok", summary, unit lines) or ("skipped", path, problem)."""
    try:
        report = analyse(path, model=worker_model(model_path))
    except ThemeclassError as err:
        return ("skipped", path, err.problem)
    lines = [json.dumps(unit_record(report, u), ensure_ascii=False) for u in report.units] if with_units else []
    return ("ok", summarise(report), lines)


@dataclass
class Analysis:
    """What :func:`analyse_paths` gives back: a summary per report (for
    :func:`themeclass.trace`), the unit lines if asked for, and the files skipped."""

    summaries: list[ReportSummary] = field(default_factory=list)
    unit_lines: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)


def analyse_paths(paths: Iterable[str | os.PathLike[str]], model_path: str | os.PathLike[str] | None = None,
                  jobs: int | None = None, with_units: bool = False, progress: bool | None = None) -> Analysis:
    """Analyse every report under ``paths`` (files or folders), in parallel over reports.

    ``progress``: a progress bar on stderr (default: when stderr is a terminal;
    otherwise one summary line at the end)."""
    files = [str(p) for p in report_paths(paths)]
    model_arg = None if model_path is None else str(model_path)
    worker_model(model_arg)  # fail fast, in this process, on a bad model
    n_jobs = jobs or os.cpu_count() or 1
    if n_jobs != 1:
        results = joblib_parallel(n_jobs, return_as="generator", batch_size="auto")(
            delayed(analyse_one)(f, model_arg, with_units) for f in files)
    else:
        results = (analyse_one(f, model_arg, with_units) for f in files)
    out = Analysis()
    interactive = sys.stderr.isatty() if progress is None else progress
    if interactive:
        from tqdm import tqdm

        results = tqdm(results, total=len(files), unit="report", file=sys.stderr)
    for status, a, b in results:
        if status == "ok":
            out.summaries.append(a)
            out.unit_lines.extend(b)
        else:
            out.skipped.append({"path": a, "problem": b})
    return out
