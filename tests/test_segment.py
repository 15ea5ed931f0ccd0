"""Segmentation: how report text becomes units. Each test is a small example of use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import themeclass
from themeclass.reading.segment import BLOCK_KINDS, BULLET_CHARS, DROPPED_KINDS, segment, segment_blocks

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "reports"

# A full-width line is about 85 characters in these reports; the segmenter works
# out the width from the text itself, so the examples use realistic lines.
ILACS = """\
London Borough of Exampleton
Inspection of children’s social care services
Inspection dates: 18 February to 1 March 2019
Lead inspector: Jane Smith
Her Majesty’s Inspector
Judgement

Grade

The impact of leaders on social work practice with children
and families

Requires improvement

Overall effectiveness

Requires improvement

Services for children in Exampleton require improvement, as was the case at the
last inspection in 2014. The recently appointed director of children’s services
has appropriately prioritised services for children most at risk of harm.

1

\fWhat needs to improve
◼ The quality, management oversight and impact of early help services.
◼ The quality and effectiveness of management oversight and supervision to ensure
that children’s circumstances improve within their timeframes.

The experiences and progress of children who need help and
protection: Requires improvement
1.

Early help services are insufficiently targeted or coordinated with partners to
meet the needs for specific groups of children. For instance, referral pathways
for homeless 16- and 17-year-olds are not understood by partners, resulting in
an inconsistent response.

2.

High caseloads in the assessment teams and inconsistent management
oversight mean that some children do not receive help and protection quickly

2

\fenough. Committed staff strive to provide children with a good service, but
social workers are routinely allocated additional work as they are also well-
established in the duty service.
3. Records of assessment visits vary in depth and quality of detail. Stronger cases
include detailed observations of individual children and clearly record their
views.

3

\fThe Office for Standards in Education, Children’s Services and Skills (Ofsted)
regulates and inspects to achieve excellence in the care of children and young
people.
© Crown copyright 2019

4
"""

LETTER = """\
Piccadilly Gate
Store Street
Manchester M1 2WD
3 April 2018
Mrs Anne Example
Director of Children’s Services
Exampleton Council
Dear Mrs Example,
Focused visit to Exampleton children’s services
This letter summarises the findings of a focused visit to Exampleton children’s
services on 7 and 8 March 2018. The inspectors were Ann Brown and Bob Green.
Overview
Within Exampleton, there is strong corporate leadership to improve services to
meet the diverse needs of children and their families. Senior leaders know the
service well.
What needs to improve in this area of social work practice
\uf06e the quality of referrals from partner agencies is not always comprehensive
enough to identify the level of professional concern
\uf0a7 management oversight and supervision of case work are not consistently recorded.
Ofsted will take the findings from this focused visit into account when planning
your next inspection or visit.
Yours sincerely
Ann Brown
Her Majesty’s Inspector
"""


def texts(units):
    return [u.text for u in units]


def test_numbered_paragraphs_keep_their_number_and_lose_it_from_the_text():
    units = segment(ILACS, "exampleton")
    numbered = [u for u in units if u.number is not None]
    assert [u.number for u in numbered] == [1, 2, 3]
    assert numbered[0].text.startswith("Early help services are insufficiently")
    assert numbered[2].text.startswith("Records of assessment visits")  # "3. " run on the line


def test_paragraph_split_across_pages_is_joined_without_the_page_furniture():
    units = segment(ILACS, "exampleton")
    second = next(u for u in units if u.number == 2)
    assert "help and protection quickly enough. Committed staff" in second.text
    assert second.page == 2
    assert not re.search(r"\s2\s", second.text)  # the page number is not inside


def test_bullets_are_units_with_their_section():
    units = segment(ILACS, "exampleton")
    bullets = [u for u in units if u.kind == "bullet"]
    assert texts(bullets) == [
        "The quality, management oversight and impact of early help services.",
        "The quality and effectiveness of management oversight and supervision to ensure "
        "that children’s circumstances improve within their timeframes.",
    ]
    assert {u.section for u in bullets} == {"What needs to improve"}


def test_section_is_the_heading_above_the_unit():
    units = segment(ILACS, "exampleton")
    first = next(u for u in units if u.number == 1)
    assert first.section == "The experiences and progress of children who need help and protection: Requires improvement"


def test_tables_front_matter_and_publisher_boilerplate_are_not_units():
    joined = " ".join(texts(segment(ILACS, "exampleton")))
    for furniture in ("Requires improvement Overall", "Lead inspector", "Judgement", "Crown copyright", "Office for Standards"):
        assert furniture not in joined


def test_line_end_hyphen_is_kept_and_the_break_removed():
    units = segment(ILACS, "exampleton")
    assert "also well-established in the duty service." in next(u for u in units if u.number == 2).text
    assert "16- and 17-year-olds" in next(u for u in units if u.number == 1).text


def test_a_word_split_by_the_line_break_is_rejoined():
    text = "Assessments are thorough and timely, and every assess-\nment is reviewed by a manager in good time.\n"
    assert "every assessment is reviewed" in segment(text)[0].text


def test_letter_address_salutation_and_sign_off_are_not_units():
    units = segment(LETTER, "letter")
    assert texts(units)[0].startswith("This letter summarises the findings")
    joined = " ".join(texts(units))
    for furniture in ("Piccadilly", "Dear Mrs", "Yours sincerely", "Ann Brown Her Majesty", "Ofsted will take"):
        assert furniture not in joined


def test_private_use_bullet_glyphs_start_bullets_even_without_capitals():
    units = segment(LETTER, "letter")
    bullets = [u for u in units if u.kind == "bullet"]
    assert len(bullets) == 2
    assert bullets[0].text.startswith("the quality of referrals")
    assert bullets[0].section == "What needs to improve in this area of social work practice"


def test_unit_offsets_point_into_the_source_text():
    for unit in segment(ILACS, "exampleton"):
        source = ILACS[unit.start : unit.end]
        first_word = unit.text.split()[0]
        assert first_word in source
        assert unit.text.split()[-1] in source


def test_unit_ids_are_report_and_zero_padded_index():
    units = segment(LETTER, "letter")
    assert [u.id for u in units[:2]] == ["letter#000", "letter#001"]


def test_blank_text_has_no_units():
    assert segment("", "empty") == []
    assert segment("\n\n\f\n", "empty") == []


# --- invariants, over arbitrary text -------------------------------------------------

_alnum = re.compile(r"[^0-9A-Za-z]")

line_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
    max_size=90,
)
documents = st.lists(
    st.one_of(line_text, st.sampled_from(["", "\f", "1.", "12. Text runs on.", "◼ a bullet", "Yours sincerely", "Dear Sir,", "Judgement", "Good"])),
    max_size=60,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_every_nonblank_line_lands_in_exactly_one_block(text):
    blocks = segment_blocks(text)
    seen = [line.start for block in blocks for line in block.lines]
    assert len(seen) == len(set(seen))
    expected = [m.start() + len(m.group()) - len(m.group().lstrip()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    assert sorted(seen) == sorted(expected)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_units_lose_no_letters_or_digits_of_their_lines(text):
    unit_blocks = [b for b in segment_blocks(text) if b.kind in ("paragraph", "bullet")]
    units = segment(text, "r")
    assert len(units) == len([b for b in unit_blocks if _alnum.sub("", b.raw) or b.raw.strip(BULLET_CHARS + " ")])
    for block, unit in zip(unit_blocks, units):
        source = _alnum.sub("", "".join(line.text for line in block.lines))
        kept = _alnum.sub("", unit.text)
        assert source.endswith(kept)
        dropped = source[: len(source) - len(kept)]
        # only a paragraph number or a stray "B" standing for a bullet is removed
        assert dropped == "" or (dropped.isdigit() and unit.number == int(dropped)) or dropped == "B"


# Lines like a report's: prose of every width, sentence ends at the right margin,
# words split by a line-end hyphen, indentation, bullets, numbers, page breaks.
report_lines = st.one_of(
    line_text,
    st.sampled_from([
        "", "\f", "  \f", "\t", "1.", "7.", "12. Text runs on.", "◼ a bullet", "\uf0b7 Plans are reviewed.", "B Plans",
        "Yours sincerely", "Dear Sir,", "Judgement", "Good", "Overview", "What needs to improve?", "Page 2 of 9", "3",
        "Children are seen regularly by social workers who know them well and record their", "views. Plans are",
        "reviewed and updated when circumstances change, and managers oversee the work closely.",
        "Leaders know the service well. Senior managers have an accurate view of the quality",
        "of practice, and they act on what they find. Caseloads are manageable for most staff.",
        "The quality of assessments has improved since the last inspection, and most assess-",
        "ment records are well-", "established. Social workers visit children often.",
        "   Indented line of text that opens a new paragraph in some layouts of the report.",
        "© Crown copyright 2019", "Piccadilly Gate", "Ofsted will take the findings from this visit into account.",
    ]),
)
report_documents = st.lists(report_lines, max_size=80).map("\n".join)


def _aligns(source: list[tuple[str, bool]], kept: str) -> bool:
    """``kept`` is ``source`` less some hyphens that ended a line."""
    j = 0
    for char, line_end in source:
        if j < len(kept) and char == kept[j]:
            j += 1
        elif not (char == "-" and line_end):
            return False
    return j == len(kept)


@settings(max_examples=400, deadline=None)
@given(st.one_of(report_documents, documents))
def test_every_character_is_in_one_unit_or_in_a_documented_dropped_block(text):
    blocks = segment_blocks(text)
    owner = [0] * len(text)
    for block in blocks:
        assert block.kind in BLOCK_KINDS
        for line in block.lines:
            for i in range(line.start, line.end):
                owner[i] += 1
    for i, char in enumerate(text):
        # every character is in exactly one block, a unit or a dropped kind (white space
        # between lines, being layout, in none)
        assert owner[i] == 1 or (char.isspace() and owner[i] == 0), (i, char)
    unit_blocks = [b for b in blocks if b.kind not in DROPPED_KINDS]
    units = segment(text, "r")
    kept_blocks = [b for b in unit_blocks if any(ch.isalnum() for ch in b.raw) or b.raw.strip(BULLET_CHARS + " ")]
    assert len(units) == len(kept_blocks)
    for block, unit in zip(kept_blocks, units):
        assert (unit.start, unit.end) == (block.start, block.end)
        source = []
        for line in block.lines:
            chars = [c for c in text[line.start : line.end] if not c.isspace()]
            source += [(c, k == len(chars) - 1) for k, c in enumerate(chars)]
        kept = "".join(c for c in unit.text if not c.isspace())
        # Dropped inside a unit: only a leading bullet glyph (or stray "B") or run-on paragraph number.
        assert any(
            all(c in BULLET_CHARS or c in "B." or c.isdigit() for c, _ in source[:cut]) and _aligns(source[cut:], kept)
            for cut in range(0, min(len(source), 6) + 1)
        ), (block.raw, unit.text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Children are safe.", "Plans are not always timely, and some children wait too long."]), min_size=2, max_size=12), st.booleans())
def test_numbered_paragraphs_are_never_merged(sentences, number_alone):
    parts = []
    for n, sentence in enumerate(sentences, start=1):
        parts.append(f"{n}.\n\n{sentence}\n" if number_alone else f"{n}. {sentence}")
    units = segment("\n".join(parts), "r")
    assert [u.number for u in units] == list(range(1, len(sentences) + 1))


# --- real reports --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, n_numbered, n_bullets",
    [("barking-and-dagenham_2019-04_ilacs", 38, 6), ("barking-and-dagenham_2018-04_focused", 0, 17)],
)
def test_real_reports(name, n_numbered, n_bullets):
    report = themeclass.read(CORPUS / f"{name}.txt.gz")
    numbered = [u.number for u in report.units if u.number is not None]
    assert numbered == list(range(1, n_numbered + 1))
    assert sum(u.kind == "bullet" for u in report.units) == n_bullets
    joined = " ".join(u.text for u in report.units)
    assert "Piccadilly" not in joined and "Crown copyright" not in joined


def test_footnote_at_the_foot_of_a_page_is_not_a_unit_and_does_not_cut_the_paragraph():
    # 2025-26 ILACS: "What needs to improve?1" refers to a footnote printed at the
    # foot of the page, between the two halves of a paragraph.
    report = themeclass.read(CORPUS / "luton_2026-03_ilacs.txt.gz")
    joined = " ".join(u.text for u in report.units)
    assert "have been cross-referenced with the outcomes" not in joined
    improve = [u for u in report.units if u.section == "What needs to improve?"]
    assert len(improve) == 3 and all(u.kind == "bullet" for u in improve)
    workers = next(u for u in report.units if u.text.startswith("Workers in the family help service"))
    assert workers.text.endswith("parents and carers in accordance with plans that are devised to provide the necessary support.")


def test_a_question_heading_is_a_section_not_a_unit():
    text = (
        "Information about the local area partnership\n"
        "The council commissions a range of alternative provision for children who have been\n"
        "permanently excluded from school or who are at risk of being excluded from school.\n\n"
        "What is it like to be a child or young person with special\n"
        "educational needs and/or disabilities (SEND) in this area?\n"
        "Children and young people with SEND in Exampleton have inconsistent experiences despite\n"
        "positive changes happening in recent months. Historical weaknesses and gaps in support\n"
        "remain for too many children and their families.\n"
    )
    units = segment(text, "exampleton")
    assert [u.text[:20] for u in units] == ["The council commissi", "Children and young p"]
    assert units[1].section.startswith("What is it like to be a child") and units[1].section.endswith("in this area?")


def test_fixed_template_sentences_open_their_own_paragraph():
    text = (
        "Inspection outcome\n"
        "The local area partnership’s arrangements lead to inconsistent experiences and\n"
        "outcomes for children and young people with special educational needs and/or\n"
        "disabilities (SEND). The local area partnership must work jointly to make improvements.\n"
        "The next full area SEND inspection will be within approximately three years.\n"
    )
    units = segment(text, "exampleton")
    assert [u.text[:24] for u in units] == ["The local area partnersh", "The next full area SEND "]


def test_units_serialise_to_the_documented_fields():
    # What `themeclass segment` writes, one JSON object per unit; start/end index the text.
    text = "Overview\nChildren are safe and well supported.\n"
    unit = segment(text, "r")[0]
    assert unit.to_dict() == {
        "id": "r#000", "report": "r", "index": 0, "text": "Children are safe and well supported.",
        "kind": "paragraph", "section": "Overview", "number": None, "page": 1, "start": 9, "end": 46,
    }
    assert text[unit.start : unit.end].strip() == unit.text


def test_a_pdf_paragraph_ending_at_the_right_margin_is_its_own_unit():
    # In pdftotext's text "... fully on site." fills its line and "Headline findings"
    # follows without a gap, so the text alone cannot show the break; the PDF's
    # layout blocks do (issue 14).
    pytest.importorskip("pypdfium2")
    pdf = Path(__file__).resolve().parent / "data" / "liverpool_2021-08_focused.pdf"
    units = themeclass.read(pdf).units
    visit = next(u for u in units if u.text.startswith("This visit was carried out in line with"))
    assert visit.text.endswith("This visit was carried out fully on site.")
    headline = next(u for u in units if u.text.startswith("Most children in Liverpool benefit"))
    assert headline.section == "Headline findings"


# --- paragraph ends the text hides (issue 14) ------------------------------------------

CARE_LEAVERS = """\
Care leavers are supported by personal advisers who stay in touch with them and help
them to find suitable homes, education and work. Pathway plans are up to date and
written with young people, although some do not say enough about their health needs
and how these will be met."""
VISITS = """\
Social workers visit children regularly and know them well. They complete direct work
with children to understand their wishes and feelings, and this informs their plans.
Assessments are thorough and consider the history of the family, including previous
concerns, so that risks to children are understood and their needs are clearly set
out. Managers review the work of social workers often and give clear direction on next
steps, which helps to keep plans on track and avoids drift for children and families."""
LEADERS = """\
Leaders have a clear and accurate understanding of the quality of practice in the service.
They use performance information and audits well to identify where practice is weaker,
and they have taken decisive action to strengthen the front door and the assessment
teams. Caseloads are manageable, and social workers say that they feel well supported
by their managers, who are visible and available to discuss their work with children
and their families."""
MISSING = """\
Children who go missing are offered return home interviews, and the information from
them is shared with the police and with schools. Strategy meetings are held when risks
increase, and plans to reduce the risk of exploitation are reviewed at regular
intervals by managers."""


def _starts(units):
    return [u.text[:30] for u in units]


def test_a_paragraph_whose_last_line_runs_to_the_margin_is_split_from_the_next():
    # "... for children and families." fills its line, so only the paragraph's shape
    # shows the end: a sentence ends at the margin, the next line opens a sentence,
    # and both sides are as long as the letter's paragraphs.
    units = segment("\n".join([CARE_LEAVERS, VISITS, LEADERS, MISSING]), "letter")
    assert _starts(units) == [
        "Care leavers are supported by ", "Social workers visit children ", "Leaders have a clear and accur",
        "Children who go missing are of",
    ]
    assert units[1].text.endswith("avoids drift for children and families.")


def test_a_sentence_carrying_on_from_the_last_does_not_open_a_paragraph():
    carried = "However, l" + LEADERS[1:]
    units = segment("\n".join([CARE_LEAVERS, VISITS, carried, MISSING]), "letter")
    assert len(units) == 3 and "families. However, leaders have" in units[1].text


def test_a_page_break_between_paragraphs_ends_the_first_even_at_the_margin():
    text = "\n".join([CARE_LEAVERS, VISITS]) + "\n\f" + "\n".join([LEADERS, MISSING])
    units = segment(text, "letter")
    assert len(units) == 4 and units[2].text.startswith("Leaders have") and units[2].page == 2
    # ... while a sentence running on over the break is one unit
    split = VISITS.replace("avoids drift for children and families.", "avoids drift for children and\n\ffamilies.")
    assert len(segment("\n".join([CARE_LEAVERS, split, MISSING]), "letter")) == 3


def test_a_text_that_marks_its_paragraphs_with_blank_lines_hides_no_paragraph_end():
    # As the PDF reader's text does: the long block is one paragraph.
    text = "\n\n".join([CARE_LEAVERS, VISITS + "\n" + LEADERS, MISSING])
    assert len(segment(text, "report")) == 3


def test_a_paragraph_number_at_the_top_of_a_page_is_not_furniture():
    # "#." recurs at the page edges of a numbered report; the numbers are not running heads.
    findings = ["Plans are reviewed on time.", "Children are seen alone.", "Supervision is regular.",
                "Care leavers have good homes.", "Assessments are thorough.", "Leaders know the service well.",
                "Caseloads are manageable.", "Strategy meetings are timely.", "Audits are accurate.",
                "Foster carers are trained.", "Adoption is timely.", "Partners share information."]
    pages = [f"{n}.\n\n{finding}\n" for n, finding in enumerate(findings, start=1)]
    units = segment("\f".join(pages), "numbered")
    assert [u.number for u in units] == list(range(1, 13))


def test_publisher_sentences_set_as_bullets_are_not_units():
    text = LETTER.replace("Ofsted will take the findings", "◼ Ofsted will take the findings")
    text = text.replace("Yours sincerely", "◼ I am copying this letter to the Department for Education.\nYours sincerely")
    joined = " ".join(texts(segment(text, "letter")))
    assert "Ofsted will take" not in joined and "copying this letter" not in joined
