"""Analyse many reports in parallel: read, segment, classify, summarise.

Work is spread over reports with joblib, so the backend is the caller's choice:
processes on this machine by default (``n_jobs`` workers), or a Dask cluster::

    from dask.distributed import Client
    import joblib
    client = Client("scheduler-address:8786")      # or Client() for a local cluster
    with joblib.parallel_config(backend="dask"):
        result = analyse_paths(["corpus/reports"])

Each worker loads the model once (a few milliseconds) and sends back only the
per-report summary and, if asked, the per-unit JSON lines.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from joblib import Parallel, delayed

from .api import report_paths
from .errors import ThemeclassError
from .trace import ReportSummary, summarise


@lru_cache(maxsize=4)
def _model(path: str | None):
    from .model import load

    return load(path)


def unit_record(report, unit) -> dict:
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
        report = _model(model_path).analyse(Path(path))
    except ThemeclassError as err:
        return ("skipped", path, err.problem)
    lines = [json.dumps(unit_record(report, u), ensure_ascii=False) for u in report.units] if with_units else []
    return ("ok", summarise(report), lines)


@dataclass
class Analysis:
    summaries: list[ReportSummary] = field(default_factory=list)
    unit_lines: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)


def analyse_paths(paths: Iterable[str | os.PathLike[str]], model_path: str | os.PathLike[str] | None = None,
                  jobs: int | None = None, with_units: bool = False, progress: bool | None = None) -> Analysis:
    """Analyse every report under ``paths`` (files or folders), in parallel over reports."""
    files = [str(p) for p in report_paths(paths)]
    if model_path is not None:
        _model(str(model_path))  # fail fast, in this process, on a bad model
    else:
        _model(None)
    n_jobs = jobs or os.cpu_count() or 1
    if progress is None:
        progress = sys.stderr.isatty()
    tasks = (delayed(analyse_one)(f, None if model_path is None else str(model_path), with_units) for f in files)
    results = Parallel(n_jobs=n_jobs, return_as="generator", batch_size="auto")(tasks) if n_jobs != 1 else (analyse_one(f, None if model_path is None else str(model_path), with_units) for f in files)
    if progress:
        from tqdm import tqdm

        results = tqdm(results, total=len(files), unit="report", file=sys.stderr)
    out = Analysis()
    for status, a, b in results:
        if status == "ok":
            out.summaries.append(a)
            out.unit_lines.extend(b)
        else:
            out.skipped.append({"path": a, "problem": b})
    return out
