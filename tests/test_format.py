"""Saving and loading models (themeclass.model.format): format 2, the format-1
loader, the one function that names a model's files, and damaged files.

Issue 12 point 5 (one function turns an output name into the model's paths),
point 6 (a killed save leaves the previous model loadable), point 13 (a damaged
``.npz`` is a one-line ThemeclassError, never BadZipFile).
"""

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

import themeclass.files
from themeclass.codebook import THEMES
from themeclass.errors import ThemeclassError
from themeclass.model import format as model_format
from themeclass.model.format import (DEFAULT_MODEL, FORMAT_VERSION, arrays_digest, is_default, load, model_paths,
                                     save, sha256_file)

DATA = Path(__file__).resolve().parent / "data" / "models"
SRC = Path(model_format.__file__).resolve().parents[2]

# Predictions of tests/data/models/format1_tiny.npz made by themeclass before the
# redesign (commit 2b0f4be, the format-1 code): the format-1 loader must keep them.
FORMAT_1_TEXTS = [
    "Supervision is regular and reflective.",
    "Strategy discussions are timely and well attended by partners. Pathway plans are not always updated.",
    "Drift and delay in care proceedings mean that some children wait too long.",
    "Leaders have a clear vision.",
]
FORMAT_1_PREDICTIONS = [
    {"supervision": ("positive", 0.9556955424337757, 0.97386146105685)},
    {"risk_response": ("positive", 0.7548566948154443, 0.8835233363342011),
     "care_leavers": ("negative", -0.5746178099933514, 0.5149791967488726)},
    {"permanence": ("negative", -0.9959945737445074, 0.9726700388516074)},
    {},
]


def copy_model(npz: Path, folder: Path, name: str = "m") -> Path:
    for suffix in (".npz", ".json"):
        if npz.with_suffix(suffix).exists():
            (folder / f"{name}{suffix}").write_bytes(npz.with_suffix(suffix).read_bytes())
    return folder / f"{name}.npz"


def read_arrays(npz: Path) -> dict:
    with np.load(npz, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def write_arrays(npz: Path, arrays: dict) -> None:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    npz.write_bytes(buffer.getvalue())


def predictions(model, texts):
    return [{t: (r.sentiment, r.score, r.confidence, r.recurring, r.evidence) for t, r in found.items()}
            for found in model.predict(texts)]


def assert_one_line_naming(err, path):
    message = str(err.value)
    assert message.startswith(f"{path}: ") and "\n" not in message


# -- format 2 -------------------------------------------------------------------------------

def test_save_and_load_give_back_the_same_model(tiny_model_loaded, tmp_path):
    path = save(tiny_model_loaded, tmp_path / "copy")
    assert path == tmp_path / "copy.npz"
    loaded = load(path)
    for part in ("theme", "sentiment"):
        original, back = getattr(tiny_model_loaded, part), getattr(loaded, part)
        assert set(original) == set(back)
        for key in original:
            a = np.asarray(original[key])
            assert np.array_equal(a, back[key], equal_nan=a.dtype.kind == "f") and a.dtype == back[key].dtype, key
    assert loaded.patterns == tiny_model_loaded.patterns
    texts = FORMAT_1_TEXTS + ["Since the last inspection, pathway plans are still not always updated."]
    assert predictions(loaded, texts) == predictions(tiny_model_loaded, texts)


def test_a_model_file_says_what_it_is(tiny_model):
    meta = load(tiny_model).info["meta"]
    assert meta["format_version"] == FORMAT_VERSION == 2
    assert meta["themes"] == list(THEMES)
    assert {"scikit-learn", "spacy", "numpy", "themeclass", "python"} <= set(meta["versions"])
    assert meta["training"]["report_ids"] == ["tiny0", "tiny1", "tiny2"]
    assert len(meta["training"]["checksum"]) == 64 and len(meta["arrays_sha256"]) == 64
    assert meta["arrays_sha256"] == arrays_digest({k: v for k, v in read_arrays(tiny_model).items() if k != "meta"})


def test_the_json_beside_the_model_is_a_readable_copy_of_its_metadata(tiny_model):
    copy = json.loads(tiny_model.with_suffix(".json").read_text(encoding="utf-8"))
    assert copy == {"model_file": "tiny.npz", **load(tiny_model).info["meta"]}


def test_a_model_saved_under_two_names_is_the_same_bytes(tiny_model_loaded, tmp_path):
    a, b = save(tiny_model_loaded, tmp_path / "a"), save(tiny_model_loaded, tmp_path / "b.npz")
    assert a.read_bytes() == b.read_bytes()
    assert sha256_file(a) == sha256_file(b)


def test_any_of_the_names_of_a_model_loads_it(tiny_model):
    for name in (tiny_model, tiny_model.with_suffix(".json"), tiny_model.with_suffix(""), str(tiny_model)):
        assert load(name).info["meta"]["arrays_sha256"] == load(tiny_model).info["meta"]["arrays_sha256"]


def test_a_missing_model_file_is_refused(tmp_path):
    with pytest.raises(ThemeclassError, match="no such model file") as err:
        load(tmp_path / "nothing")
    assert_one_line_naming(err, tmp_path / "nothing.npz")


def test_the_default_model_loads_quickly_and_says_what_it_is():
    started = time.perf_counter()
    model = load()
    assert time.perf_counter() - started < 1.0
    assert model.info["meta"]["format_version"] in (1, 2)
    assert model.info["scores"]["reports"]  # evaluated on named held-out reports
    units = model.info.get("units", model.info.get("training_units"))  # format 2 / format 1 spelling
    assert units >= 1000


# -- the format-1 loader --------------------------------------------------------------------

def test_a_format_1_model_loads_and_predicts_as_before():
    """tests/data/models/format1_tiny.* was written by format 1 (16 arrays, a sidecar
    with the file's checksum); it must predict exactly what the format-1 code did."""
    model = load(DATA / "format1_tiny.npz")
    assert model.info["meta"]["format_version"] == 1
    assert "meta" not in read_arrays(DATA / "format1_tiny.npz")
    got = [{t: (r.sentiment, r.score, r.confidence) for t, r in found.items()} for found in model.predict(FORMAT_1_TEXTS)]
    assert got == FORMAT_1_PREDICTIONS
    assert model.joint_threshold is None  # format 1's older layout: the separate weakness threshold
    assert float(model.theme["section_weight"]) == 0.0 and model.follow == 0


def test_a_format_1_model_saved_again_is_format_2_and_predicts_the_same(tmp_path):
    old = load(DATA / "format1_tiny.npz")
    new = load(save(old, tmp_path / "upgraded"))
    assert new.info["meta"]["format_version"] == 2
    assert predictions(new, FORMAT_1_TEXTS) == predictions(old, FORMAT_1_TEXTS)
    (tmp_path / "upgraded.json").unlink()  # and it no longer needs its .json
    assert predictions(load(tmp_path / "upgraded.npz"), FORMAT_1_TEXTS) == predictions(old, FORMAT_1_TEXTS)


def test_a_format_1_model_without_its_sidecar_is_refused(tmp_path):
    path = copy_model(DATA / "format1_tiny.npz", tmp_path)
    path.with_suffix(".json").unlink()
    with pytest.raises(ThemeclassError, match=r"sidecar \(\.json\) is missing") as err:
        load(path)
    assert_one_line_naming(err, path.with_suffix(".json"))


def test_a_format_1_model_that_is_not_the_one_its_sidecar_describes_is_refused(tmp_path):
    path = copy_model(DATA / "format1_tiny.npz", tmp_path)
    arrays = read_arrays(path)
    arrays["theme__intercept"] = arrays["theme__intercept"] + 1
    write_arrays(path, arrays)
    with pytest.raises(ThemeclassError, match="checksum mismatch: the model file is not the one its sidecar describes") as err:
        load(path)
    assert_one_line_naming(err, path)


# -- versions -------------------------------------------------------------------------------

def test_a_newer_format_is_refused_not_half_read(tiny_model, tmp_path):
    path = tmp_path / "future.npz"
    arrays = read_arrays(tiny_model)
    meta = json.loads(str(arrays["meta"]))
    arrays["meta"] = np.array(json.dumps({**meta, "format_version": FORMAT_VERSION + 1, "new_part": [1, 2]}))
    arrays["sentiment__new_array"] = np.zeros(3)
    write_arrays(path, arrays)
    with pytest.raises(ThemeclassError, match=f"model format {FORMAT_VERSION + 1} is newer than this themeclass "
                                              f"reads \\({FORMAT_VERSION}\\); upgrade themeclass") as err:
        load(path)
    assert_one_line_naming(err, path)


def test_a_format_1_file_whose_sidecar_claims_a_newer_format_is_refused(tmp_path):
    path = copy_model(DATA / "format1_tiny.npz", tmp_path)
    sidecar = json.loads(path.with_suffix(".json").read_text())
    path.with_suffix(".json").write_text(json.dumps({**sidecar, "format_version": FORMAT_VERSION + 1}))
    with pytest.raises(ThemeclassError, match=f"model format {FORMAT_VERSION + 1} is newer"):
        load(path)


def test_metadata_without_a_version_or_claiming_format_1_inside_a_format_2_file_is_refused(tiny_model, tmp_path):
    arrays = read_arrays(tiny_model)
    meta = json.loads(str(arrays["meta"]))
    for name, changed, problem in (("none", {k: v for k, v in meta.items() if k != "format_version"}, "no format_version"),
                                   ("one", {**meta, "format_version": 1}, "says format 1 in a format-2 model")):
        write_arrays(tmp_path / f"{name}.npz", {**arrays, "meta": np.array(json.dumps(changed))})
        with pytest.raises(ThemeclassError, match=problem):
            load(tmp_path / f"{name}.npz")


# -- damaged files (issue 12 point 13) ------------------------------------------------------

def test_arrays_that_are_not_the_ones_saved_are_refused(tiny_model, tmp_path):
    """A valid zip whose arrays were changed after saving: the digest in its metadata catches it."""
    path = tmp_path / "edited.npz"
    arrays = read_arrays(tiny_model)
    arrays["theme__thresholds"] = np.full(len(THEMES), 0.05)
    write_arrays(path, arrays)
    with pytest.raises(ThemeclassError, match="checksum mismatch: the model's arrays are not the ones it was saved with") as err:
        load(path)
    assert_one_line_naming(err, path)


def _garbage(data: bytes) -> bytes:
    return bytes(range(256)) * 8


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _flipped_in_compressed_data(data: bytes) -> bytes:
    """One byte changed inside the first array's compressed bytes (as a disk or a copy might)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.infolist()[1]
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged = bytearray(data)
    damaged[start + info.compress_size // 2] ^= 0xFF
    return bytes(damaged)


def _zip_without_arrays(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("notes.txt", "not a model")
    return buffer.getvalue()


DAMAGE = {"garbage bytes": _garbage, "a truncated zip": _truncated,
          "a changed compressed byte": _flipped_in_compressed_data, "a zip without the arrays": _zip_without_arrays}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_format_2_file_is_a_one_line_error_naming_it(tiny_model, tmp_path, damage):
    path = tmp_path / "damaged.npz"
    path.write_bytes(DAMAGE[damage](tiny_model.read_bytes()))
    with pytest.raises(ThemeclassError, match="damaged or not a themeclass model|not a themeclass model") as err:
        load(path)
    assert_one_line_naming(err, path)


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_format_1_file_whose_checksum_was_recomputed_is_a_one_line_error(tmp_path, damage):
    """The issue's case: the sidecar's checksum matches the damaged bytes, so only
    reading the file finds the damage; that must not end as BadZipFile."""
    path = copy_model(DATA / "format1_tiny.npz", tmp_path)
    path.write_bytes(DAMAGE[damage](path.read_bytes()))
    sidecar = json.loads(path.with_suffix(".json").read_text())
    path.with_suffix(".json").write_text(json.dumps({**sidecar, "model_sha256": sha256_file(path)}))
    with pytest.raises(ThemeclassError) as err:
        load(path)
    assert_one_line_naming(err, path)


def test_any_single_changed_byte_loads_the_same_model_or_is_refused(tiny_model, tmp_path):
    """Every 97th byte of the file changed in turn: each copy is refused with a
    ThemeclassError, or (a byte of zip bookkeeping nobody reads) loads the same model."""
    data = tiny_model.read_bytes()
    expected = predictions(load(tiny_model), FORMAT_1_TEXTS)
    path = tmp_path / "flipped.npz"
    refused = 0
    for position in range(0, len(data), 97):
        damaged = bytearray(data)
        damaged[position] ^= 0x5A
        path.write_bytes(bytes(damaged))
        try:
            model = load(path)
        except ThemeclassError as err:
            assert str(err).startswith(f"{path}: ") and "\n" not in str(err)
            refused += 1
        else:
            assert predictions(model, FORMAT_1_TEXTS) == expected
    assert refused > len(data) // 97 // 2


def test_the_cli_prints_the_one_line_error_for_a_damaged_model(tiny_model, tmp_path, capsys):
    from themeclass import cli

    path = tmp_path / "damaged.npz"
    path.write_bytes(_truncated(tiny_model.read_bytes()))
    units = tmp_path / "units.jsonl"
    units.write_text(json.dumps({"id": "u1", "text": "Supervision is regular."}) + "\n")
    code = cli.main(["classify", "-i", str(units), "-o", "-", "--model", str(path)])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert err.count("\n") == 0 and str(path) in err and "damaged" in err and "internal error" not in err


# -- model_paths and the guards (issue 12 point 5) ------------------------------------------

@pytest.mark.parametrize("name", ["models/mine", "models/mine.npz", "models/mine.json"])
def test_model_paths_turns_any_name_of_a_model_into_its_two_files(name):
    assert model_paths(name) == (Path("models/mine.npz"), Path("models/mine.json"))


@pytest.mark.parametrize("name", ["models/", "models" + os.sep, ".", "..", ".npz", ""])
def test_model_paths_refuses_a_folder_or_a_name_without_a_stem(name):
    with pytest.raises(ThemeclassError, match="folder|needs a name"):
        model_paths(name)


def test_an_existing_folder_is_not_a_model_name(tmp_path):
    (tmp_path / "models").mkdir()
    with pytest.raises(ThemeclassError, match="is a folder; give the model a file name in it"):
        model_paths(tmp_path / "models")


def test_every_name_of_the_default_model_is_the_default(monkeypatch):
    for name in (DEFAULT_MODEL, DEFAULT_MODEL.with_suffix(".json"), DEFAULT_MODEL.with_suffix("")):
        assert is_default(name)
    monkeypatch.chdir(DEFAULT_MODEL.parent.parent)
    assert is_default("models/default.json") and is_default("models/default") and is_default("./models/default.npz")
    assert not is_default("models/default2")


@pytest.mark.parametrize("suffix", [".npz", ".json", ""])
def test_save_refuses_the_shipped_default_without_replace_default(tiny_model_loaded, suffix):
    before = DEFAULT_MODEL.read_bytes()
    with pytest.raises(ThemeclassError, match="this is the shipped default model"):
        save(tiny_model_loaded, DEFAULT_MODEL.with_suffix(suffix))
    assert DEFAULT_MODEL.read_bytes() == before


def test_replace_default_writes_the_default(tiny_model_loaded, tmp_path, monkeypatch):
    stand_in = tmp_path / "models" / "default.npz"  # never the real shipped model
    monkeypatch.setattr(model_format, "DEFAULT_MODEL", stand_in)
    with pytest.raises(ThemeclassError, match="shipped default"):
        save(tiny_model_loaded, tmp_path / "models" / "default.json")
    assert save(tiny_model_loaded, tmp_path / "models" / "default.json", replace_default=True) == stand_in
    assert load(stand_in).info["meta"]["format_version"] == 2


@pytest.mark.parametrize("existing", [".npz", ".json"])
def test_save_refuses_an_existing_model_without_overwrite(tiny_model_loaded, tmp_path, existing):
    (tmp_path / f"m{existing}").write_text("an earlier model")
    with pytest.raises(ThemeclassError, match="a model with this name exists; choose a new name") as err:
        save(tiny_model_loaded, tmp_path / "m")
    assert_one_line_naming(err, tmp_path / "m.npz")
    assert (tmp_path / f"m{existing}").read_text() == "an earlier model"
    save(tiny_model_loaded, tmp_path / "m", overwrite=True)
    assert load(tmp_path / "m").info["meta"]["format_version"] == 2


def test_save_where_no_folder_can_be_made_is_a_one_line_error(tiny_model_loaded, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(ThemeclassError, match="cannot write here") as err:
        save(tiny_model_loaded, tmp_path / "a-file" / "m")
    assert "\n" not in str(err.value) and str(tmp_path / "a-file") in str(err.value)


def test_a_failing_disk_is_a_one_line_error_and_leaves_nothing_behind(tiny_model_loaded, tmp_path, monkeypatch):
    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(themeclass.files.os, "fsync", full)
    with pytest.raises(ThemeclassError, match=r"m\.npz: cannot write the model \(No space left on device\)"):
        save(tiny_model_loaded, tmp_path / "m")
    assert list(tmp_path.iterdir()) == []


# -- one self-contained file, written atomically (issue 12 point 6) -------------------------

def test_a_stale_or_missing_json_beside_a_format_2_model_does_not_stop_it_loading(tiny_model, tmp_path):
    path = copy_model(tiny_model, tmp_path)
    expected = load(tiny_model).info["meta"]["arrays_sha256"]
    path.with_suffix(".json").write_text(json.dumps({"format_version": 2, "model_sha256": "0" * 64}))  # stale
    assert load(path).info["meta"]["arrays_sha256"] == expected
    path.with_suffix(".json").write_text("{ not json")  # damaged
    assert load(path).info["meta"]["arrays_sha256"] == expected
    path.with_suffix(".json").unlink()  # missing
    assert load(path).info["meta"]["arrays_sha256"] == expected


@pytest.fixture
def two_models(tiny_model_loaded):
    """The tiny model, and the format-1 fixture (another model) to write over it."""
    return tiny_model_loaded, load(DATA / "format1_tiny.npz")


def _fsync_interrupted_on_call(monkeypatch, which):
    calls = []
    real = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) == which:
            raise KeyboardInterrupt  # as Ctrl-C, or a signal turned into an exception, would
        return real(fd)

    monkeypatch.setattr(themeclass.files.os, "fsync", fsync)


def test_a_save_interrupted_while_writing_the_model_leaves_the_previous_one_whole(two_models, tmp_path, monkeypatch):
    previous, other = two_models
    path = save(previous, tmp_path / "m")
    before = path.read_bytes()
    _fsync_interrupted_on_call(monkeypatch, 1)  # the new model's bytes are written, not yet in place
    with pytest.raises(KeyboardInterrupt):
        save(other, tmp_path / "m", overwrite=True)
    assert path.read_bytes() == before
    assert load(path).info["meta"]["arrays_sha256"] == previous.info["meta"]["arrays_sha256"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.npz"]  # no temporary files


def test_a_save_interrupted_between_the_model_and_its_copy_leaves_the_new_model_loadable(two_models, tmp_path, monkeypatch):
    previous, other = two_models
    path = save(previous, tmp_path / "m")
    _fsync_interrupted_on_call(monkeypatch, 2)  # the model is in place; its readable copy is not
    with pytest.raises(KeyboardInterrupt):
        save(other, tmp_path / "m", overwrite=True)
    monkeypatch.undo()
    assert predictions(load(path), FORMAT_1_TEXTS) == predictions(other, FORMAT_1_TEXTS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.npz"]


def test_a_save_interrupted_while_compressing_writes_nothing(two_models, tmp_path, monkeypatch):
    previous, other = two_models
    path = save(previous, tmp_path / "m")
    before = path.read_bytes(), path.with_suffix(".json").read_bytes()

    def fail(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(model_format.np, "savez_compressed", fail)
    with pytest.raises(MemoryError):
        save(other, tmp_path / "m", overwrite=True)
    assert (path.read_bytes(), path.with_suffix(".json").read_bytes()) == before


KILLED_WRITER = """
import os, sys, time
sys.path.insert(0, {src!r})
import themeclass.files
from themeclass.model.format import load, save

model = load({other!r})
def fsync(fd):  # the new model is written to its temporary file: say so, and wait to be killed
    open({ready!r}, "w").close()
    time.sleep(60)
themeclass.files.os.fsync = fsync
save(model, {target!r}, overwrite=True)
"""


def test_a_save_killed_with_sigkill_leaves_the_previous_model_and_the_next_save_cleans_up(two_models, tmp_path):
    previous, other = two_models
    path = save(previous, tmp_path / "m")
    before = path.read_bytes()
    ready = tmp_path / "ready"
    script = KILLED_WRITER.format(src=str(SRC), other=str(DATA / "format1_tiny.npz"), ready=str(ready), target=str(path))
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)])
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert writer.poll() is None, "the writer ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.wait(timeout=10)
    assert path.read_bytes() == before
    assert load(path).info["meta"]["arrays_sha256"] == previous.info["meta"]["arrays_sha256"]
    [orphan] = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # the killed writer could not clean up
    assert orphan.startswith(f".m.npz.{writer.pid}.")  # its name holds the dead writer's process id
    ready.unlink()
    save(other, path, overwrite=True)  # the next save of this model removes what the killed one left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.npz"]
