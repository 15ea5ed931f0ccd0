"""Files in and out: JSON Lines with the line named on error; outputs all at once or not at all."""

import os
import subprocess
import sys

import pytest

from themeclass.errors import ThemeclassError
from themeclass.files import atomic_folder, atomic_write, read_jsonl


def test_json_lines_split_on_newlines_only(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "one\\u2028still one"}\n\n{"text": "two"}\n', encoding="utf-8")
    assert [(n, row["text"]) for n, row in read_jsonl(path)] == [(1, "one\u2028still one"), (3, "two")]


@pytest.mark.parametrize("content, problem", [
    (b'{"a": 1}\n{"a": \n', "line 2: not valid JSON"),
    (b"\xff\xfe\x00", "cannot read labels"),
])
def test_a_bad_json_lines_file_names_itself_and_the_line(tmp_path, content, problem):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(ThemeclassError, match=problem) as err:
        list(read_jsonl(path, "labels"))
    assert str(err.value).startswith(str(path))
    with pytest.raises(ThemeclassError, match="no such file"):
        list(read_jsonl(tmp_path / "missing.jsonl"))


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half")
            raise RuntimeError("stop")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["out.txt"]


def test_a_temporary_file_left_by_a_killed_writer_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "out.txt"
    code = (f"from themeclass.files import atomic_write\nimport os\n"
            f"with atomic_write({str(target)!r}) as fh:\n    fh.write('half'); fh.flush(); os._exit(9)\n")
    subprocess.run([sys.executable, "-c", code], check=False)
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]  # the killed run's leftover
    with atomic_write(target) as fh:
        fh.write("whole")
    assert os.listdir(tmp_path) == ["out.txt"] and target.read_text() == "whole"


def test_writing_to_a_folder_or_an_unwritable_place_is_a_one_line_error(tmp_path):
    with pytest.raises(ThemeclassError, match="is a folder"):
        with atomic_write(tmp_path):
            pass
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ThemeclassError, match="cannot write here"):
        with atomic_write(blocker / "inside.txt"):
            pass


def test_a_folder_of_outputs_appears_whole_or_not_at_all(tmp_path):
    out = tmp_path / "results"
    with atomic_folder(out) as folder:
        (folder / "a.csv").write_text("new a")
        (folder / "b.csv").write_text("new b")
        assert not out.exists()  # nothing visible until the set is complete
    assert sorted(os.listdir(out)) == ["a.csv", "b.csv"]
    with pytest.raises(RuntimeError):
        with atomic_folder(out) as folder:
            (folder / "a.csv").write_text("newer a")
            raise RuntimeError("killed half way")
    assert (out / "a.csv").read_text() == "new a" and (out / "b.csv").read_text() == "new b"
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")] == []


def test_a_second_writer_to_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "results"
    with atomic_folder(out):
        with pytest.raises(ThemeclassError, match="another themeclass run is writing to this folder"):
            with atomic_folder(out):
                pass


def test_an_output_folder_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "results").write_text("not a folder")
    with pytest.raises(ThemeclassError, match="exists and is not a folder"):
        with atomic_folder(tmp_path / "results"):
            pass


def test_a_device_or_pipe_is_written_straight_through_never_replaced(tmp_path):
    """``-o /dev/null`` must not turn the device into a file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    with atomic_write(fifo) as fh:
        fh.write("through the pipe")
    assert reader.communicate(timeout=10)[0] == b"through the pipe"
    assert not fifo.is_file() and fifo.exists()
    with atomic_write(os.devnull) as fh:
        fh.write("nothing")
    assert not os.path.isfile(os.devnull)
