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
    assert code == 0 and err.startswith("themeclass: segmented 1 reports into")  # one summary line off a terminal
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
    assert err.splitlines()[1] == "themeclass: skipped 1 of 2 files:"
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
    held_out = tmp_path / "held_out.jsonl"
    held_out.write_text("".join(json.dumps({**json.loads(line), "id": "heldout" + json.loads(line)["id"][4:], "split": "eval"}) + "\n"
                                for line in tiny_labelled.read_text().splitlines()[:12]))
    code, out, _ = run(capsys, "train", tiny_labelled, held_out, "-o", tmp_path / "m", "--seed", "3")
    assert code == 0 and (tmp_path / "m.npz").exists() and (tmp_path / "m.json").exists()
    assert "trained on 36 units" in out and "evaluation split (1 reports)" in out
    code, out, _ = run(capsys, "evaluate", held_out, "--model", tmp_path / "m.npz", "--json")
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


@pytest.mark.parametrize("name", ["models/default", "models/default.npz", "models/default.json"])
def test_train_refuses_to_overwrite_the_shipped_default_by_any_of_its_names(capsys, tiny_labelled, name):
    """Issue 12 point 5: one function turns an output name into the model's paths."""
    shipped = (Path("models/default.npz").read_bytes(), Path("models/default.json").read_bytes())
    code, _, err = run(capsys, "train", tiny_labelled, "-o", name)
    assert code == 1 and "shipped default model" in err and "--replace-default" in err
    assert (Path("models/default.npz").read_bytes(), Path("models/default.json").read_bytes()) == shipped


def test_train_refuses_an_existing_model_and_a_folder_as_output(tmp_path, capsys, tiny_labelled):
    (tmp_path / "m.npz").write_bytes(b"x")
    code, _, err = run(capsys, "train", tiny_labelled, "-o", tmp_path / "m")
    assert code == 1 and "a model with this name exists" in err
    code, _, err = run(capsys, "train", tiny_labelled, "-o", f"{tmp_path}/")
    assert code == 1 and "is a folder; give the model a file name in it" in err
    assert not list(Path(".").glob("*.npz"))  # nothing written in the working folder


def test_compare_prints_both_models_the_difference_and_whether_it_is_noise(tmp_path, capsys):
    labelled = tmp_path / "eval.jsonl"
    lines = Path("corpus/labelled/eval.jsonl").read_text(encoding="utf-8").splitlines()[:300]
    labelled.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "compare", "models/default.npz", "models/default.npz", "--on", labelled, "--resamples", "200")
    assert code == 0
    assert "95% interval" in out and "weakness-F1" in out and "supervision F1" in out
    assert out.count("within noise") == 8  # a model against itself: every change is 0


# --- the split travels with the labels (issue 12 point 1) --------------------------------


def test_label_files_moved_elsewhere_keep_their_split(tmp_path, capsys):
    """Copies of train.jsonl and eval.jsonl in another folder: training never takes an
    evaluation unit, and the model refuses to be scored on the reports it learnt from."""
    for name, n in (("train.jsonl", 400), ("eval.jsonl", 150)):
        lines = Path("corpus/labelled", name).read_text(encoding="utf-8").splitlines()[:n]
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "train", tmp_path / "train.jsonl", tmp_path / "eval.jsonl", "-o", tmp_path / "m")
    assert code == 0 and "trained on 400 units" in out
    meta = json.loads((tmp_path / "m.json").read_text())
    evaluation = {json.loads(line)["id"].split("#")[0] for line in (tmp_path / "eval.jsonl").read_text().splitlines()}
    assert not evaluation & set(meta["training"]["report_ids"])
    code, _, _ = run(capsys, "evaluate", tmp_path / "eval.jsonl", "--model", tmp_path / "m.npz")
    assert code == 0
    code, _, err = run(capsys, "evaluate", tmp_path / "train.jsonl", "--model", tmp_path / "m.npz", "--split", "all")
    assert code == 1 and "this model was trained on" in err


# --- output folders (issue 12 points 9 and 11) -----------------------------------------


def test_trace_replaces_a_results_folder_whole(tmp_path, capsys, tiny_model):
    out = tmp_path / "results"
    assert main(["trace", str(FOCUSED), "-o", str(out), "--units", "--model", str(tiny_model), "--jobs", "1"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["recurring.csv", "trace.csv", "trace.json", "units.jsonl"]
    assert main(["trace", str(ILACS), "-o", str(out), "--model", str(tiny_model), "--jobs", "1"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["recurring.csv", "trace.csv", "trace.json"]  # no stale units.jsonl
    assert "barking-and-dagenham_2019-04_ilacs" in (out / "trace.csv").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_trace_refuses_a_second_writer_to_the_same_folder(tmp_path, capsys, tiny_model):
    from themeclass.files import atomic_folder

    with atomic_folder(tmp_path / "results"):  # another run holds the folder
        code, _, err = run(capsys, "trace", FOCUSED, "-o", tmp_path / "results", "--model", tiny_model, "--jobs", "1")
    assert code == 1 and "another themeclass run is writing to this folder" in err


@pytest.mark.parametrize("make, problem", [
    (lambda d: _write(d / "results", b"a file"), "exists and is not a folder"),
    (lambda d: _write(d / "file", b"x") / "results", "cannot write here"),
])
def test_trace_into_a_file_or_an_unwritable_place_is_one_line(tmp_path, capsys, tiny_model, make, problem):
    code, _, err = run(capsys, "trace", FOCUSED, "-o", make(tmp_path), "--model", tiny_model, "--jobs", "1")
    assert code == 1 and problem in err and err.count("\n") == 1 and "internal error" not in err


# --- classify: one output line per input line (issue 12 point 19) ------------------------


@pytest.mark.parametrize("content, problem", [
    ('{"id": "a", "text": "Fine."}\n\n{"id": "b", "text": "Fine."}\n', "line 2: blank line"),
    ('{"text": "No id."}\n', 'line 1: expected an "id"'),
    ('{"id": null, "text": "Null id."}\n', 'line 1: expected an "id"'),
])
def test_classify_refuses_lines_it_could_not_answer_one_for_one(tmp_path, capsys, tiny_model, content, problem):
    units = tmp_path / "units.jsonl"
    units.write_text(content)
    code, _, err = run(capsys, "classify", "-i", units, "--model", tiny_model)
    assert code == 1 and problem in err


def test_classify_writes_exactly_one_line_per_input_line(tmp_path, capsys, tiny_model):
    units = tmp_path / "units.jsonl"
    units.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(["Fine.", "", "  ", "Supervision."])))
    code, out, _ = run(capsys, "classify", "-i", units, "--model", tiny_model)
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == [0, 1, 2, 3]


# --- progress (issue 12 point 18) ----------------------------------------------------------


def test_long_commands_show_progress_on_a_terminal():
    import fcntl
    import os
    import pty
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: stderr is a terminal of 100 columns
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        os.execv(sys.executable, [sys.executable, "-m", "themeclass.cli", "segment", str(ILACS), str(FOCUSED), "-o", os.devnull])
    output = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.waitpid(pid, 0)
    text = output.decode(errors="replace")
    assert "2/2" in text and "report" in text  # tqdm's bar: reports done of all


def test_off_a_terminal_long_commands_end_with_one_summary_line(tmp_path, capsys, tiny_model):
    units = tmp_path / "units.jsonl"
    units.write_text('{"id": 1, "text": "Supervision is regular."}\n{"id": 2, "text": "Plans drift."}\n')
    code, _, err = run(capsys, "classify", "-i", units, "-o", tmp_path / "out.jsonl", "--model", tiny_model)
    assert code == 0 and err.startswith("themeclass: classified 2 units in ") and err.count("\n") == 1
    code, out, err = run(capsys, "label", "export", FOCUSED, "--uncertain", "3", "-o", tmp_path / "b.csv",
                         "--model", tiny_model, "--jobs", "1")
    assert code == 0 and err.startswith("themeclass: ranked the units of the reports in ") and "wrote 3 units" in out
