"""Reading a news page saved from the web: the article's text without the site's furniture.

A user calls ``themeclass.read_text("page.html")`` (or ``read``); it hands the bytes
to ``themeclass.reading.html.html_text``, which keeps the title and one paragraph per
block, blank lines between, and drops navigation, adverts, cookie notices and the like.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from themeclass import ThemeclassError, read, read_text
from themeclass.reading.html import html_text

DATA = Path(__file__).parent / "data"
NEWS = DATA / "news_article.html"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


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


def test_html_text_reads_bytes_directly(tmp_path):
    page = b"<html><head><title>Council rated good</title></head><body><p>Inspectors praised leaders.</p></body></html>"
    assert html_text(page, tmp_path / "p.html") == "Council rated good\n\nInspectors praised leaders.\n"


def test_title_repeated_as_the_first_heading_is_kept_once(tmp_path):
    page = b"<html><head><title>Rated good</title></head><body><article><h1>Rated good</h1><p>Body.</p></article></body></html>"
    assert html_text(page, tmp_path / "p.html") == "Rated good\n\nBody.\n"


def test_scripts_styles_and_hidden_blocks_are_never_text(tmp_path):
    page = (
        b"<html><body><article><p>Seen.</p><script>var x = 'Hidden';</script><style>p {color: red}</style>"
        b"<p hidden>Hidden too.</p><p style='display:none'>Hidden three.</p></article></body></html>"
    )
    assert html_text(page, tmp_path / "p.html") == "Seen.\n"


def test_utf8_page_without_declared_charset(tmp_path):
    page = "<html><body><p>Children’s “voices” are heard.</p></body></html>".encode()
    assert html_text(page, tmp_path / "p.html") == "Children’s “voices” are heard.\n"


def test_unclosed_tags_nested_very_deep_do_not_break_the_reader(tmp_path):
    page = b"<html><body><p>" + b"<font>" * 5000 + b"Deep text.</p></body></html>"
    assert html_text(page, tmp_path / "deep.html") == "Deep text.\n"


def test_empty_page_is_refused(tmp_path):
    with pytest.raises(ThemeclassError, match=r"blank\.html: empty file$"):
        html_text(b"  \n", tmp_path / "blank.html")


# Trade-press pages (constructed, see tests/data/README.md): menus, issue archives,
# subscription offers, bylines and captions in plain <p>s with no telling markup.
TRADEPRESS = {
    "tradepress_article.html": [
        "Inspectors say too many children wait too long for help, though leaders have started to act.",
        "Children in need of help and protection in Exampleton wait too long for assessments, and plans for many "
        "of them are not specific enough, Ofsted has found.",
        "In a letter published after a focused visit in January, inspectors said that the council's front door "
        "responded quickly to concerns, but that assessments were often delayed when caseloads in the intake teams rose.",
        "Managers did not always record the reasons for their decisions, the letter said, and supervision of social "
        "workers was irregular in some teams.",
        "Inspectors found that senior leaders had an accurate understanding of the weaknesses and had begun to recruit "
        "more permanent social workers.",
        'A council spokesperson said: "We welcome the findings and are already acting on them."',
        "The council was judged to require improvement at its last full inspection in 2022.",
    ],
    "tradepress_article_2.html": [
        "Police, health services and children's social care in Northshire are too slow to share information about "
        "teenagers at risk of criminal exploitation, a joint targeted area inspection has found.",
        "Inspectors from Ofsted, the Care Quality Commission, HM Inspectorate of Constabulary and Fire & Rescue "
        "Services and HM Inspectorate of Probation visited the area in September.",
        "Their letter said that strategy meetings were not always held when risks escalated, and that some "
        "children were not seen by a social worker for several weeks.",
        "However, inspectors praised the area's specialist exploitation team, whose workers \"build trusting "
        "relationships with children who have often been let down by adults\".",
        "The partnership has been asked to send Ofsted a written statement of action.",
    ],
}


@pytest.mark.parametrize("name", sorted(TRADEPRESS))
def test_trade_press_article_units_are_its_paragraphs(name):
    units = read(DATA / name).units
    assert [u.text for u in units] == TRADEPRESS[name]


@pytest.mark.parametrize("name", sorted(TRADEPRESS))
@pytest.mark.parametrize(
    "furniture",
    ["Latest digital issues", "Archive of digital editions", "Themed supplements", "£", "ubscri", "Priya Shah",
     "Tom Okafor", "Picture:", "photo:", "council offices", "March 2025", "Share this", "LinkedIn", "Jobs",
     "Inspections", "Published", "Home", "rights reserved"],
)
def test_trade_press_furniture_is_left_out(name, furniture):
    assert furniture not in read_text(DATA / name)


def test_trade_press_sections_are_the_headline_and_subheadings():
    units = read(DATA / "tradepress_article.html").units
    assert {u.section for u in units} == {
        "Ofsted finds widespread weaknesses in council's help for children in need",
        "Leaders 'know what needs to improve'",
    }


def test_article_lists_prices_and_short_lines_are_kept_when_they_are_the_article(tmp_path):
    page = (
        "<html><body><main><h1>Budget</h1>"
        "<p>The council will spend £2m a year on early help, its budget says.</p>"
        "<p>Inspectors looked at three areas:</p>"
        "<ul><li>assessments</li><li>child protection plans</li><li>supervision</li></ul>"
        "<p>By the end of the year every plan will have been reviewed by a manager.</p>"
        "</main></body></html>"
    )
    text = read_text(write(tmp_path, "budget.html", page.encode("utf-8")))
    for kept in ("£2m a year", "assessments", "child protection plans", "supervision", "By the end of the year"):
        assert kept in text
