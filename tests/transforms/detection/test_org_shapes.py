"""ALL-CAPS organisation names from their shape; section and clinical headers stay.

Strings are written for these tests (fictional names), not taken from any corpus."""

import pytest

from transforms.detection.org_shapes import caps_org_spans, title_org_spans


def _found(text):
    return [text[s.start : s.end] for s in caps_org_spans(text)]


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("EXPERIENCE  QUARRELL TECHNOLOGIES, Quenford, OH", "QUARRELL TECHNOLOGIES"),
        ("UNIVERSITY OF TARNBURY, DEPARTMENT OF PHYSICS", "UNIVERSITY OF TARNBURY"),
        ("2004-2009  OSTLUND PARTNERS, INC., Velmora", "OSTLUND PARTNERS, INC."),
        ("Employer: THE BRACKWATER GROUP", "BRACKWATER GROUP"),
        ("HAVERLY & ASSOCIATES - consultant", "HAVERLY & ASSOCIATES"),
        ("OHIO POLYTECHNIC, 2001", "OHIO POLYTECHNIC"),  # a region name is evidence
        ("ZENTARO INSTITUTE OF APPLIED SCIENCE  Tarnbury", "ZENTARO INSTITUTE OF APPLIED SCIENCE"),
        ("Worked for KVX LIMITED in 2010", "KVX LIMITED"),
    ],
)
def test_caps_org_found(text, org):
    assert org in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "CAREER RECORD",
        "PROFESSIONAL EXPERIENCE  SKILLS",
        "REVIEW OF SYSTEMS: negative",
        "HOSPITAL COURSE: uneventful",
        "DEPARTMENT OF MEDICINE",
        "PAST MEDICAL HISTORY",
        "MIDDLE SCHOOL",
        "SUPPORT GROUP meets weekly",
        "CT OF THE CHEST AT GENERAL HOSPITAL",  # a phrase, not a name: no rare word next to the head
        "EDUCATION AND TRAINING",
    ],
)
def test_caps_headers_are_not_organisations(text):
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("EDUCATION\n\nBrindlemoor School of Forestry\n\n2007 to 2011", "Brindlemoor School of Forestry"),
        ("Diploma from University of Quenford, 2003", "University of Quenford"),
        ("Yesterday Quarrell Technologies announced a merger", "Quarrell Technologies"),
        ("Ostlund Partners, Inc. hired her", "Ostlund Partners, Inc."),
        ("Students at Tarnbury College said", "Tarnbury College"),
    ],
)
def test_title_org_found(text, org):
    assert org in [text[s.start : s.end] for s in title_org_spans(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Review of Systems: negative",
        "Hospital Course: stable overnight",
        "Department of Medicine",
        "seen by the Emergency Medicine Group",
        "He went to Night School in the city",
        "Career Record",
        "Master of Science in Applied Geology",
    ],
)
def test_title_phrases_of_common_words_are_not_organisations(text):
    assert title_org_spans(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Admitted via St Mary Hospital, Leeds", ["Mary Hospital"]),  # a first name is evidence
        ("Referred to GRACE HOSPITAL", ["GRACE HOSPITAL"]),
        ("Booked for May Institute", []),  # a month, not a name
        ("See April Group", []),
    ],
)
def test_first_names_as_evidence_but_not_months(text, found):
    assert [text[s.start : s.end] for s in caps_org_spans(text) + title_org_spans(text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Booked with Quarnby Air for June.", ["Quarnby Air"]),
        ("Referred to Tolvane Veterinary Centre today", ["Tolvane Veterinary Centre"]),
        ("HALBERGATE COMMUNICATIONS\nFINAL NOTICE", ["HALBERGATE COMMUNICATIONS"]),
        ("Practice: Ferrowby Veterinary (north branch)", ["Ferrowby Veterinary"]),
        ("Tenants of the Maddox Row Residents' Association met", ["Maddox Row Residents' Association"]),
        # negatives: common words before the head, topic heads, headers, no head
        ("Meet at the Leisure Centre by the Youth Club", []),
        ("We need some Fresh Air and a Data Center move", []),
        ("PET INSURANCE CLAIM FORM", []),
        ("DWELLING WITH DETACHED GARAGE", []),
    ],
)
def test_service_heads(text, found):
    got = [
        text[s.start : s.end]
        for s in caps_org_spans(text, service_heads=True) + title_org_spans(text, service_heads=True)
    ]
    assert got == found
    if found:  # the switch: without the service heads these are not found
        assert caps_org_spans(text) + title_org_spans(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # review counter-examples: a service word beside a strong head is judged like any word, with the
        # service heads off (as before the method existed) and on (invented strings)
        ("REHAB HOLDINGS\nANNUAL STATEMENT", ["REHAB HOLDINGS"]),
        ("Invoice from Rehab Holdings, paid in full", ["Rehab Holdings"]),
        ("COMMUNITY FOUNDATION GRANT LETTER", []),  # a common word beside the head: no evidence
    ],
)
@pytest.mark.parametrize("service", [False, True])
def test_service_word_beside_a_strong_head(text, found, service):
    got = [
        text[s.start : s.end]
        for s in caps_org_spans(text, service_heads=service) + title_org_spans(text, service_heads=service)
    ]
    assert got == found
