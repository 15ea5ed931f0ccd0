"""Matplotlib figures of a trace (needs the ``notebooks`` extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from .errors import ThemeclassError
from .rules import THEMES

if TYPE_CHECKING:  # pragma: no cover
    from .trace import ReportSummary, Trace


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ThemeclassError("plots need matplotlib: pip install 'themeclass[notebooks]'") from None
    return plt


def _label(r: "ReportSummary") -> str:
    return f"{(r.date or '?')[:7]}\n{r.type}"


def timeline(authority: str, reports: list["ReportSummary"], recurring: list[dict], ax=None):
    """Balance of each theme across one authority's reports; recurring weaknesses ringed in black."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 1.1 * len(reports)), 4))
    xs = list(range(len(reports)))
    marked = {(w["theme"], rep) for w in recurring for rep in w["reports"]}
    for theme in THEMES:
        points = [(x, r.themes[theme].balance) for x, r in zip(xs, reports) if theme in r.themes]
        if not points:
            continue
        line, = ax.plot(*zip(*points), marker="o", label=theme.replace("_", " "))
        ring = [(x, r.themes[theme].balance) for x, r in zip(xs, reports) if (theme, r.report) in marked]
        if ring:
            ax.scatter(*zip(*ring), s=160, facecolors="none", edgecolors="black", linewidths=1.5, zorder=3)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xticks(xs, [_label(r) for r in reports], fontsize=8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("balance (strengths − weaknesses)")
    ax.set_title(f"{authority}: themes across reports (ringed: recurring weakness)")
    ax.legend(fontsize=8, loc="best")
    ax.figure.tight_layout()
    return ax.figure


def heatmap(trace: "Trace", authorities: Iterable[str] | None = None, ax=None):
    """Rows: themes per authority; columns: its reports in date order; colour: balance; x: recurring weakness."""
    plt = _pyplot()
    import numpy as np

    grouped = trace.authorities()
    names = list(authorities) if authorities is not None else list(grouped)[:12]
    rows, labels, marks = [], [], []
    width = max((len(grouped.get(a, [])) for a in names), default=1)
    for a in names:
        timeline_ = grouped.get(a, [])
        marked = {(w["theme"], rep) for w in trace.recurring_for(timeline_) for rep in w["reports"]}
        for theme in THEMES:
            row = [np.nan] * width
            for i, r in enumerate(timeline_):
                if theme in r.themes:
                    row[i] = r.themes[theme].balance
                    if (theme, r.report) in marked:
                        marks.append((i, len(rows)))
            rows.append(row)
            labels.append(f"{a} · {theme.replace('_', ' ')}")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 0.8 * width, 0.28 * len(rows) + 1.5))
    image = ax.imshow(np.array(rows, dtype=float), cmap="RdYlGn", vmin=-1, vmax=1, aspect="auto")
    for x, y in marks:
        ax.text(x, y, "×", ha="center", va="center", fontsize=10, color="black")
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xticks(range(width), [f"#{i + 1}" for i in range(width)], fontsize=8)
    ax.set_xlabel("reports in date order (× recurring weakness)")
    ax.figure.colorbar(image, ax=ax, label="balance")
    ax.figure.tight_layout()
    return ax.figure
