"""Approximate printed widths of text, from Helvetica/Arial font metrics.

Reports are set in proportional fonts, so a line's length in characters is a poor
guide to whether it reaches the right margin ("iii" is narrower than "MMM").
Summing standard Helvetica advance widths (1/1000 em) estimates the printed
width well enough to tell a full line from one that stops short.
"""

from __future__ import annotations

from itertools import repeat

_WIDTHS = {
    " ": 278, "!": 278, '"': 355, "#": 556, "$": 556, "%": 889, "&": 667, "'": 191,
    "(": 333, ")": 333, "*": 389, "+": 584, ",": 278, "-": 333, ".": 278, "/": 278,
    ":": 278, ";": 278, "<": 584, "=": 584, ">": 584, "?": 556, "@": 1015,
    "A": 667, "B": 667, "C": 722, "D": 722, "E": 667, "F": 611, "G": 778, "H": 722,
    "I": 278, "J": 500, "K": 667, "L": 556, "M": 833, "N": 722, "O": 778, "P": 667,
    "Q": 778, "R": 722, "S": 667, "T": 611, "U": 722, "V": 667, "W": 944, "X": 667,
    "Y": 667, "Z": 611, "[": 278, "\\": 278, "]": 278, "^": 469, "_": 556, "`": 333,
    "a": 556, "b": 556, "c": 500, "d": 556, "e": 556, "f": 278, "g": 556, "h": 556,
    "i": 222, "j": 222, "k": 500, "l": 222, "m": 833, "n": 556, "o": 556, "p": 556,
    "q": 556, "r": 333, "s": 500, "t": 278, "u": 556, "v": 500, "w": 722, "x": 500,
    "y": 500, "z": 500, "{": 334, "|": 260, "}": 334, "~": 584,
    "‘": 222, "’": 222, "“": 333, "”": 333, "–": 556, "—": 1000, "£": 556, "…": 1000,
}
_DEFAULT = 556  # digits, and any character not listed, count as a typical glyph


def text_width(text: str, _get=_WIDTHS.get, _default=repeat(_DEFAULT)) -> int:
    """Estimated printed width of ``text`` in 1/1000 em."""
    return sum(map(_get, text, _default))
