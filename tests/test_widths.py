"""Printed widths of text lines, from Helvetica's metrics.

The segmenter asks whether a line reaches the right margin; in a proportional font
the number of characters is a poor guide, so ``text_width`` sums standard Helvetica
advance widths (in 1/1000 em).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from themeclass.reading.widths import text_width

#: The characters of report text the width table covers: printable ASCII and the
#: typographic punctuation of Word and PDF output.
COVERED = [chr(c) for c in range(32, 127)] + list("‘’“”–—£…")


def test_narrow_letters_take_less_room_than_wide_ones():
    assert text_width("iii") < text_width("MMM")
    assert text_width("iii") * 3 < text_width("MMM")  # 666 against 2499


def test_lines_of_equal_length_can_differ_in_width():
    full = "Managers’ oversight of MASH decisions was"  # capitals and m/w: wide
    short = "little: it is still a difficult, fitful i"  # i/l/t/f: narrow
    assert len(full) == len(short)
    assert text_width(short) < 0.75 * text_width(full)


def test_nothing_has_no_width():
    assert text_width("") == 0


def test_unknown_characters_count_as_a_typical_glyph():
    # Accented letters, bullets and private-use glyphs are not in the table: each counts
    # like a lower-case "n" or a digit, the commonest width of the font (556).
    assert text_width("é") == text_width("◼") == text_width("\uf0a7") == text_width("n") == text_width("0")
    assert text_width("Café") == text_width("Cafe")


@given(st.text(), st.text())
def test_widths_add_up(a, b):
    assert text_width(a + b) == text_width(a) + text_width(b)
    assert text_width(a) >= 191 * len(a)  # the narrowest glyph, the straight apostrophe


def test_widths_are_helvetica_metrics():
    # Checked against Adobe's Helvetica font metrics (the AFM file matplotlib ships),
    # glyph names from the Adobe Glyph List: not a copy of the table under test.
    matplotlib = pytest.importorskip("matplotlib")
    afm_module = pytest.importorskip("matplotlib._afm")
    agl = pytest.importorskip("fontTools.agl")
    path = os.path.join(matplotlib.get_data_path(), "fonts", "pdfcorefonts", "Helvetica.afm")
    with open(path, "rb") as handle:
        afm = afm_module.AFM(handle)
    wrong = {
        ch: (text_width(ch), afm.get_width_from_char_name(agl.UV2AGL[ord(ch)]))
        for ch in COVERED
        if text_width(ch) != afm.get_width_from_char_name(agl.UV2AGL[ord(ch)])
    }
    assert not wrong
