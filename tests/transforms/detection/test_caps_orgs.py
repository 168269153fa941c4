"""ALL-CAPS organisation names from their shape; section and clinical headers stay.

Strings are written for these tests (fictional names), not taken from any corpus."""

import pytest

from transforms.detection.caps_orgs import caps_org_spans


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
        "WORK EXPERIENCE",
        "PROFESSIONAL EXPERIENCE  SKILLS",
        "REVIEW OF SYSTEMS: negative",
        "HOSPITAL COURSE: uneventful",
        "DEPARTMENT OF MEDICINE",
        "PAST MEDICAL HISTORY",
        "HIGH SCHOOL",
        "SUPPORT GROUP meets weekly",
        "CT OF THE CHEST AT GENERAL HOSPITAL",  # a phrase, not a name: no rare word next to the head
        "EDUCATION AND TRAINING",
        "Quarrell Technologies, in title case, is left to NER",
    ],
)
def test_caps_headers_are_not_organisations(text):
    assert _found(text) == []
