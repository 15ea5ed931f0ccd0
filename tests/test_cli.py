"""The command line, run as a user runs it: arguments in, JSON out, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from themeclass.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "reports"
ILACS = CORPUS / "barking-and-dagenham_2019-04_ilacs.txt.gz"
FOCUSED = CORPUS / "barking-and-dagenham_2018-04_focused.txt.gz"
UNIT_FIELDS = ["id", "report", "index", "text", "kind", "section", "number", "page", "start", "end"]


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_segment_writes_one_json_object_per_unit(capsys):
    code, out, err = run(capsys, "segment", ILACS)
    assert code == 0 and err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    assert list(rows[0]) == UNIT_FIELDS
    assert rows[0]["id"] == "barking-and-dagenham_2019-04_ilacs#000"
    assert [r["index"] for r in rows] == list(range(len(rows)))
    assert {r["kind"] for r in rows} == {"paragraph", "bullet"}


def test_segment_to_a_file(tmp_path, capsys):
    out_file = tmp_path / "units.jsonl"
    code, out, _ = run(capsys, "segment", ILACS, FOCUSED, "-o", out_file)
    assert code == 0 and out == ""
    reports = {json.loads(line)["report"] for line in out_file.read_text(encoding="utf-8").splitlines()}
    assert reports == {"barking-and-dagenham_2019-04_ilacs", "barking-and-dagenham_2018-04_focused"}


def test_info_prints_metadata(capsys):
    code, out, _ = run(capsys, "info", ILACS)
    info = json.loads(out)
    assert code == 0
    assert info["authority"] == "Barking and Dagenham"
    assert info["type"] == "ilacs"
    assert info["inspection_start"] == "2019-02-18"
    assert info["grades"]["overall_effectiveness"] == "requires_improvement"


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: _write(d / "empty.txt", b""), "empty file"),
        (lambda d: _write(d / "noise.txt", bytes(range(256)) * 8), "binary data"),
        (lambda d: _write(d / "cut.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog"), "PDF"),
        (lambda d: (d / "nothing").mkdir() or d / "nothing", "no reports found"),
    ],
)
def test_bad_input_is_one_line_naming_the_file_and_no_output_is_left(tmp_path, capsys, make, problem):
    bad = make(tmp_path)
    out_file = tmp_path / "out.jsonl"
    code, out, err = run(capsys, "segment", bad, "-o", out_file)
    assert code == 1
    assert err.count("\n") == 1 and str(bad) in err and problem in err
    assert "Traceback" not in err
    assert not out_file.exists()
    assert not list(tmp_path.glob(".out.jsonl.*"))  # no temporary file left either


def test_a_folder_processes_the_good_files_and_lists_the_bad_at_the_end(tmp_path, capsys):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "good.txt.gz").write_bytes(FOCUSED.read_bytes())
    _write(folder / "bad.txt", b"\x00\x01\x02" * 100)
    out_file = tmp_path / "units.jsonl"
    code, _, err = run(capsys, "segment", folder, "-o", out_file)
    assert code == 1
    assert err.splitlines()[0] == "themeclass: skipped 1 of 2 files:"
    assert "bad.txt: not a text, PDF or HTML report (binary data)" in err
    assert {json.loads(line)["report"] for line in out_file.read_text().splitlines()} == {"good"}


def test_the_console_script_runs_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "themeclass.cli", "segment", str(tmp_path / "nope.txt")],
        capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert result.stderr == f"themeclass: {tmp_path / 'nope.txt'}: no such file\n"
    assert result.stdout == ""


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- classify, evaluate, train ---------------------------------------------------------


def test_classify_keeps_order_and_gives_empty_themes_for_empty_text(tmp_path, capsys, tiny_model):
    units = tmp_path / "units.jsonl"
    units.write_text(
        '{"id": "a", "text": "Pathway plans are not always updated."}\n'
        '{"id": "b", "text": ""}\n'
        '{"id": "c", "text": "Supervision is regular.", "section": "What needs to improve?"}\n'
    )
    code, out, _ = run(capsys, "classify", "-i", units, "-o", "-", "--model", tiny_model)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert rows[1]["themes"] == {}
    assert rows[2]["themes"]["supervision"]["sentiment"] == "negative"
    result = rows[0]["themes"]["care_leavers"]
    assert set(result) == {"sentiment", "score", "confidence", "recurring", "evidence"}
    assert 0 <= result["confidence"] <= 1 and -1 <= result["score"] <= 1


def test_a_malformed_line_is_refused_with_its_number_and_nothing_written(tmp_path, capsys, tiny_model):
    units = tmp_path / "units.jsonl"
    units.write_text('{"id": "a", "text": "Fine."}\n{"id": "b", "text": \n')
    out_file = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "classify", "-i", units, "-o", out_file, "--model", tiny_model)
    assert code == 1
    assert err.startswith(f"themeclass: {units}: line 2: not valid JSON")
    assert not out_file.exists()


def test_train_then_evaluate_against_the_keyword_baseline(tmp_path, capsys, tiny_labelled):
    code, out, _ = run(capsys, "train", tiny_labelled, "-o", tmp_path / "m", "--seed", "3")
    assert code == 0 and (tmp_path / "m.npz").exists() and (tmp_path / "m.json").exists()
    code, out, _ = run(capsys, "evaluate", tiny_labelled, "--model", tmp_path / "m.npz", "--split", "all", "--json")
    scores = json.loads(out)
    assert code == 0
    assert set(scores) == {"model", "keyword_baseline"}
    assert scores["model"]["macro_f1"] == pytest.approx(1.0)
    assert 0 <= scores["keyword_baseline"]["weakness"]["f1"] <= 1


def test_a_missing_model_is_one_line(tmp_path, capsys):
    units = tmp_path / "units.jsonl"
    units.write_text('{"id": "a", "text": "Fine."}\n')
    code, _, err = run(capsys, "classify", "-i", units, "--model", tmp_path / "nope.npz")
    assert code == 1 and err == f"themeclass: {tmp_path / 'nope.npz'}: no such model file\n"


def test_train_refuses_to_overwrite_the_shipped_default_or_an_existing_model(tmp_path, capsys, tiny_labelled):
    code, _, err = run(capsys, "train", tiny_labelled, "-o", "models/default")
    assert code == 1 and "shipped default model" in err and "--replace-default" in err
    (tmp_path / "m.npz").write_bytes(b"x")
    code, _, err = run(capsys, "train", tiny_labelled, "-o", tmp_path / "m")
    assert code == 1 and "a model with this name exists" in err


def test_compare_prints_both_models_and_the_difference(tmp_path, capsys, tiny_labelled, tiny_model):
    run(capsys, "train", tiny_labelled, "-o", tmp_path / "new", "--seed", "1")
    code, out, _ = run(capsys, "compare", tiny_model, tmp_path / "new.npz", "--on", tiny_labelled)
    assert code == 0
    assert "old" in out and "new" in out and "weakness-F1" in out and "supervision F1" in out
