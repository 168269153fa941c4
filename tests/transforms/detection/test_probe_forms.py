"""Table-driven tests for the unseen-domain forms (det-probe): handles, span cuts at column gaps and line
breaks, context-ID forms, ordinal-day dates and e-mail header timestamps. Every string is written fresh
for these tests (invented names and numbers), positive and negative cases side by side."""

import pytest

from transforms.config import load_config
from transforms.detection.recognizer_config import ablated, load_recognizers_file
from transforms.detection.recognizers.handles import handle_shaped
from transforms.detection.recognizers.patterns import build
from transforms.detection.span_cuts import cut_spans
from transforms.record import Span

RULES = load_recognizers_file(None)


def _found(name: str, text: str) -> list[str]:
    rec = build(next(r for r in RULES.recognizers if r.name == name))
    return [text[r.start : r.end] for r in rec.analyze(text, rec.supported_entities, None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("shout-out to @birch_and_moss for the tip!", ["birch_and_moss"]),
        ("@Quillon99 you were right.", ["Quillon99"]),
        ("cc @noor.haddad and @ferrisw", ["noor.haddad", "ferrisw"]),
        ("mail me at jo.pell@example.org", []),  # an e-mail address, not a handle
        ("meet @ 5 by the gate", []),  # "@" as "at"
        ("3 tickets @ $12.50 each, or @4.99 online, doors @7pm", []),
        ("@staticmethod\ndef build(cls):\n    pass", []),  # a decorator before code
        ("@pytest.fixture(scope='module')\ndef f():", []),
        ("@Override\npublic void run() {", []),
        ("call(@args) and decorator @wraps(fn)", ["args"]),  # "@name(" is code; "(@args" is a mention shape
        ("thread by u/saltmarsh_owl in r/gardening", ["saltmarsh_owl"]),
        ("Posted by ketch_rigger7 on 3 March", ["ketch_rigger7"]),
        ("Reviewed by vandertwill on holiday", ["vandertwill"]),  # lowercase and not an English word
        ("Username: Kestrelwing", ["Kestrelwing"]),  # a field label accepts any rare token
        ("Posted by admin", []),  # a common word
        ("Reviewed by Margaret", []),  # a capitalised name: NER's job, not a handle
        ("@lumen_fox said hi; later lumen_fox left. the fox stayed", ["lumen_fox", "lumen_fox"]),
        ("thanks to carlaweston83 for the photos", ["carlaweston83"]),  # first name + surname + digits
        ("follow DavidKrause2001 there", ["DavidKrause2001"]),
        ("upgrade to windows2000 or password123", []),  # not a name pair
        ("write to carlaweston83@example.com", []),  # part of an e-mail address
    ],
)
def test_handles(text, expected):
    assert _found("HandleRecognizer", text) == expected


@pytest.mark.parametrize(
    ("token", "shaped"),
    [("orrin_b", True), ("kay77", True), ("mo.ravel", True), ("DeskLamp", True), ("2024", False), ("river", False)],
)
def test_handle_shape(token, shaped):
    assert handle_shaped(token) is shaped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("File ref. TQ/23/1184 was closed", ["TQ/23/1184"]),
        ("Claim # 77-40213 pending", ["77-40213"]),
        ("the account ending in 3390", ["3390"]),
        ("Badge 61824 logged in", ["61824"]),
        ("NI number ZX 12 34 56 C", []),  # letters first, then spaced groups: left (see docs)
        ("NHS no. 943 476 5919 on file", ["943 476 5919"]),  # spaced digit groups
        ("Accession no.: S24-118820", ["S24-118820"]),
        ("the policy 2019 review", []),  # a year after a record word
        ("a claim of 450 dollars", []),
        ("order 3 items", []),
        ("Case No. 2:21-cv-04417 before the court", ["2:21-cv-04417"]),
    ],
)
def test_context_id_forms(text, expected):
    assert _found("ContextIdFormsRecognizer", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("signed on 9th October 2021 by both", ["9th October 2021"]),
        ("hearing on the 3rd of May", ["3rd of May"]),
        ("due Friday 14 June", ["Friday 14 June"]),
        ("from August 2nd, 2019 onwards", ["August 2nd, 2019"]),
        ("back on the 17th, as agreed", ["17th"]),
        ("office on the 3rd floor", []),
        ("the 2nd time it failed", []),
        ("you may 5 times try", []),  # "may" lowercase: not a month
    ],
)
def test_ordinal_dates(text, expected):
    assert _found("OrdinalDateRecognizer", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date: Wed, 12 Nov 2025 16:40:03 +0100\n", ["Wed, 12 Nov 2025 16:40:03 +0100"]),
        ("Sent: Tuesday, March 4, 2025 8:05 PM\n", ["Tuesday, March 4, 2025 8:05 PM"]),
        ("On Sat, Jan 18, 2025 at 10:11 AM Ola wrote:", ["Sat, Jan 18, 2025 at 10:11 AM"]),
        ("Received: 2 Dec 2024 07:15 GMT", ["2 Dec 2024 07:15 GMT"]),
        ("at 10:11 the train left", []),  # a clock time alone
        ("version 4 Mar 2025", []),  # a date without a time is the ordinal recognizer's
    ],
)
def test_mail_timestamps(text, expected):
    assert _found("MailTimestampRecognizer", text) == expected


@pytest.mark.parametrize(
    ("text", "span", "label", "expected"),
    [
        ("Client: Ivo Pranjic     Bed: 4\n", "Ivo Pranjic     Bed", "PERSON", ["Ivo Pranjic"]),
        ("Client: Ivo Pranjic\tUnit: 4", "Ivo Pranjic\tUnit", "PERSON", ["Ivo Pranjic"]),
        # part of a line made of frequent words is kept (a place or firm name), a whole header line is not
        ("Halvard Mill  Green Bay, WI", "Halvard Mill  Green Bay", "ORGANIZATION", ["Halvard Mill", "Green Bay"]),
        ("Tessaly Brothers\nWORK HISTORY\n", "Tessaly Brothers\nWORK HISTORY", "ORGANIZATION", ["Tessaly Brothers"]),
        (
            "REFERRAL LETTER\nOstrander Kettle Partners",
            "REFERRAL LETTER\nOstrander Kettle Partners",
            "ORGANIZATION",
            ["Ostrander Kettle Partners"],
        ),
        ("Dear Wenna\nTrelawny", "Wenna\nTrelawny", "PERSON", ["Wenna", "Trelawny"]),  # a name over a line
        ("12 Quarry Row\nPenmarth", "12 Quarry Row\nPenmarth", "LOCATION", ["12 Quarry Row\nPenmarth"]),
        ("12 Quarry Row     Tel: 5", "12 Quarry Row     Tel", "LOCATION", ["12 Quarry Row"]),
        ("Ivo Pranjic met Ola", "Ivo Pranjic", "PERSON", ["Ivo Pranjic"]),  # nothing to cut
        # an indented address line is not a column gap; a hyphenated name line is not a header
        (
            "Kirkvale\n    NS\n    B3K 5X5",
            "Kirkvale\n    NS\n    B3K 5X5",
            "LOCATION",
            ["Kirkvale\n    NS\n    B3K 5X5"],
        ),
        ("Sales lead\nBarros-Whitfield\n", "Sales lead\nBarros-Whitfield", "ORGANIZATION", ["Barros-Whitfield"]),
    ],
)
def test_cut_spans(text, span, label, expected):
    start = text.index(span)
    out = cut_spans(text, [Span(start, start + len(span), label, 0.8)])
    assert [text[s.start : s.end] for s in out] == expected
    assert all(s.label == label for s in out)


@pytest.fixture(scope="module")
def detector():
    from transforms.detection.detector import Detector

    return Detector(load_config(None).detection)


def test_detector_cuts_field_gaps_and_finds_handles(detector):
    text = "Client: Ivo Pranjic      Bed: 4\nthanks @lumen_fox, see you @ 6"
    found = {(s.label, text[s.start : s.end]) for s in detector.detect(text)}
    assert ("ID", "lumen_fox") in found
    assert not any("Bed" in v for _, v in found)


def test_methods_switch_for_cuts():
    assert RULES.methods.field_gap_cuts is True
    assert ablated(RULES, ["field_gap_cuts"]).methods.field_gap_cuts is False
    off = ablated(RULES, ["HandleRecognizer"])
    assert not next(r for r in off.recognizers if r.name == "HandleRecognizer").enabled


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("MINISTER OF THE INTERIOR\nApplicant", "MINISTER OF THE INTERIOR\nApplicant", ["MINISTER OF THE INTERIOR"]),
        ("ask Oskar\nDagny: hello", "Oskar\nDagny", ["Oskar", "Dagny"]),  # a rare known name before ":" stays
    ],
)
def test_cut_spans_org_heads_and_speakers(text, span, expected):
    start = text.index(span)
    heads = frozenset({"Minister", "Interior"})
    out = cut_spans(text, [Span(start, start + len(span), "ORGANIZATION", 0.8)], heads)
    assert [text[s.start : s.end] for s in out] == expected
