"""Examples of what extract_metadata reads from report texts.

Snippets are written the way pdftotext prints the real reports: short lines,
curly apostrophes, judgement tables broken into label and grade lines, form feeds
between pages. The three files in tests/data are real Ofsted reports (Crown
copyright, Open Government Licence v3.0).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from themeclass.errors import ThemeclassError
from themeclass.reading.metadata import (
    authority_names,
    detect_type,
    extract_metadata,
    find_authority,
    find_dates,
    find_grades,
    normalise_authority,
    normalise_grade,
)
from themeclass.report import DOC_TYPES, Metadata

DATA = Path(__file__).parent / "data"


def _short(value):
    """Readable test ids for long text snippets."""
    if isinstance(value, str):
        words = value.split()
        return "_".join(words[:6])[:40] or "empty"
    return None

OFSTED_HEADING = """Ofsted
Piccadilly Gate
Store Street
Manchester
M1 2WD

T 0300 123 1231
Textphone 0161 618 8524
enquiries@ofsted.gov.uk
www.gov.uk/ofsted

"""

# --------------------------------------------------------------------- snippets

ILACS_2023 = """Inspection of Liverpool local authority
children’s services
Inspection dates: 13 to 24 March 2023
Lead inspector: Lisa Summers, His Majesty’s Inspector
Judgement

Grade

The impact of leaders on social work
practice with children and families

Inadequate

The experiences and progress of
children who need help and protection

Inadequate

The experiences and progress of
children in care

Requires improvement to be good

The experiences and progress of care
leavers

Inadequate

Overall effectiveness

Inadequate

Services in Liverpool for children who need help and protection and for care leavers
are inadequate. The last inspection, in May 2018, judged all services as requiring
improvement to be good.
"""

ILACS_2018_19 = """London Borough of Redbridge
Inspection of children’s social care services
Inspection dates: 29 April 2019 to 3 May 2019
Lead inspector: Louise Hocking
Her Majesty’s Inspector
Judgement
Grade
The impact of leaders on social work practice with children
and families
Outstanding
The experiences and progress of children who need help and
protection
Outstanding
The experiences and progress of children in care and care
leavers
Good
Overall effectiveness
Outstanding
Children’s services in Redbridge are outstanding.
"""

# 2018 layout: the grade "Requires improvement to / be good" split over lines,
# the authority printed above a title that does not name it.
ILACS_2018 = """Oxfordshire County Council
Inspection of local authority children’s services
Inspection dates: 16 April to 20 April 2018
Lead inspector: Donna Marriott HMI
Judgement
Grade
The impact of leaders on social work practice with
children and families
Good
The experiences and progress of children who need
help and protection
Requires improvement to
be good
The experiences and progress of children in care and
care leavers
Good
Overall effectiveness
Good
Children’s services in Oxfordshire were judged good in all areas when they were last
inspected in 2014.
"""

# Column by column: all labels first, then all grades.
ILACS_COLUMNS = """Inspection of Kent County Council
children’s services
Inspection dates: 9 to 20 May 2022
Lead inspector: Margaret Burke, Her Majesty’s Inspector
Judgement
The impact of leaders on social work
practice with children and families
The experiences and progress of
children who need help and protection
The experiences and progress of
children in care and care leavers
Overall effectiveness
Grade
Outstanding
Good
Outstanding
Outstanding

Children are at the centre of Kent County Council’s culture and practice.
"""

# 2026 reform reports: four judgements, no overall effectiveness grade.
ILACS_2026 = """Inspection of Blackpool local authority
children’s services
Inspection dates: 8 to 19 June 2026
Lead inspector: Margaret Burke, His Majesty’s Inspector

Judgement

Grade

The impact of leaders on social work
practice with children and families

Outstanding

The experiences and progress of
children who need help and protection

Good

The experiences and progress of
children in care

Outstanding

The experiences and progress of care
leavers

Outstanding

Since the last inspection, leaders have continued to deliver sustained improvements
for children, young people and families in Blackpool.
"""

SIF = """Liverpool City Council

Inspection of services for children in need of help and
protection, children looked after and care leavers
and

Review of the effectiveness of the local safeguarding children
board1
Inspection date: 20 May 2014 – 11 June 2014
Report published: 18 July 2014
The overall judgement is requires improvement.
There are no widespread or serious failures that create or leave children being
harmed or at risk of harm.
1. Children who need help and protection

Requires
improvement

2. Children looked after and achieving permanence

Requires
improvement

2.1 Adoption performance

Good

2.2 Experiences and progress of care leavers

Requires
improvement

3. Leadership, management and governance

Requires
improvement

\f
The effectiveness of the Local Safeguarding Children Board (LSCB) is
requires improvement
"""

# The words of a label scattered around its grade, a "Not judged", and the
# combined-report footnote printed in the middle of the table.
SIF_SCATTERED = """Kirklees Council
Inspection of services for children in need of help and
protection, children looked after and care leavers
Inspection date: 12 September to 6 October 2016
Report published: 25 November 2016
Children’s services in Kirklees are inadequate
1. Children who need help and protection
Inadequate
2. Children looked
permanence
Inadequate
after
and
achieving
2.1 Adoption performance
Not judged
1
Ofsted produces this report under its power to combine reports in accordance with section 152 of
the Education and Inspections Act 2006. This report includes the report of the review of the Local
Safeguarding Children Board carried out under the Local
Safeguarding Children Boards (Review) Regulations 2013.
1
2.2 Experiences and progress of care leavers
3. Leadership, management and governance
2
Requires improvement
Inadequate
"""

SIF_REINSPECTION = """Norfolk Council
Re-inspection of services for children in need of help and
protection, children looked after and care leavers
Inspection date: 13 November 2017 to 24 November 2017
Report published: 19 January 2018
Children’s services in Norfolk requires improvement to be good
"""

FOCUSED = (
    OFSTED_HEADING
    + """24 May 2019
Steve Reddy
Director of Children and Young People’s Services
Liverpool City Council
Cunard Building
Water Street
Liverpool
L3 1DS

Dear Steve
Focused visit to Liverpool local authority children’s services
This letter summarises the findings of a focused visit to Liverpool children’s services
on 30 April and 1 May 2019. The inspectors were Shabana Abasi, Her Majesty’s
Inspector, and Peter McEntee, Her Majesty’s Inspector.
"""
)

# A garbled title line: the sentence after it still says what the letter is.
FOCUSED_GARBLED = (
    OFSTED_HEADING
    + """1 November 2018
Paul Hewitt
Harrow Director People Services (Interim)
Dear Mr Hewitt,
Harrow
HA1 2XF visit to London Borough of Harrow local authority children’s
Focused
services.
This letter summarises the findings of a focused visit to the London Borough of
Harrow local authority children’s services on 9 and 10 October 2018.
"""
)

MONITORING = (
    OFSTED_HEADING
    + """12 March 2024
Ms Jane Smith
Director of Children’s Services
Bradford Children and Families Trust
Dear Ms Smith
Monitoring visit to Bradford children’s services
This letter summarises the findings of the fourth monitoring visit to Bradford
children’s services on 6 and 7 February 2024. This was the fourth monitoring visit
since the local authority was judged inadequate in 2022.
"""
)

# Old JTAI letter: addressed to several partners, the first of them in another
# authority's area; the title names the authority at the end.
JTAI_2016 = """2 August 2016
Jane Lunt, Executive lead of the CCG, NHS Sefton CCG
Collette O’Brien, Director of Children’s Services, Liverpool City Council
Andy Cooke, Chief Constable of Merseyside police force
Chris Edwards, Chief Executive, Cheshire and Greater Manchester Community Rehabilitation Company.
Howard Cooper, Chair of Liverpool LSCB

Dear local partnership
Joint targeted area inspection of the multi-agency response to abuse and
neglect in Liverpool
Between 20 and 24 June, Ofsted, the Care Quality Commission (CQC), HMI
Constabulary (HMIC) and HMI Probation (HMI Prob) undertook a joint inspection of
the multi-agency response to abuse and neglect in Liverpool.
"""

JTAI_2024 = """14 March 2024
John Macilwraith, Director of Children’s Services, Buckinghamshire Council
Jason Hogg, Chief Constable, Thames Valley Police

Dear Buckinghamshire Safeguarding Children Partnership
Joint targeted area inspection of Buckinghamshire
This letter summarises the findings of the joint targeted area inspection (JTAI) of the
multi-agency response to identification of initial need and risk in Buckinghamshire.
This inspection took place from 22 to 26 January 2024.
"""

AREA_SEND = """Local area partnership report
Area SEND inspection of Kingston upon Hull Local Area Partnership
Inspection dates: 13 to 17 November 2023
Date of previous inspection: 9 to 13 October 2017
Inspection outcome
The local area partnership’s arrangements lead to inconsistent experiences and
outcomes for children and young people with special educational needs and/or
disabilities (SEND).
"""

JOINT_SEND_LETTER = """15 May 2018
Mr John Smith
Director of Children’s Services, Telford & Wrekin Council
Dear Mr Smith
Joint local area SEND inspection in Telford and Wrekin
Between 5 March 2018 and 9 March 2018, Ofsted and the Care Quality Commission
(CQC) conducted a joint inspection of the local area of Telford and Wrekin.
"""

LAC_2013 = """Inspection of looked after children
services
Sandwell Metropolitan Borough Council
Inspection dates:
24 – 28 June 2013
Reporting inspector Christopher Sands HMI
Age group:
Published:
All
2 August 2013
"""

LSCB_REVIEW = """Surrey Safeguarding Children Board
Review of the effectiveness of the Local Safeguarding Children
Board
Inspection date: 15 June 2015 – 17 June 2015
Report published: 3 August 2015
The Local Safeguarding Children Board requires improvement
"""

JAR_PROGRESS = """Inspection of progress made in the provision
of safeguarding services in the London Borough
of Haringey
Care Quality Commission
HM Inspectorate of Constabulary
Ofsted
Age group: All
Published: 3 July 2009
"""

NEWS = """Council welcomes Ofsted verdict on children's services
Wigan Council's children's services have been rated good by Ofsted after a
two-week inspection in the spring. Inspectors praised the council's early help
offer, and the council leader said Wigan would build on the findings.
"""


# ------------------------------------------------------------------------ types


TYPE_CASES = {
    "ilacs_2023": (ILACS_2023, "ilacs"),
    "ilacs_2018_19_title": (ILACS_2018_19, "ilacs"),
    "ilacs_2018": (ILACS_2018, "ilacs"),
    "ilacs_2026": (ILACS_2026, "ilacs"),
    "sif": (SIF, "sif"),
    "sif_reinspection": (SIF_REINSPECTION, "sif"),
    "focused": (FOCUSED, "focused"),
    "focused_garbled_title": (FOCUSED_GARBLED, "focused"),
    "monitoring": (MONITORING, "monitoring"),
    "jtai_2016": (JTAI_2016, "jtai"),
    "jtai_2024": (JTAI_2024, "jtai"),
    "area_send": (AREA_SEND, "send"),
    "joint_local_area_send": (JOINT_SEND_LETTER, "send"),
    "lac_2013": (LAC_2013, "other"),
    "lscb_review": (LSCB_REVIEW, "other"),
    "jar_progress": (JAR_PROGRESS, "other"),
    "news": (NEWS, "news"),
    "minutes": ("Minutes of the corporate parenting panel, 3 May 2021.", "other"),
}


@pytest.mark.parametrize("text, expected", list(TYPE_CASES.values()), ids=list(TYPE_CASES))
def test_document_type(text, expected):
    assert detect_type(text) == expected
    assert extract_metadata(text, "r").type == expected
    assert expected in DOC_TYPES


def test_news_needs_no_report_structure():
    # News is text about an inspection that has none of a report's own marks.
    assert detect_type(NEWS) == "news"
    assert detect_type(FOCUSED) == "focused"
    assert detect_type("Lead inspector: Jane Smith\n" + NEWS) == "other"  # a report's mark: not news
    assert detect_type("A recipe for scones.") == "other"  # no Ofsted/inspection mention


def test_body_mentions_do_not_change_type():
    # A focused letter that talks about the ILACS framework and an earlier JTAI.
    text = FOCUSED + (
        "This visit was carried out in line with the inspection of local authority children’s\n"
        "services (ILACS) framework. Since the joint targeted area inspection in 2016 ...\n"
    )
    assert detect_type(text) == "focused"


# ------------------------------------------------------------------ authorities


@pytest.mark.parametrize(
    "name, canonical",
    [
        ("Liverpool", "Liverpool"),
        ("Liverpool City Council", "Liverpool"),
        ("London Borough of Barking and Dagenham", "Barking and Dagenham"),
        ("barking & dagenham", "Barking and Dagenham"),
        ("Royal Borough of Greenwich", "Greenwich"),
        ("Royal Borough of Windsor and Maidenhead", "Windsor and Maidenhead"),
        ("windsor & maidenhead", "Windsor and Maidenhead"),
        ("City of York Council", "York"),
        ("Kent County Council", "Kent"),
        ("Durham", "Durham"),
        ("County Durham", "Durham"),
        ("Durham County Council", "Durham"),
        ("Bristol City Council", "Bristol"),
        ("Bristol, City of", "Bristol"),
        ("Kingston upon Hull City Council", "Kingston upon Hull"),
        ("Kingston Upon Hull, City of", "Kingston upon Hull"),
        ("Hull", "Kingston upon Hull"),
        ("Royal Borough of Kingston upon Thames", "Kingston upon Thames"),
        ("St Helens", "St Helens"),
        ("St. Helens Metropolitan Borough Council", "St Helens"),
        ("Southend-on-Sea Borough Council", "Southend-on-Sea"),
        ("Stoke-on-Trent City Council", "Stoke-on-Trent"),
        ("telford & wrekin", "Telford and Wrekin"),
        ("Telford and Wrekin Council", "Telford and Wrekin"),
        ("Bournemouth, Christchurch and Poole", "Bournemouth, Christchurch and Poole"),
        ("bournemouth, christchurch & poole", "Bournemouth, Christchurch and Poole"),
        ("BCP", "Bournemouth, Christchurch and Poole"),
        ("Bournemouth", "Bournemouth"),
        ("Poole", "Poole"),
        ("Dorset Council", "Dorset"),
        ("North Northamptonshire Council", "North Northamptonshire"),
        ("West Northamptonshire", "West Northamptonshire"),
        ("Northamptonshire County Council", "Northamptonshire"),
        ("Cumberland Council", "Cumberland"),
        ("Westmorland and Furness", "Westmorland and Furness"),
        ("Cumbria County Council", "Cumbria"),
        ("Bedford Borough Council", "Bedford"),
        ("East Riding of Yorkshire Council", "East Riding of Yorkshire"),
        ("Herefordshire Council", "Herefordshire"),
        ("Council of the Isles of Scilly", "Isles of Scilly"),
        ("City of London Corporation", "City of London"),
        ("london corporation", "City of London"),
        ("Wakefield Metropolitan District Council", "Wakefield"),
        ("Newcastle Upon Tyne", "Newcastle upon Tyne"),
        ("Inspection of Liverpool local authority children’s services", "Liverpool"),
        ("Focused visit to Sefton children’s services", "Sefton"),
    ],
)
def test_normalise_authority(name, canonical):
    assert normalise_authority(name) == canonical


@pytest.mark.parametrize("name", ["", "   ", "Sussex Police", "Yorkshire", "Ofsted", "Greater Manchester"])
def test_normalise_authority_unknown(name):
    assert normalise_authority(name) is None


def test_authority_table():
    current = authority_names(include_historic=False)
    assert len(current) == 153
    assert "Cumbria" in authority_names() and "Cumbria" not in current
    # every canonical name maps to itself
    assert all(normalise_authority(n) == n for n in authority_names())


AUTHORITY_CASES = {
    "ilacs_2023": (ILACS_2023, "Liverpool"),
    "ilacs_2018_19_name_above_title": (ILACS_2018_19, "Redbridge"),
    "ilacs_2018_name_above_title": (ILACS_2018, "Oxfordshire"),
    "sif": (SIF, "Liverpool"),
    "focused_not_ofsted_manchester_address": (FOCUSED, "Liverpool"),
    "focused_garbled_title": (FOCUSED_GARBLED, "Harrow"),
    "monitoring": (MONITORING, "Bradford"),
    "jtai_2016_first_partner_elsewhere": (JTAI_2016, "Liverpool"),
    "jtai_2024": (JTAI_2024, "Buckinghamshire"),
    "area_send": (AREA_SEND, "Kingston upon Hull"),
    "joint_local_area_send": (JOINT_SEND_LETTER, "Telford and Wrekin"),
    "lac_2013": (LAC_2013, "Sandwell"),
    "lscb_review": (LSCB_REVIEW, "Surrey"),
    "jar_progress": (JAR_PROGRESS, "Haringey"),
    "news": (NEWS, "Wigan"),
    "hull": ("Inspection of Hull local authority\nchildren’s services\n", "Kingston upon Hull"),
    "east_riding": ("Inspection of East Riding local\nauthority children’s services\n", "East Riding of Yorkshire"),
    "city_of_bradford": (
        "Inspection of City of Bradford\nMetropolitan Borough Council local\nauthority children’s services",
        "Bradford",
    ),
    "trust": ("Inspection of Bradford Children and\nFamilies Trust\nInspection dates: 12 to 23 January 2026", "Bradford"),
    "lost_hyphen": ("Area SEND inspection of Stoke-onTrent Local Area Partnership", "Stoke-on-Trent"),
    "bcp_over_lines": (
        "Inspection of Bournemouth,\nChristchurch and Poole local authority\nchildren’s services",
        "Bournemouth, Christchurch and Poole",
    ),
    "possessive": ("Focused visit to Durham’s children’s services", "Durham"),
}


@pytest.mark.parametrize("text, expected", list(AUTHORITY_CASES.values()), ids=list(AUTHORITY_CASES))
def test_find_authority(text, expected):
    assert find_authority(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # A neighbour or a police force is named more often than the authority.
        (
            "Inspection of West Sussex local authority children’s services\n"
            + "Sussex Police and Brighton and Hove partners ... Brighton and Hove ... Brighton and Hove\n",
            "West Sussex",
        ),
        (
            "Inspection of North Yorkshire local authority children’s services\n"
            + "Children placed in York ... City of York ... York ... York\n",
            "North Yorkshire",
        ),
        (
            "Focused visit to South Gloucestershire children’s services\n"
            + "Bristol ... Bristol City Council ... Bristol ... Avon and Somerset Police\n",
            "South Gloucestershire",
        ),
        (
            "Inspection of North Northamptonshire local authority children’s services\n"
            + "Northamptonshire Children’s Trust ... Northamptonshire Police ... Northamptonshire\n",
            "North Northamptonshire",
        ),
        (
            "Inspection of Cumberland local authority children’s services\n"
            + "Cumbria Constabulary ... Cumbria County Council ... Cumbria ... Cumbria\n",
            "Cumberland",
        ),
        (
            "Inspection of Medway local authority children’s services\n" + "Kent Police ... Kent ... Kent ... Kent\n",
            "Medway",
        ),
    ],
    ids=_short,
)
def test_title_beats_most_frequent_mention(text, expected):
    assert find_authority(text) == expected


def test_most_frequent_mention_when_no_title():
    text = (
        "Notes of a meeting\nThe Greater Manchester Police lead and Stockport officers met.\n"
        "Stockport children’s services ... Stockport ... Trafford\n"
    )
    assert find_authority(text) == "Stockport"  # "Greater Manchester" is not Manchester


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Focused visit to Atlantis children’s services\nThis letter summarises the findings of a focused visit.",
        OFSTED_HEADING + "Dear colleague\nThank you for your letter.",  # only Ofsted's own address
        "reading the case files, inspectors found that bury...",  # lower-case words are not names
    ],
    ids=_short,
)
def test_no_authority_recognised_gives_none(text):
    assert find_authority(text) is None
    assert extract_metadata(text, "r").authority is None


def test_report_id_is_not_used_to_decide():
    # A misleading file name changes nothing but Metadata.report.
    a = extract_metadata(FOCUSED, "kent_2020-01_ilacs.txt")
    b = extract_metadata(FOCUSED, "x")
    assert a.report == "kent_2020-01_ilacs.txt"
    assert (a.authority, a.type) == (b.authority, b.type) == ("Liverpool", "focused")


# ------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("Inspection dates: 18 February to 1 March 2019\n", date(2019, 2, 18), date(2019, 3, 1)),
        ("Inspection date: 25 April – 18 May 2017\n", date(2017, 4, 25), date(2017, 5, 18)),
        ("Inspection dates: 14 May 2018 to 25 May 2018\n", date(2018, 5, 14), date(2018, 5, 25)),
        ("Inspection date: 22 February 2016–18 March 2016\n", date(2016, 2, 22), date(2016, 3, 18)),
        ("Inspection dates: 19 to 23 June 2023\n", date(2023, 6, 19), date(2023, 6, 23)),
        ("Inspection dates:\n24 – 28 June 2013\n", date(2013, 6, 24), date(2013, 6, 28)),
        ("Inspection date: 12/09/2016 to 06/10/2016\n", date(2016, 9, 12), date(2016, 10, 6)),
        ("Inspection dates: 2 December 2024 to 13 December 2024\n", date(2024, 12, 2), date(2024, 12, 13)),
        ("Inspection dates: 30 December 2024 to 10 January 2025\n", date(2024, 12, 30), date(2025, 1, 10)),
        (  # a split inspection: first day of the first period to last day of the second
            "Inspection dates: 5 to 9 December 2022 and 14 to 15 February 2023\n",
            date(2022, 12, 5),
            date(2023, 2, 15),
        ),
        (
            "This letter summarises the findings of a focused visit to Sefton children’s services\non 7 and 8 March 2018.",
            date(2018, 3, 7),
            date(2018, 3, 8),
        ),
        (
            "This letter summarises the findings of a focused visit to Hull children’s services\non 15, 16 and 21 July 2025.",
            date(2025, 7, 15),
            date(2025, 7, 21),
        ),
        (
            "This letter summarises the findings of the focused visit to Bury children’s services on 29 and\n"
            "30 September, and 1 October 2020.",
            date(2020, 9, 29),
            date(2020, 10, 1),
        ),
        (
            "This letter summarises the findings of a focused visit to Camden children’s services on the 15\n"
            "and 16 of May 2018.",
            date(2018, 5, 15),
            date(2018, 5, 16),
        ),
        ("This inspection took place from 22 to 26 January 2024.", date(2024, 1, 22), date(2024, 1, 26)),
        ("Between 21 March 2017 and 24 March 2017, Ofsted ...", date(2017, 3, 21), date(2017, 3, 24)),
    ],
    ids=_short,
)
def test_inspection_dates(text, start, end):
    s, e, _published = find_dates(text)
    assert (s, e) == (start, end)


def test_year_of_visit_taken_from_letter_date():
    # "Between 20 and 24 June," has no year: the letter is dated 2 August 2016.
    start, end, published = find_dates(JTAI_2016)
    assert (start, end, published) == (date(2016, 6, 20), date(2016, 6, 24), date(2016, 8, 2))


def test_visit_in_december_letter_in_january():
    text = "8 January 2019\nDear Ms X\nFocused visit to Bedford children’s services\n" + (
        "This letter summarises the findings of a focused visit to Bedford children’s services on 4 and 5 December."
    )
    assert find_dates(text) == (date(2018, 12, 4), date(2018, 12, 5), date(2019, 1, 8))


def test_letter_dated_before_its_visit_has_a_mistyped_year():
    text = "21 January 2019\nDear Ms X\nFocused visit to Dudley children’s services\n" + (
        "This letter summarises the findings of a focused visit to Dudley children’s services on 18 and 19\n"
        "December 2019."
    )
    assert find_dates(text)[2] == date(2020, 1, 21)


@pytest.mark.parametrize(
    "text, published",
    [
        (SIF, date(2014, 7, 18)),  # "Report published: 18 July 2014"
        (FOCUSED, date(2019, 5, 24)),  # the letter's date, above "Dear ..."
        (LAC_2013, date(2013, 8, 2)),  # "Published: All 2 August 2013" (two columns)
        (JAR_PROGRESS, date(2009, 7, 3)),
        (ILACS_2023, None),  # ILACS reports do not print one
        ("Derbyshire County Council\nInspection dates: 8 July 2019 to 12 July 2019 and 7 August 2019 to\n8 August 2019\n", None),
    ],
    ids=_short,
)
def test_publication_date(text, published):
    assert find_dates(text)[2] == published


# ----------------------------------------------------------------------- grades


def test_grades_ilacs_2023_separate_care_leavers():
    assert find_grades(ILACS_2023) == {
        "impact_of_leaders": "inadequate",
        "help_and_protection": "inadequate",
        "children_in_care": "requires_improvement",
        "care_leavers": "inadequate",
        "overall_effectiveness": "inadequate",
    }


def test_grades_ilacs_2018_19_combined_care_and_care_leavers():
    assert find_grades(ILACS_2018_19) == {
        "impact_of_leaders": "outstanding",
        "help_and_protection": "outstanding",
        "children_in_care": "good",
        "overall_effectiveness": "outstanding",
    }


def test_grades_split_grade_lines():
    grades = find_grades(ILACS_2018)
    assert grades["help_and_protection"] == "requires_improvement"
    assert grades["children_in_care"] == "good"
    assert "care_leavers" not in grades


def test_grades_column_layout():
    assert find_grades(ILACS_COLUMNS) == {
        "impact_of_leaders": "outstanding",
        "help_and_protection": "good",
        "children_in_care": "outstanding",
        "overall_effectiveness": "outstanding",
    }


def test_grades_2026_reform_has_no_overall():
    grades = find_grades(ILACS_2026)
    assert "overall_effectiveness" not in grades
    assert grades == {
        "impact_of_leaders": "outstanding",
        "help_and_protection": "good",
        "children_in_care": "outstanding",
        "care_leavers": "outstanding",
    }


def test_headline_gives_overall_when_table_lacks_it():
    text = """Inspection of Exampleshire local authority children’s services
The impact of leaders on social work practice with children and families
Good
Services for children in Liverpool are good. Leaders know their services well.
"""
    assert find_grades(text, "ilacs")["overall_effectiveness"] == "good"


def test_grades_sif():
    assert find_grades(SIF) == {
        "overall_effectiveness": "requires_improvement",
        "help_and_protection": "requires_improvement",
        "children_in_care": "requires_improvement",
        "adoption": "good",
        "care_leavers": "requires_improvement",
        "leadership": "requires_improvement",
        "lscb": "requires_improvement",
    }


def test_grades_sif_scattered_table():
    assert find_grades(SIF_SCATTERED) == {
        "overall_effectiveness": "inadequate",
        "help_and_protection": "inadequate",
        "children_in_care": "inadequate",
        # adoption "Not judged": no entry, and the grades after it keep their rows
        "care_leavers": "requires_improvement",
        "leadership": "inadequate",
    }


@pytest.mark.parametrize("text", [FOCUSED, JTAI_2024, AREA_SEND, NEWS])
def test_no_grades_outside_full_inspections(text):
    assert find_grades(text) == {}


@pytest.mark.parametrize(
    "printed, value",
    [
        ("Outstanding", "outstanding"),
        ("Good", "good"),
        ("Requires improvement to be good", "requires_improvement"),
        ("Requires\nimprovement", "requires_improvement"),
        ("require improvement", "requires_improvement"),
        ("Inadequate", "inadequate"),
        ("Not judged", None),
    ],
    ids=_short,
)
def test_normalise_grade(printed, value):
    assert normalise_grade(printed) == value


# ------------------------------------------------------------------ real files


def _read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_real_ilacs_2023():
    meta = extract_metadata(_read("isles-of-scilly_2023-08_ilacs.txt"), "scilly")
    assert meta == Metadata(
        report="scilly",
        authority="Isles of Scilly",
        type="ilacs",
        inspection_start=date(2023, 7, 11),
        inspection_end=date(2023, 7, 13),
        published=None,
        title="Inspection of Isles of Scilly local authority children's services",
        grades={
            "impact_of_leaders": "inadequate",
            "help_and_protection": "inadequate",
            "children_in_care": "requires_improvement",
            "care_leavers": "requires_improvement",
            "overall_effectiveness": "inadequate",
        },
    )


def test_real_focused_visit():
    meta = extract_metadata(_read("sheffield_2022-10_focused.txt"), "sheffield")
    assert (meta.authority, meta.type) == ("Sheffield", "focused")
    assert (meta.inspection_start, meta.inspection_end) == (date(2022, 9, 21), date(2022, 9, 22))
    assert meta.published == date(2022, 10, 26)
    assert meta.title == "Focused visit to Sheffield children's services"
    assert meta.grades == {}


def test_real_jtai():
    meta = extract_metadata(_read("barnsley_2022-07_jtai.txt"), "barnsley")
    assert (meta.authority, meta.type) == ("Barnsley", "jtai")
    assert (meta.inspection_start, meta.inspection_end) == (date(2022, 5, 23), date(2022, 5, 27))
    assert meta.published == date(2022, 7, 18)
    assert meta.title == "Joint targeted area inspection of Barnsley"


def test_bad_input():
    with pytest.raises(ThemeclassError):
        extract_metadata(b"bytes", "r")  # type: ignore[arg-type]
