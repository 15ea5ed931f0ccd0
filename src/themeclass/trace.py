"""Trace themes across reports: which weaknesses keep coming back, and where.

Reports are grouped by authority and put in date order (inspections, focused and
monitoring visits, JTAI letters and news alike). For every report and theme the
units are counted by sentiment, with a **balance** in [-1, 1]:
``(positive - negative) / units`` (mixed and neutral units count 0).

A report **judges a theme a weakness** when its balance is below 0, or when one
of its "What needs to improve?" items is about the theme. A **recurring
weakness** is

* a theme judged a weakness in two or more consecutive reports of the same
  authority (reports that say nothing about the theme do not break the run), or
* a weakness that a report itself says recurs (the codebook's recurrence flag).

Each recurring weakness carries at least one quoted sentence from every report it
spans. Reports whose authority is not recognised are listed apart, never merged
into another authority.

>>> import themeclass
>>> model = themeclass.load()                                        # doctest: +SKIP
>>> reports = [model.analyse(p) for p in themeclass.report_paths(["corpus/reports"])[:20]]  # doctest: +SKIP
>>> themeclass.trace(reports).recurring()                             # doctest: +SKIP
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .atomic import atomic_write
from .evidence import LABELS, WEAKNESS, improvement_section
from .report import Report
from .rules import THEMES

FRAME_COLUMNS = ["authority", "report", "date", "type", "theme", "units", *LABELS, "balance", "weakness"]


@dataclass
class ThemeCount:
    units: int = 0
    negative: int = 0
    positive: int = 0
    mixed: int = 0
    neutral: int = 0
    improvement_items: int = 0

    @property
    def balance(self) -> float:
        return round((self.positive - self.negative) / self.units, 4) if self.units else 0.0

    @property
    def weakness(self) -> bool:
        return self.units > 0 and (self.balance < 0 or self.improvement_items > 0)

    def to_dict(self) -> dict:
        return {"units": self.units, "negative": self.negative, "positive": self.positive, "mixed": self.mixed,
                "neutral": self.neutral, "balance": self.balance}


@dataclass
class ReportSummary:
    report: str
    authority: str | None
    date: str | None
    type: str
    themes: dict[str, ThemeCount]
    evidence: dict[str, list[dict]]  # theme -> weakness quotes, worst first
    recurring_flags: dict[str, list[dict]]  # theme -> quotes of units that say the weakness recurs

    def to_dict(self) -> dict:
        return {"report": self.report, "date": self.date, "type": self.type,
                "themes": {t: c.to_dict() for t, c in self.themes.items()}}


def summarise(report: Report) -> ReportSummary:
    """Count one analysed report's units by theme and sentiment, keeping weakness quotes."""
    counts: dict[str, ThemeCount] = {}
    quotes: dict[str, list[tuple[float, dict]]] = defaultdict(list)
    flags: dict[str, list[dict]] = defaultdict(list)
    for unit in report.units:
        for theme, result in unit.themes.items():
            c = counts.setdefault(theme, ThemeCount())
            c.units += 1
            setattr(c, result.sentiment, getattr(c, result.sentiment) + 1)
            if result.sentiment in WEAKNESS:
                if improvement_section(unit.section):
                    c.improvement_items += 1
                quote = {"report": report.id, "unit": unit.id, "text": (result.evidence or [unit.text])[0]}
                quotes[theme].append((result.score, quote))
                if result.recurring:
                    flags[theme].append(quote)
    meta = report.metadata
    date = meta.date.isoformat() if meta.date else None
    evidence = {t: [q for _, q in sorted(qs, key=lambda x: x[0])] for t, qs in quotes.items()}
    return ReportSummary(report.id, meta.authority, date, meta.type,
                         {t: counts[t] for t in THEMES if t in counts}, evidence, dict(flags))


@dataclass
class Trace:
    """Themes across reports; see the module docstring for the definitions."""

    reports: list[ReportSummary]
    skipped: list[dict] = field(default_factory=list)

    # -- structure --------------------------------------------------------------------
    def authorities(self) -> dict[str, list[ReportSummary]]:
        grouped: dict[str, list[ReportSummary]] = defaultdict(list)
        for r in self.reports:
            if r.authority:
                grouped[r.authority].append(r)
        return {a: sorted(rs, key=lambda r: (r.date or "", r.report)) for a, rs in sorted(grouped.items())}

    def unattributed(self) -> list[str]:
        return sorted(r.report for r in self.reports if not r.authority)

    def recurring_for(self, timeline: list[ReportSummary]) -> list[dict]:
        """Recurring weaknesses in one authority's timeline."""
        found = []
        for theme in THEMES:
            run: list[ReportSummary] = []
            runs: list[list[ReportSummary]] = []
            for r in timeline:
                count = r.themes.get(theme)
                if count is None:
                    continue  # silent on the theme: the run goes on
                if count.weakness:
                    run.append(r)
                else:
                    if len(run) >= 2:
                        runs.append(run)
                    run = []
            if len(run) >= 2:
                runs.append(run)
            in_runs = set()
            for run in runs:
                found.append({"theme": theme, "reports": [r.report for r in run], "kind": "consecutive",
                              "evidence": [r.evidence[theme][0] for r in run]})
                in_runs.update(r.report for r in run)
            for r in timeline:
                if theme in r.recurring_flags and r.report not in in_runs:
                    found.append({"theme": theme, "reports": [r.report], "kind": "flagged",
                                  "evidence": r.recurring_flags[theme][:1]})
        return found

    def national(self) -> dict:
        """Themes ranked by how many authorities show them as recurring weaknesses, overall and by year."""
        overall: Counter = Counter()
        by_year: dict[str, Counter] = defaultdict(Counter)
        dates = {r.report: r.date for r in self.reports}
        for authority, timeline in self.authorities().items():
            recurring = self.recurring_for(timeline)
            for theme in {w["theme"] for w in recurring}:
                overall[theme] += 1
            seen = set()
            for w in recurring:
                year = (dates.get(w["reports"][-1]) or "")[:4] or "unknown"
                if (year, w["theme"]) not in seen:
                    by_year[year][w["theme"]] += 1
                    seen.add((year, w["theme"]))
        return {
            "authorities": len(self.authorities()),
            "reports": len(self.reports),
            "ranking": [{"theme": t, "authorities": n} for t, n in sorted(overall.items(), key=lambda x: (-x[1], x[0]))],
            "by_year": {y: dict(sorted(c.items(), key=lambda x: (-x[1], x[0]))) for y, c in sorted(by_year.items())},
            "unattributed_reports": self.unattributed(),
            "skipped_files": self.skipped,
        }

    def to_dict(self) -> dict:
        return {
            "authorities": [
                {"authority": a, "reports": [r.to_dict() for r in timeline], "recurring": self.recurring_for(timeline)}
                for a, timeline in self.authorities().items()
            ],
            "national": self.national(),
        }

    # -- exports ----------------------------------------------------------------------
    def rows(self) -> list[dict]:
        """The tidy table: one row per report and theme it mentions."""
        out = []
        for authority, timeline in self.authorities().items():
            for r in timeline:
                for theme, c in r.themes.items():
                    out.append({"authority": authority, "report": r.report, "date": r.date, "type": r.type, "theme": theme,
                                **c.to_dict(), "weakness": c.weakness})
        return out

    def recurring_rows(self) -> list[dict]:
        out = []
        for authority, timeline in self.authorities().items():
            for w in self.recurring_for(timeline):
                for q in w["evidence"]:
                    out.append({"authority": authority, "theme": w["theme"], "kind": w["kind"], "reports": " ".join(w["reports"]),
                                "report": q["report"], "unit": q["unit"], "text": q["text"]})
        return out

    def write_json(self, path: str | Path) -> None:
        with atomic_write(path) as fh:
            json.dump(self.to_dict(), fh, ensure_ascii=False, indent=1)
            fh.write("\n")

    def write_csv(self, path: str | Path, recurring: bool = False) -> None:
        rows = self.recurring_rows() if recurring else self.rows()
        columns = ["authority", "theme", "kind", "reports", "report", "unit", "text"] if recurring else FRAME_COLUMNS
        with atomic_write(path) as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def to_frame(self):
        """Tidy pandas DataFrame: authority, report, date, type, theme, counts, balance."""
        pd = _pandas()
        frame = pd.DataFrame(self.rows(), columns=FRAME_COLUMNS)
        frame["date"] = pd.to_datetime(frame["date"])
        return frame

    def recurring(self):
        """Recurring weaknesses as a DataFrame, one row per quoted sentence."""
        return _pandas().DataFrame(self.recurring_rows(), columns=["authority", "theme", "kind", "reports", "report", "unit", "text"])

    def plot_timeline(self, authority: str, ax=None):
        """Each theme's balance report by report for one authority; recurring weaknesses ringed."""
        from .plots import timeline

        timeline_ = self.authorities().get(authority)
        if not timeline_:
            raise KeyError(f"no reports for authority {authority!r}")
        return timeline(authority, timeline_, self.recurring_for(timeline_), ax=ax)

    def plot_heatmap(self, authorities: Iterable[str] | None = None, ax=None):
        """Themes x inspections coloured by balance, recurring weaknesses marked."""
        from .plots import heatmap

        return heatmap(self, authorities, ax=ax)


def _pandas():
    try:
        import pandas as pd
    except ImportError:
        from .errors import ThemeclassError

        raise ThemeclassError("DataFrames need pandas: pip install 'themeclass[notebooks]'") from None
    return pd


def trace(reports: Iterable[Report | ReportSummary], skipped: list[dict] | None = None) -> Trace:
    """Trace analysed reports (from ``ThemeModel.analyse``) across authorities and years."""
    summaries = [r if isinstance(r, ReportSummary) else summarise(r) for r in reports]
    return Trace(summaries, list(skipped or []))
