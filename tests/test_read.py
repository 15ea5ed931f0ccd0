"""Reading reports: ``read_text`` picks the reader, ``read`` adds units and metadata,
``read_all`` and ``report_paths`` walk files and folders.

One file is one report, so a file far larger than any report, or holding one text
many times, is refused with a one-line error naming it (issue 12, point 12).
"""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

import pytest

import themeclass
from themeclass import (
    Report,
    ThemeclassError,
    Unit,
    read,
    read_all,
    read_text,
    report_paths,
)
from themeclass.reading import read as reading
from themeclass.reading.read import (
    MAX_FILE_BYTES,
    MAX_REPORT_BYTES,
    MIN_UNITS_FOR_REPEATS,
    check_repeats,
    check_size,
    report_id,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "reports"
DATA = Path(__file__).parent / "data"
FOCUSED_PDF = DATA / "liverpool_2021-08_focused.pdf"

PARAGRAPH = (
    "Social workers visit children regularly and see them alone. Plans are reviewed on time and\n"
    "children's views are recorded and acted upon by their social workers and managers.\n\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def peak_memory(action) -> int:
    """Bytes allocated at the peak while ``action()`` runs (it is expected to raise)."""
    tracemalloc.start()
    try:
        try:
            action()
        except ThemeclassError:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ----------------------------------------------------------------------------- read


def test_read_gives_units_and_metadata():
    report = read(CORPUS / "liverpool_2023-05_ilacs.txt.gz")
    assert isinstance(report, Report)
    assert report.id == "liverpool_2023-05_ilacs"
    assert report.path == CORPUS / "liverpool_2023-05_ilacs.txt.gz"
    assert report.metadata.authority == "Liverpool"
    assert report.metadata.type == "ilacs"
    assert len(report) == len(report.units) > 30
    assert all(isinstance(u, Unit) and u.report == report.id for u in report)
    assert [u.index for u in report.units] == list(range(len(report.units)))
    # offsets index the report's normalised text
    first = report.units[0]
    assert first.text.split()[0] in report.text[first.start : first.end]


def test_read_of_a_short_text_file(tmp_path):
    path = write(tmp_path, "note.txt", b"Overview\r\nChildren are seen regularly and their plans are reviewed on time.\r\n")
    report = read(path)
    assert report.id == "note"
    assert report.text == "Overview\nChildren are seen regularly and their plans are reviewed on time.\n"
    assert [(u.section, u.text) for u in report.units] == [
        ("Overview", "Children are seen regularly and their plans are reviewed on time.")
    ]


def test_package_read_is_this_module_read():
    assert themeclass.read is reading.read and themeclass.read_text is reading.read_text


@pytest.mark.parametrize(
    "name, rid",
    [("liverpool_2023-05_ilacs.txt.gz", "liverpool_2023-05_ilacs"), ("a/b/wigan_2019-01_sif.PDF", "wigan_2019-01_sif"),
     ("page.html", "page"), ("notes.md", "notes.md"), ("report.text", "report")],
)
def test_report_id_is_the_file_name_without_its_suffixes(name, rid):
    assert report_id(name) == rid


# ------------------------------------------------------------------ read_text dispatch


def test_gzip_compressed_pdf_is_read_as_a_pdf(tmp_path):
    pytest.importorskip("pypdfium2")
    path = write(tmp_path, "letter.pdf.gz", gzip.compress(FOCUSED_PDF.read_bytes()))
    assert read_text(path) == read_text(FOCUSED_PDF)


def test_gzip_compressed_html_is_read_as_a_page(tmp_path):
    page = b"<html><body><article><p>Leaders know their services well.</p></article></body></html>"
    assert read_text(write(tmp_path, "news.html.gz", gzip.compress(page))) == "Leaders know their services well.\n"


def test_the_suffix_not_the_bytes_chooses_the_reader(tmp_path):
    page = b"<html><body><p>Kept as markup.</p></body></html>"
    assert read_text(write(tmp_path, "page.txt", page)) == page.decode()  # a .txt is text, tags and all
    assert read_text(write(tmp_path, "page", page)) == "Kept as markup.\n"  # no suffix: sniffed as HTML


# ------------------------------------------------------------------ report_paths, read_all


def test_report_paths_walks_folders_in_a_stable_order(tmp_path):
    for name in ["b.txt", "a.pdf", "sub/c.txt.gz", "sub/d.HTML", ".hidden.txt", "notes.md", "e.json"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    single = tmp_path / "notes.md"
    found = report_paths([tmp_path, single])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.pdf", "b.txt", "sub/c.txt.gz", "sub/d.HTML", "notes.md",  # a named file is taken as given
    ]


def test_report_paths_refuses_a_folder_without_reports(tmp_path):
    (tmp_path / "data.json").write_text("{}")
    with pytest.raises(ThemeclassError, match=r"no reports found \(looked for \.txt, .*\.pdf"):
        report_paths([tmp_path])


def test_read_all_skips_bad_files_and_says_why(tmp_path):
    (tmp_path / "a.txt").write_text("Overview\nChildren are seen regularly and their plans are reviewed on time.\n")
    (tmp_path / "b.txt").write_bytes(b"")
    skipped = []
    reports = list(read_all([tmp_path], skipped=skipped))
    assert [r.id for r in reports] == ["a"]
    assert [(Path(s.path).name, s.problem) for s in skipped] == [("b.txt", "empty file")]


def test_read_all_without_a_skip_list_raises_on_the_first_bad_file(tmp_path):
    (tmp_path / "b.txt").write_bytes(b"")
    with pytest.raises(ThemeclassError, match=r"b\.txt: empty file"):
        list(read_all([tmp_path]))


# ------------------------------------------------- issue 12: a file far larger than a report


def test_the_122_mb_file_of_the_issue_is_refused_at_once(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(122_000_000)  # a sparse file: 122 MB long, nothing written
    expected = "huge.txt: 122.0 MB is too large for one report (the limit is 2 MB; split it into its reports)"
    with pytest.raises(ThemeclassError) as caught:
        read(path)
    assert str(caught.value).endswith(expected) and caught.value.path == str(path)


def test_a_3_mb_text_file_is_refused_before_it_is_read(tmp_path):
    line = "Children are seen regularly, and their plans are reviewed on time by managers (line {:07d}).\n"
    path = write(tmp_path, "big.txt", "".join(line.format(i) for i in range(33_000)).encode())
    assert path.stat().st_size > 3_000_000
    with pytest.raises(ThemeclassError, match=r"big\.txt: 3\.\d MB is too large for one report \(the limit is 2 MB; "
                                              r"split it into its reports\)$"):
        read(path)
    assert peak_memory(lambda: read(path)) < 500_000  # neither read nor decoded nor segmented


def test_a_text_just_under_the_limit_is_read(tmp_path):
    line = "Leaders know their services well, and plans for children are reviewed regularly ({:06d}).\n\n"
    text = "".join(line.format(i) for i in range(20_000))
    assert 1_000_000 < len(text) < MAX_REPORT_BYTES
    assert read_text(write(tmp_path, "long.txt", text.encode())) == text


def test_a_sniffed_text_over_the_limit_is_refused_before_decoding(tmp_path):
    path = write(tmp_path, "download", b"Children are seen.\n" * 150_000)  # 2.85 MB, no suffix
    with pytest.raises(ThemeclassError, match=r"download: 2\.9 MB is too large for one report \(the limit is 2 MB"):
        read_text(path)


def test_a_gzip_that_inflates_beyond_the_limit_is_refused_without_inflating_it_all(tmp_path):
    path = tmp_path / "bomb.txt.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:  # 60 MB of text, about 60 KB on disk
        for _ in range(60):
            out.write(PARAGRAPH.encode() * 6_000)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(ThemeclassError, match=r"bomb\.txt\.gz: more than 2\.0 MB once uncompressed is too large for one "
                                              r"report \(the limit is 2 MB; split it into its reports\)$"):
        read(path)
    assert peak_memory(lambda: read(path)) < 2 * MAX_REPORT_BYTES  # at most the limit + 1 byte inflated, once


def test_a_compressed_file_itself_over_the_limit_is_refused_before_it_is_read(tmp_path):
    path = write(tmp_path, "r.txt.gz", b"\x1f\x8b" + bytes(2_500_000))
    with pytest.raises(ThemeclassError, match=r"r\.txt\.gz: 2\.5 MB is too large for one report"):
        read_text(path)


def test_a_pdf_or_page_is_held_to_the_larger_file_limit(tmp_path):
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ThemeclassError, match=r"scan\.pdf: 50\.0 MB is too large for one report \(the limit is 50 MB"):
        read_text(path)


def test_the_text_of_a_page_is_held_to_the_report_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_REPORT_BYTES", 5_000)  # a small limit keeps the example small
    page = "<html><body><article>" + "<p>Inspectors praised the council.</p>" * 200 + "</article></body></html>"
    path = write(tmp_path, "news.html", page.encode())
    assert len(path.read_bytes()) < MAX_FILE_BYTES
    with pytest.raises(ThemeclassError, match=r"news\.html: .* MB of text is too large for one report"):
        read_text(path)


def test_check_size_measures_utf8_bytes():
    check_size("’" * 600_000)  # 1.8 MB in UTF-8: allowed
    with pytest.raises(ThemeclassError, match=r"^2\.1 MB of text is too large for one report"):
        check_size("’" * 700_000)  # 700,000 characters, but 2.1 MB in UTF-8


def test_the_largest_corpus_report_is_far_under_the_limit():
    report = read(CORPUS / "kensington-and-chelsea_2016-03_sif.txt.gz")  # 132 KB, the largest shipped
    assert MAX_REPORT_BYTES == 2_000_000  # the documented limit
    assert 100_000 < len(report.text.encode()) < MAX_REPORT_BYTES / 10
    assert len(report.units) > 100


# --------------------------------------------------- issue 12: one text many times


def test_one_paragraph_repeated_50_times_is_not_a_report(tmp_path):
    path = write(tmp_path, "copies.txt", (PARAGRAPH * 50).encode())
    with pytest.raises(ThemeclassError) as caught:
        read(path)
    assert str(caught.value) == (
        f"{path}: 49 of its 50 paragraphs repeat others: a file holding one text many times is not a report"
    )


def test_read_all_skips_a_repeated_text_and_reads_the_rest(tmp_path):
    write(tmp_path, "copies.txt", ("Overview\n" + PARAGRAPH * 30).encode())
    write(tmp_path, "real.txt", b"Overview\nChildren are seen regularly and their plans are reviewed on time.\n")
    skipped = []
    assert [r.id for r in read_all([tmp_path], skipped)] == ["real"]
    assert [(Path(s.path).name, s.problem) for s in skipped] == [
        ("copies.txt", "29 of its 30 paragraphs repeat others: a file holding one text many times is not a report")
    ]


def test_the_corpus_report_with_the_most_repeats_still_passes():
    report = read(CORPUS / "plymouth_2023-08_other.txt.gz")  # 1 of 52 units repeats: 2%, the most of the 891
    texts = [u.text for u in report.units]
    assert len(texts) - len(set(texts)) >= 1


def units(texts: list[str]) -> list[Unit]:
    return [Unit("r", i, text) for i, text in enumerate(texts)]


def test_half_repeated_passes_and_more_than_half_is_refused():
    distinct = [f"Paragraph {i} about children in care." for i in range(5)]
    check_repeats(units(distinct + ["Paragraph 0 about children in care."] * 5))  # 5 of 10 repeat: allowed
    with pytest.raises(ThemeclassError, match=r"^6 of its 10 paragraphs repeat others"):
        check_repeats(units(distinct[:4] + ["Paragraph 0 about children in care."] * 6))


def test_repeats_ignore_spacing_and_need_enough_units_to_tell():
    check_repeats(units(["Children are safe."] * (MIN_UNITS_FOR_REPEATS - 1)))  # too few to tell
    with pytest.raises(ThemeclassError, match=r"^r\.txt: 9 of its 10 paragraphs repeat others"):
        check_repeats(units(["Children are safe.", "Children  are\nsafe."] * 5), "r.txt")
