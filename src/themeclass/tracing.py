"""Trace themes across reports: which weaknesses keep coming back, and where.

Reports are grouped by authority and put in date order (inspections, focused and
monitoring visits, JTAI letters and news alike). Each report's judgement of each
theme comes from :mod:`themeclass.judge`: a score, a label (``strength``,
``mixed``, ``weakness``, ``serious_weakness``), the number of units it rests on
and the ids of the units that carry it.

A **recurring weakness** is a run of an authority's reports, in date order, in
which a theme is judged a weakness in two or more consecutive reports that judge
it:

* a report silent on the theme does not break the run, nor does one that judges
  it ``mixed`` (it does not extend it either); a ``strength`` ends it;
* a report judging the theme a weakness that itself says the weakness recurs
  (the codebook's recurrence flag on one of its weakness units) joins the run of
  the authority's last earlier weakness on the theme, as one entry, even across
  reports that judged it better in between.

Each report of a run carries its evidence: the sentence that carries the
weakness (of the unit flagging the recurrence when that joined it, else of the
unit pulling hardest towards weakness), not the theme's first unit. A run is
**current** when no later report judges the theme better (the weakness reaches
the latest word on it), else **historic**. Reports with no date are listed and
never merged into a run; reports whose authority is not recognised are listed
apart; an authority with one report has no recurrence.

>>> import themeclass
>>> reports = [themeclass.analyse(path=p) for p in themeclass.report_paths(["corpus/reports"]) if "liverpool" in p.name]
>>> traced = themeclass.trace(reports)
>>> [(w.theme, w.status) for w in traced.recurring_for("Liverpool")][:2]
[('risk_response', 'historic'), ('supervision', 'historic')]
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .codebook import LABELS, THEMES, WEAKNESS, improvement_section
from .errors import ThemeclassError
from .files import atomic_write
from .judge import Judgement, ReportJudge, UnitResult, carrying_sentence
from .report import Report

FRAME_COLUMNS = ["authority", "report", "date", "type", "theme", "units", *LABELS, "balance", "score", "judgement",
                 "weakness", "evidence"]
RECURRING_COLUMNS = ["authority", "theme", "status", "kind", "first", "last", "reports", "report", "date", "unit",
                     "judgement", "score", "text"]


@dataclass
class ThemeCount:
    units: int = 0
    negative: int = 0
    positive: int = 0
    mixed: int = 0
    neutral: int = 0

    @property
    def balance(self) -> float:
        """(positive − negative) / units: the plain count, beside the judgement's weighted score."""
        return round((self.positive - self.negative) / self.units, 4) if self.units else 0.0

    def to_dict(self) -> dict:
        return {"units": self.units, "negative": self.negative, "positive": self.positive, "mixed": self.mixed,
                "neutral": self.neutral, "balance": self.balance}


@dataclass
class ReportSummary:
    """What a trace keeps of one analysed report: metadata, counts and each unit's results."""

    report: str
    authority: str | None
    date: str | None
    type: str
    themes: dict[str, ThemeCount]
    results: list[UnitResult] = field(default_factory=list)

    def result(self, unit: str, theme: str) -> UnitResult | None:
        for r in self.results:
            if r.unit == unit and r.theme == theme:
                return r
        return None

    def quote_unit(self, units: Iterable[str], theme: str) -> str:
        """Of units carrying a weakness (strongest first), the one to quote: the
        first that is not a bare "What needs to improve?" item, if any."""
        units = list(units)
        for unit in units:
            r = self.result(unit, theme)
            if r is not None and not r.improvement:
                return unit
        return units[0] if units else ""

    def to_dict(self) -> dict:
        return {"report": self.report, "date": self.date, "type": self.type,
                "themes": {t: c.to_dict() for t, c in self.themes.items()}}


def summarise(report: Report) -> ReportSummary:
    """Count one analysed report's units by theme and sentiment, and keep each (unit, theme) result."""
    counts: dict[str, ThemeCount] = {}
    results = []
    for unit in report.units:
        for theme, result in unit.themes.items():
            c = counts.setdefault(theme, ThemeCount())
            c.units += 1
            setattr(c, result.sentiment, getattr(c, result.sentiment) + 1)
            weak = result.sentiment in WEAKNESS
            quote = carrying_sentence(result.evidence, result.recurring) if weak else (result.evidence or [""])[0]
            results.append(UnitResult(unit.id, theme, result.sentiment, float(result.score), float(result.confidence),
                                      bool(result.recurring), improvement_section(unit.section), quote or unit.text))
    meta = report.metadata
    date = meta.date.isoformat() if meta.date else None
    return ReportSummary(report.id, meta.authority, date, meta.type, {t: counts[t] for t in THEMES if t in counts}, results)


@dataclass(frozen=True)
class Quote:
    """One report's evidence for a recurring weakness."""

    report: str
    date: str | None
    unit: str
    text: str
    judgement: str
    score: float

    def to_dict(self) -> dict:
        return {"report": self.report, "date": self.date, "unit": self.unit, "text": self.text,
                "judgement": self.judgement, "score": round(self.score, 4)}


@dataclass(frozen=True)
class RecurringWeakness:
    """A theme judged a weakness across a run of one authority's reports."""

    authority: str
    theme: str
    kind: str  # "consecutive", or "flagged" when a report's own recurrence flag joined the run
    status: str  # "current" (nothing later judges the theme better) or "historic"
    evidence: tuple[Quote, ...]

    @property
    def reports(self) -> list[str]:
        return [q.report for q in self.evidence]

    def to_dict(self) -> dict:
        return {"theme": self.theme, "kind": self.kind, "status": self.status, "reports": self.reports,
                "first": self.evidence[0].date, "last": self.evidence[-1].date,
                "evidence": [q.to_dict() for q in self.evidence]}


class Trace:
    """Themes across reports; see the module docstring for the definitions.

    ``judge`` turns each report's unit results into judgements (the shipped
    :meth:`ReportJudge.default` when None)."""

    def __init__(self, reports: list[ReportSummary], skipped: list[dict] | None = None,
                 judge: ReportJudge | None = None) -> None:
        self.reports = list(reports)
        self.skipped = list(skipped or [])
        self.judge = judge or ReportJudge.default()
        self._judgements: dict[str, dict[str, Judgement]] = {}
        self._recurring: dict[str, list[RecurringWeakness]] = {}
        self._grouped: dict[str, list[ReportSummary]] | None = None

    # -- structure --------------------------------------------------------------------
    def judgements(self, report: ReportSummary) -> dict[str, Judgement]:
        """``{theme: Judgement}`` of one report (cached)."""
        if report.report not in self._judgements:
            self._judgements[report.report] = self.judge.judge(report.results)
        return self._judgements[report.report]

    def authorities(self) -> dict[str, list[ReportSummary]]:
        """Each recognised authority's reports, dated ones in date order, then undated ones
        (grouped once: a trace's reports do not change after it is made)."""
        if self._grouped is None:
            grouped: dict[str, list[ReportSummary]] = defaultdict(list)
            for r in self.reports:
                if r.authority:
                    grouped[r.authority].append(r)
            self._grouped = {a: sorted(rs, key=lambda r: (r.date is None, r.date or "", r.report))
                             for a, rs in sorted(grouped.items())}
        return self._grouped

    def authority(self, name: str) -> str:
        """The authority of this trace that ``name`` means, matched case-insensitively
        (``"liverpool"``, ``"Barking-and-Dagenham"``); an unknown name is refused with
        the closest names."""
        import difflib

        known = list(self.authorities())
        key = _name_key(name)
        for candidate in known:
            if _name_key(candidate) == key:
                return candidate
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.6) or \
            [c for c in known if key and key in _name_key(c)][:3]
        hint = f"; did you mean {', '.join(close)}?" if close else f" (it has {len(known)} authorities)"
        raise ThemeclassError(f"no authority {name!r} in this trace{hint}")

    def unattributed(self) -> list[str]:
        return sorted(r.report for r in self.reports if not r.authority)

    def undated(self) -> list[str]:
        return sorted(r.report for r in self.reports if r.authority and not r.date)

    def recurring_for(self, authority: str) -> list[RecurringWeakness]:
        """The recurring weaknesses of one authority (any case), by theme then date."""
        authority = self.authority(authority)
        if authority not in self._recurring:
            timeline = [r for r in self.authorities().get(authority, []) if r.date]
            found = []
            for theme in THEMES:
                found.extend(self._runs(authority, timeline, theme))
            self._recurring[authority] = found
        return self._recurring[authority]

    def _runs(self, authority: str, timeline: list[ReportSummary], theme: str) -> list[RecurringWeakness]:
        judged = [(r, self.judgements(r)[theme]) for r in timeline if theme in self.judgements(r)]
        group_of: dict[int, int] = {}  # position in `judged` -> run id
        parent: list[int] = []
        joined_by_flag: set[int] = set()  # positions that joined through their flag
        current: int | None = None
        last_weak: int | None = None

        def root(i: int) -> int:
            while parent[i] != i:
                i = parent[i]
            return i

        for pos, (_, j) in enumerate(judged):
            if j.weakness:
                if current is None:
                    current = len(parent)
                    parent.append(current)
                group_of[pos] = current
                if j.recurring and last_weak is not None and root(group_of[last_weak]) != root(current):
                    parent[root(current)] = root(group_of[last_weak])
                    joined_by_flag.add(pos)
                last_weak = pos
            elif j.label == "strength":
                current = None  # a strength ends the run; mixed neither ends nor extends it
        members: dict[int, list[int]] = defaultdict(list)
        for pos, g in group_of.items():
            members[root(g)].append(pos)
        out = []
        for g, positions in sorted(members.items(), key=lambda kv: min(kv[1])):
            if len(positions) < 2:
                continue
            positions.sort()
            later = judged[positions[-1] + 1:]
            status = "historic" if any(not j.weakness for _, j in later) else "current"
            quotes = []
            for pos in positions:
                summary, j = judged[pos]
                unit = summary.quote_unit(j.recurring if pos in joined_by_flag else j.evidence or j.recurring, theme)
                found = summary.result(unit, theme)
                quotes.append(Quote(summary.report, summary.date, unit, found.quote if found else "", j.label, j.score))
            kind = "flagged" if joined_by_flag & set(positions) else "consecutive"
            out.append(RecurringWeakness(authority, theme, kind, status, tuple(quotes)))
        return out

    def national(self) -> dict:
        """Themes ranked by how many authorities show them as recurring weaknesses:
        current (reaching the latest word on the theme) and historic (since
        improved), overall and by the year a run ends."""
        current: Counter = Counter()
        historic: Counter = Counter()
        by_year: dict[str, Counter] = defaultdict(Counter)
        for authority in self.authorities():
            recurring = self.recurring_for(authority)
            themes_current = {w.theme for w in recurring if w.status == "current"}
            for theme in {w.theme for w in recurring}:
                (current if theme in themes_current else historic)[theme] += 1
            for year, theme in {((w.evidence[-1].date or "")[:4], w.theme) for w in recurring}:
                by_year[year][theme] += 1
        ranking = [{"theme": t, "authorities": current[t] + historic[t], "current": current[t], "historic": historic[t]}
                   for t in THEMES if current[t] + historic[t]]
        ranking.sort(key=lambda row: (-row["current"], -row["authorities"], row["theme"]))
        return {
            "authorities": len(self.authorities()),
            "reports": len(self.reports),
            "ranking": ranking,
            "by_year": {y: dict(sorted(c.items(), key=lambda x: (-x[1], x[0]))) for y, c in sorted(by_year.items())},
            "unattributed_reports": self.unattributed(),
            "undated_reports": self.undated(),
            "skipped_files": self.skipped,
        }

    def _report_dict(self, r: ReportSummary) -> dict:
        judged = self.judgements(r)
        return {"report": r.report, "date": r.date, "type": r.type,
                "themes": {t: {**c.to_dict(), **judged[t].to_dict()} for t, c in r.themes.items() if t in judged}}

    def to_dict(self) -> dict:
        return {
            "judge": self.judge.to_dict(),
            "authorities": [
                {"authority": a, "reports": [self._report_dict(r) for r in timeline],
                 "recurring": [w.to_dict() for w in self.recurring_for(a)]}
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
                judged = self.judgements(r)
                for theme, c in r.themes.items():
                    j = judged[theme]
                    out.append({"authority": authority, "report": r.report, "date": r.date, "type": r.type, "theme": theme,
                                **c.to_dict(), "score": round(j.score, 4), "judgement": j.label, "weakness": j.weakness,
                                "evidence": " ".join(j.evidence)})
        return out

    def recurring_rows(self) -> list[dict]:
        """One row per report of each recurring weakness, with its quote."""
        out = []
        for authority in self.authorities():
            for w in self.recurring_for(authority):
                for q in w.evidence:
                    out.append({"authority": authority, "theme": w.theme, "status": w.status, "kind": w.kind,
                                "first": w.evidence[0].date, "last": w.evidence[-1].date, "reports": " ".join(w.reports),
                                "report": q.report, "date": q.date, "unit": q.unit, "judgement": q.judgement,
                                "score": round(q.score, 4), "text": q.text})
        return out

    def write_json(self, path: str | Path) -> None:
        with atomic_write(path) as fh:
            json.dump(self.to_dict(), fh, ensure_ascii=False, indent=1)
            fh.write("\n")

    def write_csv(self, path: str | Path, recurring: bool = False) -> None:
        rows = self.recurring_rows() if recurring else self.rows()
        columns = RECURRING_COLUMNS if recurring else FRAME_COLUMNS
        with atomic_write(path, newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def to_frame(self):
        """Tidy pandas DataFrame: one row per report and theme, with counts, score, judgement and evidence ids."""
        pd = _pandas()
        frame = pd.DataFrame(self.rows(), columns=FRAME_COLUMNS)
        frame["date"] = pd.to_datetime(frame["date"])
        frame["judgement"] = pd.Categorical(frame["judgement"], categories=["strength", "mixed", "weakness", "serious_weakness"],
                                            ordered=True)
        return frame

    def recurring(self):
        """Recurring weaknesses as a DataFrame, one row per report of each, with its quote."""
        pd = _pandas()
        frame = pd.DataFrame(self.recurring_rows(), columns=RECURRING_COLUMNS)
        for col in ("first", "last", "date"):
            frame[col] = pd.to_datetime(frame[col])
        return frame

    def plot_timeline(self, authority: str, ax=None):
        """Each theme's score report by report for one authority (any case); recurring weaknesses ringed."""
        from .plots import timeline

        return timeline(self, self.authority(authority), ax=ax)

    def plot_heatmap(self, authorities: Iterable[str] | None = None, ax=None, limit: int = 12):
        """Themes x years coloured by score, recurring weaknesses marked. Without
        ``authorities``, the first ``limit`` by name, with a warning naming how many
        were left out."""
        import warnings

        from .plots import heatmap

        if authorities is None:
            names = list(self.authorities())
            if len(names) > limit:
                warnings.warn(f"plot_heatmap shows the first {limit} of {len(names)} authorities "
                              f"({names[0]} to {names[limit - 1]}); pass authorities=[...] to choose", stacklevel=2)
            chosen = names[:limit]
        else:
            chosen = [self.authority(a) for a in authorities]
        return heatmap(self, chosen, ax=ax)


def _name_key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _pandas():
    try:
        import pandas as pd
    except ImportError:
        raise ThemeclassError("DataFrames need pandas: pip install 'themeclass[notebooks]'") from None
    return pd


def trace(reports: Iterable[Report | ReportSummary], skipped: list[dict] | None = None,
          judge: ReportJudge | None = None) -> Trace:
    """Trace analysed reports (from ``ThemeModel.analyse``) across authorities and years."""
    summaries = [r if isinstance(r, ReportSummary) else summarise(r) for r in reports]
    return Trace(summaries, list(skipped or []), judge)
