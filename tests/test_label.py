"""The labelling round trip: export uncertain units, label them in a spreadsheet, import."""

import csv
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from themeclass.cli import main
from themeclass.errors import ThemeclassError
from themeclass.label import COLUMNS, LABELLED_DIR, export_uncertain, import_labels, labelled_ids, text_hash
from themeclass.learning.dataset import load_labelled

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
    result = export_uncertain([REPORT], 5, out, str(tiny_model), corpus=None, jobs=1)
    assert result.written == 5
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == COLUMNS
    assert all(r["risk_response"] == "" and r["labelled"] == "" and r["text_sha256"] == text_hash(r["text"]) for r in rows)


def test_import_appends_valid_rows_atomically(tmp_path):
    batch = write_csv(tmp_path / "b.csv", [
        row("r#001", "Supervision is rarely reflective.", supervision="negative", recurring="supervision"),
        row("r#002", "Leaders are visible.", labelled="yes"),  # read, and about no theme
    ])
    out = tmp_path / "labelled" / "new.jsonl"
    result = import_labels(batch, out, corpus=None)
    assert (result.written, result.not_labelled, result.problems) == (2, 0, [])
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[0] == {"id": "r#001", "text": "Supervision is rarely reflective.", "themes": {"supervision": "negative"},
                          "recurring": ["supervision"], "split": "train"}
    assert records[1]["themes"] == {}


def test_a_partly_labelled_batch_imports_only_the_rows_labelled(tmp_path, tiny_model):
    """Issue 12 point 3: untouched rows are not read as "no theme"."""
    batch = tmp_path / "batch.csv"
    export_uncertain([REPORT, "corpus/reports/barnet_2021-08_focused.txt.gz"], 40, batch, str(tiny_model), corpus=None, jobs=1)
    rows = list(csv.DictReader(batch.open(encoding="utf-8")))
    for r in rows[:5]:
        r["risk_response"] = "negative"
    rows[5]["labelled"] = "yes"  # read: no theme
    write_csv(batch, rows)
    out = tmp_path / "new.jsonl"
    result = import_labels(batch, out, corpus=None)
    assert (result.written, result.not_labelled) == (6, 34)
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in written] == [r["id"] for r in rows[:6]]
    assert sum(r["themes"] == {} for r in written) == 1


def test_a_spreadsheet_saved_by_excel_on_windows_is_read(tmp_path):
    """Issue 12 point 4: cp1252 and semicolons, as Excel saves a CSV in much of Europe."""
    text = "Children’s plans are not always updated – so they drift."
    lines = [";".join(COLUMNS),
             ";".join(["r#001", "r", "", f'"{text}"', "", "negative", "", "", "", "", "", text_hash(text)])]
    batch = tmp_path / "excel.csv"
    batch.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    out = tmp_path / "new.jsonl"
    result = import_labels(batch, out, corpus=None)
    assert result.written == 1
    assert json.loads(out.read_text()) ["text"] == text


def test_a_batch_without_its_text_checksums_is_refused(tmp_path):
    """Dropping the text_sha256 column would silently switch off the edited-text check."""
    batch = tmp_path / "b.csv"
    batch.write_text("id,text,supervision\nr#001,Supervision is weak.,negative\n", encoding="utf-8")
    with pytest.raises(ThemeclassError, match="missing column.s. text_sha256 .it guards against texts edited"):
        import_labels(batch, tmp_path / "new.jsonl", corpus=None)


def test_units_of_evaluation_reports_are_never_exported_or_imported_for_training(tmp_path, tiny_model):
    """Issue 12 point 2: an evaluation report's units stay out of the labelling loop."""
    luton = "corpus/reports/luton_2026-03_ilacs.txt.gz"  # one of the shipped evaluation reports
    result = export_uncertain([luton, REPORT], 500, tmp_path / "b.csv", str(tiny_model), corpus=None, jobs=1)
    exported = {r["report"] for r in csv.DictReader((tmp_path / "b.csv").open(encoding="utf-8"))}
    assert exported == {"barking-and-dagenham_2018-04_focused"} and result.evaluation > 30
    batch = write_csv(tmp_path / "c.csv", [row("luton_2026-03_ilacs#004", "A unit.", supervision="negative")])
    with pytest.raises(ThemeclassError, match="luton_2026-03_ilacs#004 is a unit of an evaluation report"):
        import_labels(batch, tmp_path / "new.jsonl", corpus=None)


def test_the_labelled_corpus_is_found_wherever_the_command_runs(tmp_path, monkeypatch, tiny_model, capsys):
    """Issue 12 point 2: run from another folder, export still skips the corpus's labelled units."""
    assert LABELLED_DIR is not None and (LABELLED_DIR / "train.jsonl").exists()
    labelled = labelled_ids(LABELLED_DIR)
    report = "gateshead_2018-05_focused"
    assert sum(uid.startswith(report) for uid in labelled) > 5
    monkeypatch.chdir(tmp_path)
    source = LABELLED_DIR.parents[1] / "corpus" / "reports" / f"{report}.txt.gz"
    assert main(["label", "export", str(source), "--uncertain", "500", "-o", "b.csv", "--model", str(tiny_model),
                 "--jobs", "1"]) == 0
    exported = [r["id"] for r in csv.DictReader(open("b.csv", encoding="utf-8"))]
    assert exported and not set(exported) & set(labelled)
    assert "already labelled" in capsys.readouterr().out


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
        {**row("r#010", "Original text.", labelled="yes"), "text": "Edited text."},  # row 8
        row("r#011", "Recurring without label.", recurring="sufficiency", labelled="yes"),  # row 9
        row("r#012", "Marked oddly.", labelled="done"),                 # row 10
    ])
    out = tmp_path / "new.jsonl"
    with pytest.raises(ThemeclassError) as err:
        import_labels(batch, out, corpus)
    message = str(err.value)
    assert message.startswith(f"{batch}: 7 problem(s); nothing written")
    for expected in [
        "row 3: unknown sentiment 'terrible' for supervision",
        "row 4: missing id",
        "row 6: id r#005 also at row 5 with different labels",
        "row 7: id r#009 is already in the corpus with different labels (use --replace)",
        "row 8: text changed since export (id r#010)",
        "row 9: recurring theme sufficiency has no sentiment label",
        "row 10: labelled is 'done' (use yes, or leave blank)",
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
    import_labels(write_csv(tmp_path / "a.csv", [row("r#001", "Fine.", supervision="negative")]), out, corpus=None)
    second = write_csv(tmp_path / "b.csv", [row("r#001", "Fine.", supervision="positive")])
    with pytest.raises(ThemeclassError, match="already in the output file"):
        import_labels(second, out, corpus=None)
    import_labels(second, out, corpus=None, replace=True)
    assert json.loads(out.read_text())["themes"] == {"supervision": "positive"}


cells = st.one_of(st.sampled_from(["", "negative", "positive", "mixed", "neutral", "bad", "NEGATIVE"]), st.text(max_size=5))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a#1", "a#2", "", "b#1"]), st.text(max_size=30), cells, cells), max_size=6))
def test_import_never_writes_a_partial_file(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("prop")
    batch = write_csv(folder / "b.csv", [{"id": i, "text": t, "supervision": s, "permanence": p, "text_sha256": text_hash(t)}
                                         for i, t, s, p in rows])
    out = folder / "out.jsonl"
    try:
        result = import_labels(batch, out, corpus=None)
    except ThemeclassError:
        assert not out.exists()
        assert not list(folder.glob(".out.jsonl.*"))
    else:
        written = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line]
        assert len(written) == result.written


def test_texts_with_unicode_line_separators_survive_the_round_trip(tmp_path):
    text = "Supervision is\u2028 rarely reflective\x85 and plans drift."
    out = tmp_path / "new.jsonl"
    import_labels(write_csv(tmp_path / "b.csv", [row("r#001", text, supervision="negative")]), out, corpus=None)
    [record] = load_labelled([out])
    assert record.text == text and record.themes == {"supervision": "negative"}


def test_a_unit_labelled_under_another_number_is_not_exported_again(tmp_path, tiny_model):
    """A later segmenter may number a report's units differently: the text still says it is labelled."""
    first = export_uncertain([REPORT], 3, tmp_path / "a.csv", str(tiny_model), corpus=None, jobs=1)
    rows = list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8")))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "old.jsonl").write_text("".join(json.dumps({"id": r["id"] + "-old-number", "text": r["text"], "themes": {}}) + "\n"
                                              for r in rows), encoding="utf-8")
    again = export_uncertain([REPORT], 3, tmp_path / "b.csv", str(tiny_model), corpus=corpus, jobs=1)
    assert first.written == again.written == 3 and again.already_labelled == 3
    assert not {r["id"] for r in rows} & {r["id"] for r in csv.DictReader((tmp_path / "b.csv").open(encoding="utf-8"))}
