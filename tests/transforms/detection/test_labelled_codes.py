"""Codes named by a label (``labelled_codes``, method ``labelled_codes``). Every string is invented for
these tests."""

import pytest

from transforms.detection.cue_forms import cue_spans
from transforms.detection.labelled_codes import labelled_code_spans
from transforms.detection.recognizer_config import MethodsSpec
from transforms.record import Span


def _ids(text, spans=()):
    return [text[s.start : s.end] for s in labelled_code_spans(text, list(spans)) if s.label == "ID"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Member no: XY 40217\nAge: 29", ["XY 40217"]),
        ("Report no: QR-31-0077 filed", ["QR-31-0077"]),
        ("Agent Tomasz (ID KT55012) took the call", ["KT55012"]),
        ("Badge number TQ 3310 on file", ["TQ 3310"]),
        ("paid by card ending 4417.", ["4417"]),
        ("UPN: K902113344551\nUPRN: 100077341266", ["K902113344551", "100077341266"]),
        ("Insurance number: AB 12 34 56 C", ["AB 12 34 56 C"]),
        ("Account number 7730 1948 22 closed", ["7730 1948 22"]),
        ("Transponder: 941000123456789", ["941000123456789"]),
        ("Case no. 31/00418/HH refused", ["31/00418/HH"]),
        # traps: amounts, measures, dates, pages and rooms, flights, promo codes, versions, counts, phones
        ("Amount: 250000\nWeight: 34.2\nDate: 12/03/2031", []),
        ("see page number 1234 in room no 114", []),
        ("Total paid: GBP 1,184.60", []),
        ("Promo code: SPRING2030", []),
        ("Flights: QZ 1290 / QZ 1291", []),
        ("Score: 3-2, Version: 2.4.1", []),
        ("There were 112 claims and no 4 of them", []),
        ("the number of people was 25000", []),
        ("Tel no: 0161 496 0000", []),
        ("Ref: A4 paper", []),
    ],
)
def test_labelled_codes(text, expected):
    assert _ids(text) == expected


def test_a_code_inside_a_span_is_not_added_again():
    text = "Member no: XY 40217"
    found = Span(11, 19, "ID", 0.8)
    assert labelled_code_spans(text, [found]) == [found]


def test_switch_in_cue_spans():
    text = "Report no: QR-31-0077 filed"
    assert [s.label for s in cue_spans(text, [], MethodsSpec(), set(), frozenset())] == ["ID"]
    assert cue_spans(text, [], MethodsSpec(labelled_codes=False), set(), frozenset()) == []


def test_a_bare_hash_is_no_identifier_word():
    # issue and pull-request numbers, ranks and hashtags: "#" alone names no person's record
    assert _ids("Fixed in #5521, see PR #5530 and the #1 song") == []


def test_a_name_span_inside_the_code_is_replaced_and_is_may_follow_the_label():
    text = "Her loyalty number is QM 448 201 937. Member no: KT 40217"
    inner = Span(text.index("KT"), text.index("KT") + 2, "LOCATION", 0.85)
    out = labelled_code_spans(text, [inner])
    assert sorted((text[s.start : s.end], s.label) for s in out) == [("KT 40217", "ID"), ("QM 448 201 937", "ID")]
