"""How to read a report file into text, and what happens when the file is wrong.

``read_text(path)`` is the one entry point: it picks the reader (text, PDF, HTML) and
always returns normalised text — "\\n" line ends, no BOM, pages split by "\\f".
"""

from __future__ import annotations

import collections
import difflib
import io
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from themeclass.errors import ThemeclassError
from themeclass.readers import SUPPORTED_SUFFIXES, normalise_text, read_text

DATA = Path(__file__).parent / "data"
JTAI = DATA / "liverpool_2016-08_jtai.pdf"  # 11 pages, private-use bullet U+F06E, footnote
FOCUSED = DATA / "liverpool_2021-08_focused.pdf"  # 4 pages, ◼ bullets, two-column letterhead
NEWS = DATA / "news_article.html"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------ plain text


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


def test_utf16_with_bom(tmp_path):
    path = write(tmp_path, "report.txt", "Care leavers’ needs\r\n".encode("utf-16"))
    assert read_text(path) == "Care leavers’ needs\n"


def test_line_ends_become_lf_and_form_feeds_stay(tmp_path):
    path = write(tmp_path, "report.txt", b"page one\r\nline two\rline three\n\x0cpage two\r\n")
    text = read_text(path)
    assert text == "page one\nline two\nline three\n\fpage two\n"
    assert text.split("\f") == ["page one\nline two\nline three\n", "page two\n"]


def test_unknown_suffix_is_read_as_text(tmp_path):
    path = write(tmp_path, "report.md", b"# Findings\n")
    assert read_text(path) == "# Findings\n"


def test_supported_suffixes_are_lower_case_with_dot():
    assert ".pdf" in SUPPORTED_SUFFIXES and ".html" in SUPPORTED_SUFFIXES and ".txt" in SUPPORTED_SUFFIXES


def test_normalise_text_changes_only_line_ends_bom_and_nul():
    kept = " ’“” ◼ \uf0a7 \uf0b7 \f"  # quotes, bullets, private-use glyphs, form feed
    assert normalise_text("\ufeffa\r\nb\rc\x00d" + kept) == "a\nb\nc\ufffdd" + kept


@given(st.text(alphabet=st.sampled_from("ab’◼\uf0a7 \t\r\n\f\x00\ufeff")))
def test_normalise_text_leaves_no_carriage_return_or_nul_and_keeps_the_rest(text):
    once = normalise_text(text)
    assert "\r" not in once and "\x00" not in once
    assert once.count("\f") == text.count("\f") and once.count("◼") == text.count("◼")
    assert normalise_text(once) == once or once.startswith("\ufeff")  # only a second BOM goes on the next call


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


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nowhere.txt"
    with pytest.raises(ThemeclassError, match=r"nowhere\.txt: no such file$") as caught:
        read_text(path)
    assert caught.value.path == str(path)


def test_directory_is_refused(tmp_path):
    with pytest.raises(ThemeclassError, match=r": is a directory$") as caught:
        read_text(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a directory"


# ------------------------------------------------------------------------------ PDF


@pytest.fixture(scope="module")
def pdfium():
    return pytest.importorskip("pypdfium2")


@pytest.fixture(scope="module")
def jtai_text(pdfium) -> str:
    return read_text(JTAI)


@pytest.fixture(scope="module")
def focused_text(pdfium) -> str:
    return read_text(FOCUSED)


def page_count(pdfium, path: Path) -> int:
    doc = pdfium.PdfDocument(path)
    try:
        return len(doc)
    finally:
        doc.close()


def word_similarity(ours: str, reference: str) -> float:
    return difflib.SequenceMatcher(None, ours.split(), reference.split(), autojunk=False).ratio()


def share_of_lines_found(ours: str, reference: str) -> float:
    """Share of pdftotext's non-blank lines that come out identical (order aside)."""
    wanted = collections.Counter(line.strip() for line in reference.split("\n") if line.strip())
    got = collections.Counter(line.strip() for line in ours.split("\n") if line.strip())
    return sum((wanted & got).values()) / sum(wanted.values())


@pytest.mark.parametrize("path, fixture", [(JTAI, "jtai_text"), (FOCUSED, "focused_text")])
def test_one_form_feed_between_pages(pdfium, request, path, fixture):
    text = request.getfixturevalue(fixture)
    assert text.count("\f") + 1 == page_count(pdfium, path)
    assert "\r" not in text and not text.startswith("\f")


def test_pdf_text_has_the_report_sentences_and_bullets(jtai_text, focused_text):
    assert "Joint targeted area inspection of the multi-agency response to abuse and\nneglect in Liverpool" in jtai_text
    assert "\uf06e" in jtai_text  # the report's private-use bullet glyph is kept
    assert "◼ The quality of plans to ensure that children’s progress is clearly measured." in focused_text
    pages = focused_text.split("\f")
    assert pages[0].startswith("Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD\n\nT 0300 123 1231")
    assert "Headline findings\nMost children in Liverpool benefit from an effective range" in pages[0]


def test_pdf_superscript_stays_in_its_line(jtai_text):
    assert "the multi-agency response to abuse and neglect in Liverpool.1 This inspection\n" in jtai_text


@pytest.mark.parametrize(
    "path, fixture", [(JTAI, "jtai_text"), (FOCUSED, "focused_text")], ids=["jtai", "focused"]
)
def test_pdf_text_is_close_to_pdftotext(request, path, fixture):
    # Measured: jtai 0.9998 words / 1.0 lines, focused 1.0 / 1.0. Thresholds leave margin.
    ours = request.getfixturevalue(fixture)
    reference = (DATA / f"{path.stem}.pdftotext.txt").read_text(encoding="utf-8")
    assert word_similarity(ours, reference) >= 0.995
    assert share_of_lines_found(ours, reference) >= 0.98


def test_pdf_sniffed_without_suffix(pdfium, tmp_path, focused_text):
    path = write(tmp_path, "download", FOCUSED.read_bytes())
    assert read_text(path) == focused_text


def test_truncated_pdf_is_refused(pdfium, tmp_path):
    data = FOCUSED.read_bytes()
    path = write(tmp_path, "half.pdf", data[: len(data) // 2])
    with pytest.raises(ThemeclassError, match=r"half\.pdf: truncated or damaged PDF$"):
        read_text(path)


def test_damaged_pdf_is_refused(pdfium, tmp_path):
    data = FOCUSED.read_bytes()
    path = write(tmp_path, "damaged.pdf", data[: len(data) // 2] + b"\n%%EOF\n")
    with pytest.raises(ThemeclassError, match=r"damaged\.pdf: truncated or damaged PDF$"):
        read_text(path)


def test_encrypted_pdf_is_refused(pdfium, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(tiny_pdf("BT /F1 12 Tf 72 700 Td (Secret) Tj ET")))
    writer.encrypt(user_password="letmein", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    path = write(tmp_path, "locked.pdf", buffer.getvalue())
    with pytest.raises(ThemeclassError, match=r"locked\.pdf: encrypted PDF \(password required\)$"):
        read_text(path)


def test_pdf_encrypted_for_owner_only_is_read(pdfium, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(tiny_pdf("BT /F1 12 Tf 72 700 Td (Open to all) Tj ET")))
    writer.encrypt(user_password="", owner_password="owner")  # opens without a password
    buffer = io.BytesIO()
    writer.write(buffer)
    assert read_text(write(tmp_path, "owner.pdf", buffer.getvalue())) == "Open to all\n"


def test_not_a_pdf_despite_suffix(pdfium, tmp_path):
    path = write(tmp_path, "report.pdf", b"<html><body>Sorry, this file has moved</body></html>")
    with pytest.raises(ThemeclassError, match=r"report\.pdf: not a PDF \(no %PDF- header\)$"):
        read_text(path)


def test_pdf_without_text_layer_is_refused(pdfium, tmp_path):
    path = write(tmp_path, "scan.pdf", tiny_pdf("0 0 1 rg 72 72 200 200 re f"))  # a picture, no text
    with pytest.raises(ThemeclassError, match=r"scan\.pdf: PDF has no text layer \(scanned\?\)$"):
        read_text(path)


def test_pdf_without_the_extra_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "pypdfium2.raw", None)
    path = write(tmp_path, "report.pdf", tiny_pdf("BT /F1 12 Tf 72 700 Td (Hello) Tj ET"))
    expected = r"report\.pdf: reading PDF needs the pdf extra: pip install 'themeclass\[pdf\]'$"
    with pytest.raises(ThemeclassError, match=expected):
        read_text(path)


def test_pdf_blank_page_keeps_its_place(pdfium, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(tiny_pdf("BT /F1 12 Tf 72 700 Td (Page one) Tj ET")))
    writer.add_blank_page()
    writer.append(pypdf.PdfReader(io.BytesIO(tiny_pdf("BT /F1 12 Tf 72 700 Td (Page three) Tj ET"))))
    buffer = io.BytesIO()
    writer.write(buffer)
    text = read_text(write(tmp_path, "gap.pdf", buffer.getvalue()))
    assert text.split("\f") == ["Page one\n", "", "Page three\n"]


def test_pdf_lines_come_top_to_bottom_whatever_the_drawing_order(pdfium, tmp_path):
    content = (
        "BT /F1 9 Tf 72 40 Td (Running footer) Tj ET "  # drawn first, printed last
        "BT /F1 12 Tf 72 700 Td (First line of the body) Tj 0 -14 Td (second line) Tj ET"
    )
    assert read_text(write(tmp_path, "order.pdf", tiny_pdf(content))) == (
        "First line of the body\nsecond line\n\nRunning footer\n"
    )


def test_pdf_table_cells_are_separate_lines_left_to_right(pdfium, tmp_path):
    content = (
        "BT /F1 12 Tf 72 700 Td (Judgement) Tj 300 0 Td (Grade) Tj ET "
        "BT /F1 12 Tf 72 660 Td (Overall effectiveness) Tj 300 0 Td (Good) Tj ET"
    )
    text = read_text(write(tmp_path, "table.pdf", tiny_pdf(content)))
    assert [line for line in text.splitlines() if line] == ["Judgement", "Grade", "Overall effectiveness", "Good"]


def test_pdf_end_of_line_hyphen_is_joined_like_pdftotext(pdfium, tmp_path):
    # pdftotext drops a line-final hyphen and joins the lines; the library was tuned on that.
    content = "BT /F1 12 Tf 72 700 Td (carers who are committed to their longer-) Tj 0 -14 Td (term needs.) Tj ET"
    assert read_text(write(tmp_path, "hyphen.pdf", tiny_pdf(content))) == (
        "carers who are committed to their longerterm needs.\n"
    )


def test_pdf_sideways_text_goes_after_the_page_text(pdfium, tmp_path):
    content = (
        "BT /F1 12 Tf 72 700 Td (The body of the page reads across) Tj ET "
        "BT /F1 10 Tf 0 1 -1 0 560 300 Tm (Printed sideways) Tj ET"
    )
    assert read_text(write(tmp_path, "sideways.pdf", tiny_pdf(content))) == (
        "The body of the page reads across\n\nPrinted sideways\n"
    )


def test_pdf_page_printed_sideways_keeps_pdfium_order(pdfium, tmp_path):
    content = "BT /F1 12 Tf 0 1 -1 0 300 100 Tm (A landscape table) Tj 0 -14 Td (second line) Tj ET"
    assert read_text(write(tmp_path, "landscape.pdf", tiny_pdf(content))) == "A landscape table\nsecond line\n"


def tiny_pdf(content: str) -> bytes:
    """A one-page A4 PDF drawing ``content`` (a content stream) with Helvetica as /F1."""
    stream = content.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ----------------------------------------------------------------------------- HTML


ARTICLE = [
    "Council children’s services rated good",
    "Inspectors from Ofsted have rated the council’s services for children as good, "
    "two years after they were found to be inadequate.",
    "The report praised “strong leadership” and said social workers know children & families well.",
    "However, inspectors found that care leavers do not always get the help they need with housing, "
    "and that too many pathway plans are out of date.",
    "The council’s director of children’s services said the team would “build on this progress” "
    "over the coming year.",
]


def test_news_page_gives_title_then_article_paragraphs():
    assert read_text(NEWS) == "\n\n".join(ARTICLE) + "\n"


@pytest.mark.parametrize(
    "furniture",
    ["cookies", "Sport", "What’s on", "ADVERTISEMENT", "Share on", "Related articles", "School meals",
     "Most read", "marrow", "newsletter", "rights reserved", "Privacy", "TRACKING", "position: fixed",
     "By A. Reporter", "Echo-Chamber"],
)
def test_news_page_furniture_is_left_out(furniture):
    assert furniture not in read_text(NEWS)


def test_html_sniffed_and_decoded_by_meta_charset(tmp_path):
    page = (
        b"<!DOCTYPE html><html><head><meta charset=\"windows-1252\"><title>T</title></head>"
        b"<body><nav><a href='/'>Home</a></nav><p>The council\x92s &quot;front door&quot;.</p></body></html>"
    )
    assert read_text(write(tmp_path, "page.dat", page)) == "T\n\nThe council’s \"front door\".\n"


def test_xhtml_with_comment_before_doctype_is_sniffed(tmp_path):
    page = b"<?xml version='1.0'?>\n<!-- saved page -->\n<!DOCTYPE html><html><body><p>Kept.</p></body></html>"
    assert read_text(write(tmp_path, "saved", page)) == "Kept.\n"


def test_html_without_article_element_uses_the_densest_block(tmp_path):
    page = (
        "<html><body><div class='menu'><a href='/a'>A</a> <a href='/b'>B</a></div>"
        "<div id='story'><h1>Title</h1><p>First paragraph of the story.</p>"
        "<p>Second paragraph, with <a href='/x'>a link</a> inside.</p></div>"
        "<div><p>Short.</p></div></body></html>"
    )
    assert read_text(write(tmp_path, "page.htm", page.encode())) == (
        "Title\n\nFirst paragraph of the story.\n\nSecond paragraph, with a link inside.\n"
    )


def test_html_with_no_article_text_is_refused(tmp_path):
    page = b"<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>"
    with pytest.raises(ThemeclassError, match=r"nav\.html: no article text found in HTML page$"):
        read_text(write(tmp_path, "nav.html", page))


def test_gzip_compressed_reports_read_like_plain_ones(tmp_path):
    import gzip

    plain = "Overview\nChildren’s plans are “clear”.\n\fPage two.\n"
    (tmp_path / "r.txt.gz").write_bytes(gzip.compress(plain.encode("utf-8")))
    assert read_text(tmp_path / "r.txt.gz") == plain


def test_damaged_gzip_is_refused_by_name(tmp_path):
    import gzip

    bad = tmp_path / "r.txt.gz"
    bad.write_bytes(gzip.compress(b"some report text")[:12])
    with pytest.raises(ThemeclassError, match=r"r\.txt\.gz: truncated or damaged gzip file"):
        read_text(bad)
