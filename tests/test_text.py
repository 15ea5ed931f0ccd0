"""Plain-text report files: bytes, gzip, encodings, and telling text from PDF and HTML.

``themeclass.read_text(path)`` is the entry point a user calls; the helpers of
``themeclass.reading.text`` are what it uses for the bytes of a file. Whatever the
encoding, the text comes back normalised: "\\n" line ends, no BOM, pages split by "\\f".
"""

from __future__ import annotations

import gzip
import random
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from themeclass import ThemeclassError, read_text
from themeclass.reading.text import (
    SUPPORTED_SUFFIXES,
    file_kind,
    gunzip,
    normalise_text,
    plain_text,
    read_bytes,
    suffix_kind,
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------ encodings


def test_utf8_text_comes_back_unchanged(tmp_path):
    path = write(tmp_path, "report.txt", "Children’s services ◼ good\n".encode())
    assert read_text(path) == "Children’s services ◼ good\n"


def test_utf8_bom_is_dropped(tmp_path):
    path = write(tmp_path, "report.txt", b"\xef\xbb\xbfHeadline findings\n")
    assert read_text(path) == "Headline findings\n"


def test_cp1252_smart_quotes_survive(tmp_path):
    # Word's "smart" punctuation saved as Windows-1252: ’ “ ” – are single bytes 0x92-0x96.
    path = write(tmp_path, "report.txt", b"The child\x92s \x93voice\x94 \x96 heard")
    assert read_text(path) == "The child’s “voice” – heard"


def test_bytes_neither_utf8_nor_cp1252_fall_back_to_latin1(tmp_path):
    # 0x81 is undefined in cp1252; latin-1 decodes every byte, so the text still reads.
    assert plain_text(b"Caf\xe9 \x81 and more words", tmp_path / "r.txt") == "Café \x81 and more words"


def test_utf16_with_bom(tmp_path):
    path = write(tmp_path, "report.txt", "Care leavers’ needs\r\n".encode("utf-16"))
    assert read_text(path) == "Care leavers’ needs\n"


def test_utf32_with_bom(tmp_path):
    path = write(tmp_path, "report.txt", "Permanence plans\n".encode("utf-32"))
    assert read_text(path) == "Permanence plans\n"


def test_line_ends_become_lf_and_form_feeds_stay(tmp_path):
    path = write(tmp_path, "report.txt", b"page one\r\nline two\rline three\n\x0cpage two\r\n")
    text = read_text(path)
    assert text == "page one\nline two\nline three\n\fpage two\n"
    assert text.split("\f") == ["page one\nline two\nline three\n", "page two\n"]


def test_normalise_text_changes_only_line_ends_bom_and_nul():
    kept = " ’“” ◼ \uf0a7 \uf0b7 \f"  # quotes, bullets, private-use glyphs, form feed
    assert normalise_text("\ufeffa\r\nb\rc\x00d" + kept) == "a\nb\nc\ufffdd" + kept


@given(st.text(alphabet=st.sampled_from("ab’◼\uf0a7 \t\r\n\f\x00\ufeff")))
def test_normalise_text_leaves_no_carriage_return_or_nul_and_keeps_the_rest(text):
    once = normalise_text(text)
    assert "\r" not in once and "\x00" not in once
    assert once.count("\f") == text.count("\f") and once.count("◼") == text.count("◼")
    assert normalise_text(once) == once or once.startswith("\ufeff")  # only a second BOM goes on the next call


# --------------------------------------------------------------------------- gzip


def test_gzip_compressed_reports_read_like_plain_ones(tmp_path):
    plain = "Overview\nChildren’s plans are “clear”.\n\fPage two.\n"
    path = write(tmp_path, "r.txt.gz", gzip.compress(plain.encode("utf-8")))
    assert read_text(path) == plain


def test_gzip_is_recognised_by_its_bytes_without_the_suffix(tmp_path):
    path = write(tmp_path, "r.txt", gzip.compress(b"Headline findings\n"))
    assert read_text(path) == "Headline findings\n"


def test_damaged_gzip_is_refused_by_name(tmp_path):
    bad = write(tmp_path, "r.txt.gz", gzip.compress(b"some report text")[:12])
    with pytest.raises(ThemeclassError, match=r"r\.txt\.gz: truncated or damaged gzip file$"):
        read_text(bad)


def test_gzip_of_nothing_is_an_empty_file(tmp_path):
    with pytest.raises(ThemeclassError, match=r"r\.txt\.gz: empty file$"):
        read_text(write(tmp_path, "r.txt.gz", gzip.compress(b"  \n")))


def test_gunzip_with_a_limit_reads_what_fits(tmp_path):
    data = gzip.compress(b"Overview\n" * 100)
    assert gunzip(data, tmp_path / "r.txt.gz", limit=900) == b"Overview\n" * 100


def test_gunzip_with_a_limit_stops_inflating_at_the_limit(tmp_path):
    # 20 MB of spaces and letters squeeze into about 20 KB; inflating them all is not needed to refuse them.
    data = gzip.compress(b"a " * 10_000_000, compresslevel=9)
    tracemalloc.start()
    try:
        with pytest.raises(ThemeclassError, match=r"bomb\.txt\.gz: more than 1\.0 MB once uncompressed is too large"):
            gunzip(data, tmp_path / "bomb.txt.gz", limit=1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


def test_read_bytes_with_a_limit_refuses_a_larger_file_without_reading_it(tmp_path):
    path = write(tmp_path, "big.txt", b"x" * 3_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(ThemeclassError, match=r"big\.txt: 3\.0 MB is too large for one report \(the limit is 1 MB"):
            read_bytes(path, limit=1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100_000  # the 3 MB were never read
    assert read_bytes(path, limit=3_000_000) == b"x" * 3_000_000  # at the limit is allowed


# ------------------------------------------------------------------ telling kinds apart


def test_supported_suffixes_are_lower_case_with_dot():
    assert {".pdf", ".html", ".htm", ".txt"} <= set(SUPPORTED_SUFFIXES)
    assert all(s.startswith(".") and s == s.lower() for s in SUPPORTED_SUFFIXES)


@pytest.mark.parametrize(
    "name, kind",
    [("r.pdf", "pdf"), ("R.PDF", "pdf"), ("r.htm", "html"), ("r.html", "html"), ("r.txt", "text"), ("r.text", "text"),
     ("r.md", None), ("download", None)],
)
def test_suffix_chooses_the_reader_when_it_can(name, kind):
    assert suffix_kind(Path(name)) == kind


def test_suffix_wins_over_the_bytes():
    assert file_kind(Path("r.txt"), b"%PDF-1.7 ...") == "text"
    assert file_kind(Path("r.pdf"), b"<html><body>moved</body></html>") == "pdf"


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"%PDF-1.4\n...", "pdf"),
        (b"\r\n\r\n%PDF-1.7\n...", "pdf"),  # a little junk before the header
        (b"<!DOCTYPE html><html><body>...", "html"),
        (b"  <HTML lang='en'>", "html"),
        (b"<?xml version='1.0'?>\n<!-- saved -->\n<!doctype html>", "html"),
        ("<!doctype html>".encode("utf-16"), "html"),
        (b"\xef\xbb\xbf<html>", "html"),
        (b"Inspection of children's social care services\n", "text"),
        (b"<p>a fragment, not a page</p>", "text"),
    ],
)
def test_other_files_are_sniffed_by_their_first_bytes(data, kind):
    assert file_kind(Path("download"), data) == kind


def test_unknown_suffix_is_read_as_text(tmp_path):
    path = write(tmp_path, "report.md", b"# Findings\n")
    assert read_text(path) == "# Findings\n"


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize("content", [b"", b"  \r\n\t\n"])
def test_empty_file_is_refused(tmp_path, content):
    path = write(tmp_path, "empty.txt", content)
    with pytest.raises(ThemeclassError, match=r"empty\.txt: empty file$"):
        read_text(path)


def test_binary_noise_is_refused(tmp_path):
    noise = random.Random(20260701).randbytes(4096)  # like os.urandom, but the same every run
    path = write(tmp_path, "noise.txt", noise)
    with pytest.raises(ThemeclassError, match=r"noise\.txt: not a text, PDF or HTML report \(binary data\)$"):
        read_text(path)


def test_binary_noise_without_nul_bytes_is_refused(tmp_path):
    noise = bytes(b for b in random.Random(7).randbytes(4096) if b)  # decodes as latin-1, mostly controls
    path = write(tmp_path, "noise.bin", noise)
    with pytest.raises(ThemeclassError, match=r"noise\.bin: not a text, PDF or HTML report \(binary data\)$"):
        read_text(path)


def test_utf16_bom_before_broken_bytes_is_binary(tmp_path):
    with pytest.raises(ThemeclassError, match=r"odd\.txt: not a text, PDF or HTML report \(binary data\)$"):
        plain_text(b"\xff\xfeA\x00B", tmp_path / "odd.txt")  # odd length: not UTF-16


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nowhere.txt"
    with pytest.raises(ThemeclassError, match=r"nowhere\.txt: no such file$") as caught:
        read_text(path)
    assert caught.value.path == str(path)


def test_directory_is_refused(tmp_path):
    with pytest.raises(ThemeclassError, match=r": is a directory$") as caught:
        read_text(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a directory"
