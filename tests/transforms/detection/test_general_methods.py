"""Table-driven tests for the general detection methods of issue 14 (positive and negative cases).

The traps are written fresh for these tests (clinical-style measurements, headers, abbreviations,
missing spaces after full stops), not copied from any corpus. Pure functions first (no model), then a
few end-to-end cases through the Detector.
"""

import pytest

from transforms.config import load_config
from transforms.detection.guards import Guards
from transforms.detection.propagation import unify_labels
from transforms.detection.recognizer_config import ablated, load_recognizers_file
from transforms.detection.recognizers.lexicon import forms
from transforms.detection.recognizers.patterns import build
from transforms.detection.truecase import recase, segments
from transforms.detection.validators import valid_date, valid_phone, valid_url
from transforms.errors import ConfigError
from transforms.record import Span

RULES = load_recognizers_file(None)
REGIONS = RULES.predefined.params["PhoneRecognizer"]["supported_regions"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("+44 20 7946 0958", True),
        ("(415) 555-0132", True),
        ("+33 (0)1 42 68 53 00", True),
        ("030 2345 6789", True),
        ("five five five one two one two", True),  # spoken digits: judged by their recognizer
        ("140/90", False),  # blood pressure
        ("95-110/55-65", False),  # ranges of a ratio
        ("2400-2600", False),  # a range
        ("4-6", False),
        ("123 45", False),  # too few digits
    ],
)
def test_phone_validator(value, ok):
    assert valid_phone(value, REGIONS) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("March 3rd", True),
        ("Thursday", True),
        ("1987", True),  # a plausible year
        ("2019-11-02", True),
        ("02.11.2019", True),
        ("11/2/19", True),
        ("7/23", True),
        ("09:45", False),  # a clock time alone
        ("72", False),  # a bare number
        ("150/95, pulse 72", False),
        ("2.5", False),  # a decimal
        ("3-4", False),  # a range
        ("45/60", False),  # not a day/month
        ("three weeks", False),
    ],
)
def test_date_validator(value, ok):
    assert valid_date(value) is ok


@pytest.mark.parametrize(
    ("value", "next_char", "ok"),
    [
        ("https://docs.example.org/a?b=1", "", True),
        ("www.example.net", "", True),
        ("shop.example.co.uk", " ", True),
        ("example.com", ".", True),
        ("stable.Plan", "", False),  # a missing space after a full stop
        ("stable.PLAN", "", False),  # word.WORD
        ("stable.pl", "a", False),  # the match stops inside a word ("stable.plan")
        ("dose.notarealsuffix", "", False),
    ],
)
def test_url_validator(value, next_char, ok):
    assert valid_url(value, next_char) is ok


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("REASON FOR VISIT\nShe reports mild pain.", ["upper", "cased"]),
        ("Notes follow. call jenny tomorrow ok", ["cased", "lower"]),
        ("All fine here.", ["cased"]),
    ],
)
def test_segments_decide_casing_per_line_or_sentence(text, kinds):
    assert [k for _, _, k in segments(text)] == kinds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("REASON FOR VISIT: KNEE PAIN", "Reason for Visit: Knee Pain"),
        ("Seen for FOLLOWUP of the COPD.", "Seen for Followup of the COPD."),  # short acronyms stay
        ("Referred by the CLINIC yesterday.", "Referred by the clinic yesterday."),  # shouted common word
        ("He moved to TAMPERE last year.", "He moved to Tampere last year."),  # uncommon long word
    ],
)
def test_recase_is_length_preserving_and_per_segment(text, expected):
    out = recase(text, RULES.guards.stop_words, RULES.transcript.name_max_zipf)
    assert len(out) == len(text)
    assert out == expected


GUARDS = Guards(RULES.guards, RULES.methods, REGIONS)


@pytest.mark.parametrize(
    ("text", "value", "label", "ok"),
    [
        ("Exam: BP 150/95, HR 72, RR 18, SAT 97%.", "HR", "ORGANIZATION", False),  # abbreviation-dense
        ("PLAN:\nContinue meds.", "PLAN", "ORGANIZATION", False),  # header before a colon
        ("ASSESSMENT AND PLAN\nStable.", "ASSESSMENT", "PERSON", False),  # shouted common word
        ("She joined the Green Reform Union (GRU) in 2003 and left GRU later.", "GRU", "ORGANIZATION", True),
        ("He has worked for ZVX since the merger.", "ZVX", "ORGANIZATION", True),  # one acronym in prose
        ("Call 150/95 now", "150/95", "PHONE_NUMBER", False),
        ("Seen 09:45 today", "09:45", "DATE_TIME", False),
        ("Seen on 12 May 2020", "12 May 2020", "DATE_TIME", True),
        ("Vitals: stable", "Vitals", "PERSON", False),  # a field label, not a speaker
        ("Maria: I can come at noon", "Maria", "PERSON", True),  # a speaker
        ("Zsomborka: I can come at noon", "Zsomborka", "PERSON", True),  # a speaker not in the Census lists
    ],
)
def test_check_acronyms_and_validators(text, value, label, ok):
    start = text.index(value) if value != "GRU" else text.rindex(value)
    assert GUARDS.check(text, start, start + len(value), label) is ok


@pytest.mark.parametrize(
    ("value", "label", "ok"),
    [
        ("Harvest Party", "ORGANIZATION", True),  # common words, but an organisation head noun
        ("Ministry of Health", "ORGANIZATION", True),
        ("Follow Up", "ORGANIZATION", False),  # common words, no head noun
        ("Results 88-92", "PERSON", False),  # no alphabetic word that is not common
    ],
)
def test_keep_org_heads_and_digit_spans(value, label, ok):
    assert GUARDS.keep(value, label, True, value, "") is ok


def test_keep_in_all_caps_segment_needs_name_evidence():
    assert not GUARDS.keep("DISCHARGE SUMMARY", "PERSON", False, "Discharge Summary", "", upper=True)
    assert GUARDS.keep("MARGARET", "PERSON", False, "Margaret", "", upper=True)


def test_unify_labels_one_entity_one_label():
    text = "Keswick Holt met Keswick Holt; keswick holt left."
    spans = [[Span(0, 12, "PERSON", 0.85), Span(17, 29, "PERSON", 0.6), Span(31, 43, "ORGANIZATION", 0.85)]]
    out = unify_labels([text], spans)[0]
    assert {s.label for s in out} == {"PERSON"}


def test_unify_labels_leaves_distinct_forms_alone():
    text = "Ardmore and Belvale"
    spans = [[Span(0, 7, "PERSON", 0.8), Span(12, 19, "LOCATION", 0.8)]]
    assert [s.label for s in unify_labels([text], spans)[0]] == ["PERSON", "LOCATION"]


def _found(name: str, text: str) -> list[str]:
    rec = build(next(r for r in RULES.recognizers if r.name == name))
    return [text[r.start : r.end] for r in rec.analyze(text, rec.supported_entities, None) if r.score >= 0.35]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("NrpLexiconRecognizer", "Two Peruvians and a Lutheran pastor", ["Peruvians", "Lutheran"]),
        ("NrpLexiconRecognizer", "the socialist idea", []),  # political words only when capitalized
        ("NrpLexiconRecognizer", "a Socialist deputy", ["Socialist"]),
        ("NrpLexiconRecognizer", "Polishing the floor", []),  # whole words only
        ("ContextIdRecognizer", "Re: application no. 88412/17 filed", ["88412/17"]),
        ("ContextIdRecognizer", "See ticket #QX-20931 for details", ["QX-20931"]),
        ("ContextIdRecognizer", "Account overview for 2 users", []),
        ("ContextIdRecognizer", "Decision no. 4471/09 of the court", ["4471/09"]),
        ("ShortDateRecognizer", "Admitted on 6/21 with fever", ["6/21"]),
        ("ShortDateRecognizer", "Responded in 6/21 cases", []),  # no date word
        ("AgeRecognizer", "retired at the age of 58", ["58"]),
        ("AgeRecognizer", "She wrote it when she was 19.", ["19"]),
        ("AgeRecognizer", "when he was 80 kg heavier", []),
        ("PostcodeRecognizer", "Kongens gate 4\nTrondheim 7011\n", ["7011"]),
        ("PostcodeRecognizer", "The score was 7011 points", []),
    ],
)
def test_new_pattern_recognizers(name, text, expected):
    assert _found(name, text) == expected


def test_plural_forms():
    assert "Swedes" in forms("Swede") and "Frenchmen" in forms("Frenchman") and "Sikhs" in forms("Sikh")


def test_ablation_switches_methods_and_recognizers_and_refuses_unknown_names():
    off = ablated(RULES, ["acronym_guard", "NrpLexiconRecognizer"])
    assert off.methods.acronym_guard is False and off.methods.numeric_validators is True
    assert not next(r for r in off.recognizers if r.name == "NrpLexiconRecognizer").enabled
    with pytest.raises(ConfigError):
        ablated(RULES, ["no_such_method"])


@pytest.fixture(scope="module")
def detector():
    from transforms.detection.detector import Detector

    return Detector(load_config(None).detection)


def _labels(detector, text: str) -> list[tuple[str, str]]:
    return [(s.label, text[s.start : s.end]) for s in detector.detect(text)]


def test_clinical_style_traps_are_not_redacted(detector):
    text = (
        "CHIEF COMPLAINT: LEFT KNEE PAIN\n"
        "Vitals: BP 142/88, HR 76, RR 14. Range 95-110/55-65 overnight. Recheck at 09:45.\n"
        "Pain improved since the brace was fitted.Plan is unchanged."
    )
    found = _labels(detector, text)
    assert not [v for lab, v in found if lab in {"PHONE_NUMBER", "URL", "DATE_TIME"}], found
    assert not [v for lab, v in found if lab in {"ORGANIZATION", "PERSON"}], found


def test_all_caps_header_with_a_name_is_still_redacted(detector):
    text = "PATIENT: MARGARET OKONKWO-BELL\nShe was seen on 4/17 for case no. 55129/21."
    found = dict((v, lab) for lab, v in _labels(detector, text))
    assert any("OKONKWO" in v for v in found)
    assert found.get("4/17") == "DATE_TIME" and found.get("55129/21") == "ID"


@pytest.mark.parametrize(
    ("redact_countries", "value", "ok"),
    [
        (True, "Norway", True),
        (False, "Norway", False),
        (False, "the Netherlands", False),
        (False, "Ontario", True),  # regions follow their own switch
        (False, "14 Harbour Lane, Bergen", True),  # addresses and towns always redacted
    ],
)
def test_location_policy(redact_countries, value, ok):
    from transforms.detection.recognizer_config import LocationPolicySpec

    guards = Guards(RULES.guards, RULES.methods, REGIONS, LocationPolicySpec(redact_countries=redact_countries))
    assert guards.check(value, 0, len(value), "LOCATION") is ok


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("ChecksumCardRecognizer", "card 4111/1111/1111/1111 ok", ["4111/1111/1111/1111"]),
        ("ChecksumCardRecognizer", "card 4111_1111_1111_1111 ok", ["4111_1111_1111_1111"]),
        ("ChecksumCardRecognizer", "ref 4111/1111/1111/1112 ok", []),  # Luhn fails
        ("SeparatedSsnRecognizer", "SSN 536/90/4399.", ["536/90/4399"]),
        ("SeparatedSsnRecognizer", "SSN 000/12/3456.", []),  # invalid area
        ("SpokenEmailRecognizer", "mail lena . vik @ example . org today", ["lena . vik @ example . org"]),
        ("SpokenEmailRecognizer", "lena(at)example(dot)org", ["lena(at)example(dot)org"]),
        ("SpokenEmailRecognizer", "lena [at] example [dot] com", ["lena [at] example [dot] com"]),
        ("SpokenEmailRecognizer", "lena@example\u3002com", ["lena@example\u3002com"]),
        ("UsernameRecognizer", "ping paul_rasmussen87 on chat", ["paul_rasmussen87"]),
        ("UsernameRecognizer", "user helen.garcia logged in", ["helen.garcia"]),
        ("UsernameRecognizer", "It ended.Helen left", []),  # a missing space, not a handle
        ("UsernameRecognizer", "set max_value to 3", []),
    ],
)
def test_obfuscated_forms(name, text, expected):
    rec = build(next(r for r in RULES.recognizers if r.name == name))
    assert [
        text[r.start : r.end] for r in rec.analyze(text, rec.supported_entities, None) if r.score >= 0.5
    ] == expected


def test_all_caps_organisation_with_a_head_noun_is_kept():
    assert GUARDS.keep("NORTHFIELD UNIVERSITY", "ORGANIZATION", False, "Northfield University", "", upper=True)
    assert not GUARDS.keep("PROGRESS NOTE", "ORGANIZATION", False, "Progress Note", "", upper=True)
