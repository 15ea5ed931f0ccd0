"""Plain result objects."""

from datetime import date

from themeclass.report import Metadata, Report, Skipped, ThemeResult, Unit


def test_a_units_id_names_its_report_and_place():
    unit = Unit("sefton_2022-03_ilacs", 17, "Supervision is regular.", section="Overview", page=3, start=10, end=33)
    assert unit.id == "sefton_2022-03_ilacs#017"
    assert unit.to_dict()["section"] == "Overview" and "themes" not in unit.to_dict()


def test_a_report_sorts_by_publication_else_the_end_of_the_visit():
    assert Metadata("r", published=date(2023, 5, 1), inspection_end=date(2023, 3, 24)).date == date(2023, 5, 1)
    assert Metadata("r", inspection_end=date(2023, 3, 24)).date == date(2023, 3, 24)
    assert Metadata("r").to_dict()["published"] is None


def test_a_report_iterates_over_its_units():
    units = [Unit("r", i, f"Text {i}.") for i in range(3)]
    report = Report("r", "", Metadata("r"), units)
    assert len(report) == 3 and [u.index for u in report] == [0, 1, 2]


def test_a_theme_result_is_a_weakness_when_negative_or_mixed_and_serialises_rounded():
    result = ThemeResult("supervision", "mixed", -0.123456, 0.987654, True, ["Some is not."])
    assert result.weakness and not ThemeResult("supervision", "positive", 0.9, 0.9).weakness
    assert result.to_dict() == {"sentiment": "mixed", "score": -0.1235, "confidence": 0.9877, "recurring": True,
                                "evidence": ["Some is not."]}


def test_a_skipped_file_says_why():
    assert Skipped("a.txt", "empty file") == Skipped(path="a.txt", problem="empty file")
