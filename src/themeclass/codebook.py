"""The codebook's vocabulary, in one place: themes, sentiment labels, the keyword
rules' labels, Ofsted's grades and the section headings that carry a judgement.

Everything else in themeclass spells these from here (``docs/CODEBOOK.md`` is the
text they come from). This module imports nothing from the package, and nothing
but ``re`` from the standard library, so any module can use it.

>>> THEMES
('risk_response', 'supervision', 'permanence', 'care_leavers', 'sufficiency')
>>> improvement_section("What needs to improve?"), normalise_grade("Requires improvement to be good")
(True, 'requires_improvement')
"""

from __future__ import annotations

import re

#: The five themes, in the order every matrix and table uses.
THEMES = ("risk_response", "supervision", "permanence", "care_leavers", "sufficiency")

#: Theme sentiment labels, and the score each stands for.
LABELS = ("negative", "positive", "mixed", "neutral")
SCORES = {"negative": -1.0, "positive": 1.0, "mixed": 0.0, "neutral": 0.0}
#: The labels that count as a weakness of the theme (weakness-F1, the weakness call).
WEAKNESS = ("negative", "mixed")

# -- keyword rules (``nlp/rules.py``, ``data/patterns.jsonl``) --------------------------------
#: A pattern's kind, and the labels each kind may carry.
PATTERN_LABELS = {
    "theme": THEMES,
    "hedge": ("negative", "positive", "mixed"),
    "recurrence": ("recurring",),
}
#: Rule-match labels ``"<kind>:<label>"`` the theme classifier counts, in a fixed order.
RULE_LABELS = tuple(f"{kind}:{label}" for kind, labels in PATTERN_LABELS.items() for label in labels)
#: The evaluative ones the sentiment model counts in a theme's evidence sentences.
HEDGE_LABELS = tuple(label for label in RULE_LABELS if not label.startswith("theme:"))
RECURRENCE_LABEL = "recurrence:recurring"

# -- Ofsted's grades ---------------------------------------------------------------------------
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
#: 1 (inadequate) to 4 (outstanding): the order Spearman's rho is computed in.
GRADE_ORDER = {"inadequate": 1, "requires_improvement": 2, "good": 3, "outstanding": 4}
#: An area graded one of these is a weakness of the report.
WEAK_GRADES = ("inadequate", "requires_improvement")
#: A grade as printed, any case ("Requires improvement to be good").
GRADE_TEXT = r"(?:outstanding|good|requires? improvement(?: to be good)?|inadequate)"


def normalise_grade(text: str) -> str | None:
    """"Requires improvement to be good" -> "requires_improvement" etc.; None if not a grade."""
    s = " ".join(text.split()).lower()
    if s.startswith("outstanding"):
        return "outstanding"
    if s.startswith("good"):
        return "good"
    if "improvement" in s:
        return "requires_improvement"
    if s.startswith("inadequate"):
        return "inadequate"
    return None


# -- section headings -----------------------------------------------------------------------------
_IMPROVE_SECTION = re.compile(
    r"(what needs to improve|areas? for (priority )?(action|improvement)|needs to improve|recommendations)", re.I
)


def improvement_section(section: str | None) -> bool:
    """Is this the heading of a list of things that must improve? (Every item there is a weakness.)"""
    return bool(section and _IMPROVE_SECTION.search(section))


#: What a section heading says of the units under it: the grade a judgement heading
#: gives ("... children in care: inadequate") or a list of strengths. Inspectors
#: write under a graded heading in that grade's voice, so it is a strong prior.
SECTION_CUES = (
    ("inadequate", re.compile(r"\binadequate\b", re.I)),
    ("requires_improvement", re.compile(r"requires? improvement", re.I)),
    ("good", re.compile(r"\bgood\b(?! practice)", re.I)),
    ("outstanding", re.compile(r"\boutstanding\b", re.I)),
    ("strengths", re.compile(r"\bstrengths?\b|what is working well|what the (local )?(authority|area partnership) is doing (that is )?(well|effective)", re.I)),
)

#: A heading's grade words, as ``benchmarks/grade_validity.py --text-only`` hides them.
HEADING_GRADE = re.compile(rf"[:\s–-]*\b(is|are|that it is)?\s*\b{GRADE_TEXT}\b\.?", re.I)
