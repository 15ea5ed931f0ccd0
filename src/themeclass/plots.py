"""Matplotlib figures of a trace (needs the ``notebooks`` extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from .codebook import THEMES
from .errors import ThemeclassError

if TYPE_CHECKING:  # pragma: no cover
    from .tracing import Trace


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ThemeclassError("plots need matplotlib: pip install 'themeclass[notebooks]'") from None
    return plt


def _year(date: str) -> float:
    """A report's date as a fractional year, for a time axis."""
    y, m = int(date[:4]), int(date[5:7]) if len(date) >= 7 else 6
    return y + (m - 0.5) / 12


def timeline(trace: "Trace", authority: str, ax=None):
    """Each theme's judgement score across one authority's dated reports; recurring weaknesses ringed."""
    plt = _pyplot()
    reports = [r for r in trace.authorities()[authority] if r.date]
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 1.1 * len(reports)), 4))
    marked = {(w.theme, rep) for w in trace.recurring_for(authority) for rep in w.reports}
    for theme in THEMES:
        points = [(_year(r.date), trace.judgements(r)[theme].score, r.report) for r in reports if theme in trace.judgements(r)]
        if not points:
            continue
        ax.plot([x for x, _, _ in points], [y for _, y, _ in points], marker="o", label=theme.replace("_", " "))
        ring = [(x, y) for x, y, rep in points if (theme, rep) in marked]
        if ring:
            ax.scatter(*zip(*ring), s=160, facecolors="none", edgecolors="black", linewidths=1.5, zorder=3)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xticks([_year(r.date) for r in reports], [f"{r.date[:7]}\n{r.type}" for r in reports], fontsize=8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("judgement score (weakness < 0 < strength)")
    ax.set_title(f"{authority}: themes across reports (ringed: recurring weakness)")
    ax.legend(fontsize=8, loc="best")
    ax.figure.tight_layout()
    return ax.figure


def heatmap(trace: "Trace", authorities: Iterable[str], ax=None):
    """Rows: themes per authority; columns: years; colour: the judgement score of
    the year's last report judging the theme; ×: part of a recurring weakness."""
    plt = _pyplot()
    import numpy as np

    grouped = trace.authorities()
    names = list(authorities)
    years = sorted({int(r.date[:4]) for a in names for r in grouped.get(a, []) if r.date})
    if not years:
        years = [0]
    col = {y: i for i, y in enumerate(range(years[0], years[-1] + 1))}
    rows, labels, marks = [], [], []
    for a in names:
        timeline_ = [r for r in grouped.get(a, []) if r.date]
        marked = {(w.theme, rep) for w in trace.recurring_for(a) for rep in w.reports}
        for theme in THEMES:
            row = [np.nan] * len(col)
            for r in timeline_:
                judged = trace.judgements(r)
                if theme in judged:
                    x = col[int(r.date[:4])]
                    row[x] = judged[theme].score
                    if (theme, r.report) in marked:
                        marks.append((x, len(rows)))
            rows.append(row)
            labels.append(f"{a} · {theme.replace('_', ' ')}")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.5 + 0.45 * len(col), 0.28 * len(rows) + 1.5))
    image = ax.imshow(np.array(rows, dtype=float).reshape(len(rows), len(col)), cmap="RdYlGn", vmin=-1, vmax=1, aspect="auto")
    for x, y in sorted(set(marks)):
        ax.text(x, y, "×", ha="center", va="center", fontsize=10, color="black")
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xticks(range(len(col)), [str(y) for y in col], fontsize=8, rotation=90)
    ax.set_xlabel("year (× part of a recurring weakness)")
    ax.figure.colorbar(image, ax=ax, label="judgement score")
    ax.figure.tight_layout()
    return ax.figure
