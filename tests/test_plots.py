"""Matplotlib figures of a trace: one authority's timeline, several authorities' heatmap."""

from datetime import date

import pytest

from themeclass.errors import ThemeclassError
from themeclass.judge import ReportJudge
from themeclass.report import Metadata, Report, ThemeResult, Unit
from themeclass.tracing import trace

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

THEMES = ("risk_response", "supervision", "permanence", "care_leavers", "sufficiency")
JUDGE = ReportJudge(0.5, 2.0, {t: (-0.4, -0.1, 0.1) for t in THEMES})


def report(rid, authority, year, sentiment):
    score = -0.95 if sentiment == "negative" else 0.95
    units = [Unit(rid, i, "Supervision text.", themes={"supervision": ThemeResult("supervision", sentiment, score, 0.9)})
             for i in range(3)]
    return Report(rid, "", Metadata(rid, authority, "ilacs", published=date(year, 6, 1)), units)


TRACE = trace([report("barking_2018", "Barking and Dagenham", 2018, "negative"),
               report("barking_2021", "Barking and Dagenham", 2021, "negative"),
               report("barking_2024", "Barking and Dagenham", 2024, "positive"),
               report("york_2019", "York", 2019, "positive")], judge=JUDGE)


def test_a_timeline_puts_reports_on_a_time_axis_and_rings_recurring_weaknesses():
    fig = TRACE.plot_timeline("Barking and Dagenham")
    ax = fig.axes[0]
    [line] = ax.lines[:1]
    xs = list(line.get_xdata())
    assert xs == sorted(xs) and 2018 < xs[0] < 2019 and 2024 < xs[-1] < 2025  # fractional years, not #1, #2
    assert ax.collections  # the ring around the two weakness reports
    assert "2021-06" in ax.get_xticklabels()[1].get_text()


def test_authority_names_match_whatever_their_case_or_spelling_of_spaces():
    assert TRACE.plot_timeline("barking and dagenham").axes
    assert TRACE.plot_timeline("barking-and-dagenham").axes


def test_an_unknown_authority_is_refused_with_the_close_names():
    with pytest.raises(ThemeclassError, match="no authority 'Barking' in this trace; did you mean Barking and Dagenham"):
        TRACE.plot_timeline("Barking")
    with pytest.raises(ThemeclassError, match="no authority 'Nowhere'"):
        TRACE.plot_heatmap(["york", "Nowhere"])


def test_a_heatmap_has_a_year_axis_so_authorities_line_up_in_time():
    fig = TRACE.plot_heatmap(["york", "barking and dagenham"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(y) for y in range(2018, 2025)]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows[0].startswith("York") and rows[-1].startswith("Barking and Dagenham")
    image = ax.images[0].get_array()
    assert not image.mask.all()  # filled cells: names were matched, not drawn as empty rows


def test_a_heatmap_of_more_authorities_than_it_shows_says_what_it_left_out():
    with pytest.warns(UserWarning, match="shows the first 1 of 2 authorities"):
        TRACE.plot_heatmap(limit=1)
