"""The public Python API: what ``import themeclass`` offers and how it behaves."""

from __future__ import annotations

from pathlib import Path

import pytest

import themeclass
from themeclass import Report, ThemeclassError, Unit

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "reports"


def test_public_surface_is_pinned():
    assert sorted(themeclass.__all__) == sorted([
        "DOC_TYPES", "Metadata", "Report", "ThemeModel", "ThemeResult", "ThemeclassError", "Trace", "Unit",
        "__version__", "extract_metadata", "load", "read", "read_all", "read_text", "report_paths", "segment", "trace",
    ])


def test_read_gives_units_and_metadata():
    report = themeclass.read(CORPUS / "liverpool_2023-05_ilacs.txt.gz")
    assert isinstance(report, Report)
    assert report.id == "liverpool_2023-05_ilacs"
    assert report.metadata.authority == "Liverpool"
    assert report.metadata.type == "ilacs"
    assert len(report) == len(report.units) > 30
    assert all(isinstance(u, Unit) and u.report == report.id for u in report)
    # offsets index the report's normalised text
    first = report.units[0]
    assert first.text.split()[0] in report.text[first.start : first.end]


def test_read_all_skips_bad_files_and_says_why(tmp_path):
    (tmp_path / "a.txt").write_text("Overview\nChildren are seen regularly and their plans are reviewed on time.\n")
    (tmp_path / "b.txt").write_bytes(b"")
    skipped = []
    reports = list(themeclass.read_all([tmp_path], skipped=skipped))
    assert [r.id for r in reports] == ["a"]
    assert [(Path(s.path).name, s.problem) for s in skipped] == [("b.txt", "empty file")]


def test_read_all_without_a_skip_list_raises_on_the_first_bad_file(tmp_path):
    (tmp_path / "b.txt").write_bytes(b"")
    with pytest.raises(ThemeclassError, match=r"b\.txt: empty file"):
        list(themeclass.read_all([tmp_path]))


def test_units_serialise_to_the_documented_fields():
    unit = themeclass.segment.segment("Overview\nChildren are safe and well supported.\n", "r")[0]
    assert unit.to_dict() == {
        "id": "r#000", "report": "r", "index": 0, "text": "Children are safe and well supported.",
        "kind": "paragraph", "section": "Overview", "number": None, "page": 1, "start": 9, "end": 46,
    }


def test_package_names_resolve_lazily_to_the_functions():
    import themeclass.analyse  # noqa: F401  (imports the submodules that share names with functions)

    assert callable(themeclass.trace) and callable(themeclass.read) and callable(themeclass.load)
    assert callable(themeclass.segment.segment) and callable(themeclass.api.report_id)
    assert {"read", "load", "trace", "ThemeModel"} <= set(dir(themeclass))
