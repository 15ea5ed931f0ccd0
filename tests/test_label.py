"""The labelling round trip: export uncertain units, label them in a spreadsheet, import."""

import csv
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from themeclass.cli import main
from themeclass.errors import ThemeclassError
from themeclass.label import COLUMNS, export_uncertain, import_labels, text_hash

REPORT = "corpus/reports/barking-and-dagenham_2018-04_focused.txt.gz"


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


def row(uid, text, **labels):
    return {"id": uid, "text": text, "text_sha256": text_hash(text), **labels}


def test_export_writes_the_least_certain_units_as_an_editable_csv(tmp_path, tiny_model):
    out = tmp_path / "batch.csv"
    assert export_uncertain([REPORT], 5, out, str(tiny_model), jobs=1) == 5
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == COLUMNS
    assert all(r["risk_response"] == "" and r["text_sha256"] == text_hash(r["text"]) for r in rows)


def test_import_appends_valid_rows_atomically(tmp_path):
    batch = write_csv(tmp_path / "b.csv", [
        row("r#001", "Supervision is rarely reflective.", supervision="negative", recurring="supervision"),
        row("r#002", "Leaders are visible."),
    ])
    out = tmp_path / "labelled" / "new.jsonl"
    result = import_labels(batch, out)
    assert result.written == 2 and result.problems == []
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[0] == {"id": "r#001", "text": "Supervision is rarely reflective.", "themes": {"supervision": "negative"}, "recurring": ["supervision"]}
    assert records[1]["themes"] == {}


def test_every_kind_of_bad_row_is_listed_by_row_number_and_nothing_is_written(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "old.jsonl").write_text(json.dumps({"id": "r#009", "text": "Old.", "themes": {"permanence": "positive"}, "recurring": []}) + "\n")
    batch = write_csv(tmp_path / "b.csv", [
        row("r#001", "Fine.", supervision="negative"),                  # row 2: good
        row("r#002", "Bad label.", supervision="terrible"),              # row 3
        row("", "No id.", supervision="negative"),                       # row 4
        row("r#005", "Twice.", permanence="positive"),                   # row 5
        row("r#005", "Twice.", permanence="negative"),                   # row 6
        row("r#009", "Old.", permanence="negative"),                     # row 7
        {**row("r#010", "Original text."), "text": "Edited text."},      # row 8
        row("r#011", "Recurring without label.", recurring="sufficiency"),  # row 9
    ])
    out = tmp_path / "new.jsonl"
    with pytest.raises(ThemeclassError) as err:
        import_labels(batch, out, corpus)
    message = str(err.value)
    assert message.startswith(f"{batch}: 6 problem(s); nothing written")
    for expected in [
        "row 3: unknown sentiment 'terrible' for supervision",
        "row 4: missing id",
        "row 6: id r#005 also at row 5 with different labels",
        "row 7: id r#009 is already in the corpus with different labels (use --replace)",
        "row 8: text changed since export (id r#010)",
        "row 9: recurring theme sufficiency has no sentiment label",
    ]:
        assert expected in message
    assert not out.exists()


def test_skip_bad_writes_the_good_rows_and_reports_the_rest(tmp_path, capsys):
    batch = write_csv(tmp_path / "b.csv", [row("r#001", "Fine.", supervision="negative"), row("r#002", "Bad.", supervision="meh")])
    out = tmp_path / "new.jsonl"
    code = main(["label", "import", str(batch), "-o", str(out), "--skip-bad", "--corpus", str(tmp_path)])
    assert code == 1
    assert [json.loads(l)["id"] for l in out.read_text().splitlines()] == ["r#001"]
    assert "row 3: unknown sentiment 'meh'" in capsys.readouterr().err


def test_existing_labels_are_not_overwritten_without_replace(tmp_path):
    out = tmp_path / "new.jsonl"
    import_labels(write_csv(tmp_path / "a.csv", [row("r#001", "Fine.", supervision="negative")]), out)
    second = write_csv(tmp_path / "b.csv", [row("r#001", "Fine.", supervision="positive")])
    with pytest.raises(ThemeclassError, match="already in the output file"):
        import_labels(second, out)
    import_labels(second, out, replace=True)
    assert json.loads(out.read_text())["themes"] == {"supervision": "positive"}


cells = st.one_of(st.sampled_from(["", "negative", "positive", "mixed", "neutral", "bad", "NEGATIVE"]), st.text(max_size=5))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a#1", "a#2", "", "b#1"]), st.text(max_size=30), cells, cells), max_size=6))
def test_import_never_writes_a_partial_file(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("prop")
    batch = write_csv(folder / "b.csv", [{"id": i, "text": t, "supervision": s, "permanence": p} for i, t, s, p in rows])
    out = folder / "out.jsonl"
    try:
        result = import_labels(batch, out)
    except ThemeclassError:
        assert not out.exists()
        assert not list(folder.glob(".out.jsonl.*"))
    else:
        written = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line]
        assert len(written) == result.written


def test_texts_with_unicode_line_separators_survive_the_round_trip(tmp_path):
    from themeclass.corpus import load_labelled

    text = "Supervision is\u2028 rarely reflective\x85 and plans drift."
    out = tmp_path / "new.jsonl"
    import_labels(write_csv(tmp_path / "b.csv", [row("r#001", text, supervision="negative")]), out)
    [record] = load_labelled([out])
    assert record.text == text and record.themes == {"supervision": "negative"}
