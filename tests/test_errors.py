"""One exception for every problem a user can fix, printed as one line."""

from themeclass.errors import ThemeclassError


def test_the_message_names_the_file_then_the_problem():
    err = ThemeclassError("empty file", "reports/a.txt")
    assert str(err) == "reports/a.txt: empty file"
    assert (err.path, err.problem) == ("reports/a.txt", "empty file")
    assert str(ThemeclassError("no labelled units found")) == "no labelled units found"
