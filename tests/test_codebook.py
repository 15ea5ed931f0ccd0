"""The codebook's vocabulary: one place, and the same as docs/CODEBOOK.md."""

import ast
import re
from pathlib import Path

from themeclass import codebook

DOC = (Path(__file__).resolve().parents[1] / "docs" / "CODEBOOK.md").read_text(encoding="utf-8")


def test_themes_and_labels_are_the_codebooks():
    rows = re.findall(r"^\| `(\w+)` \| ([^|]*)\|", DOC, re.M)
    assert [name for name, second in rows if not second.strip().lstrip("+-").isdigit()] == list(codebook.THEMES)
    assert [name for name, second in rows if second.strip().lstrip("+-").isdigit()] == list(codebook.LABELS)
    assert codebook.WEAKNESS == ("negative", "mixed")


def test_rule_labels_are_derived_from_the_pattern_kinds():
    assert codebook.RULE_LABELS[:5] == tuple(f"theme:{t}" for t in codebook.THEMES)
    assert codebook.HEDGE_LABELS == ("hedge:negative", "hedge:positive", "hedge:mixed", "recurrence:recurring")
    assert codebook.RECURRENCE_LABEL in codebook.RULE_LABELS


def test_grades_normalise_from_what_reports_print():
    assert [codebook.normalise_grade(g) for g in ("Outstanding", "GOOD", "Requires improvement\nto be good",
                                                  "Inadequate", "Not judged")] == [
        "outstanding", "good", "requires_improvement", "inadequate", None]
    assert sorted(codebook.GRADE_ORDER, key=codebook.GRADE_ORDER.get)[:2] == list(codebook.WEAK_GRADES)


def test_improvement_headings_and_grade_words():
    assert all(codebook.improvement_section(s) for s in ("What needs to improve?", "Areas for priority action",
                                                         "Recommendations", "What needs to improve in this area of social work practice"))
    assert not codebook.improvement_section("Key strengths") and not codebook.improvement_section(None)
    hidden = codebook.HEADING_GRADE.sub("", "The experiences and progress of care leavers: requires improvement to be good")
    assert hidden == "The experiences and progress of care leavers"


def test_the_codebook_module_imports_nothing_from_the_package():
    tree = ast.parse(Path(codebook.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | \
        {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert imported <= {"__future__", "re"}
