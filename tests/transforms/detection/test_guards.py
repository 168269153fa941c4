"""Precision guards (table-driven): which NER spans are kept."""

import pytest

from transforms.detection.guards import Guards
from transforms.detection.recognizer_config import load_recognizers_file

GUARDS = Guards(load_recognizers_file(None).guards)

CASES = [
    # (value, label, cased text?, analysis value, kept?)
    ("Settings", "PERSON", True, None, False),
    ("Reset", "PERSON", True, None, False),
    ("Account Overview", "ORGANIZATION", True, None, False),
    ("5 kg", "PERSON", True, None, False),
    ("XR-2000", "ORGANIZATION", True, None, False),
    ("salesperson", "PERSON", True, None, False),
    ("mission", "LOCATION", True, None, False),
    ("change light colour to blue", "LOCATION", False, "change light colour to blue", False),
    ("tomorrow morning", "DATE_TIME", True, None, False),
    ("the last five minutes", "DATE_TIME", True, None, False),
    ("24 hours", "DATE_TIME", True, None, False),
    ("Click Save", "PERSON", True, None, False),
    ("TLS 1.3", "ORGANIZATION", True, None, False),
    ("Margarethe Vollmer", "PERSON", True, None, True),
    ("Mark", "PERSON", True, None, True),
    ("Berlin", "LOCATION", True, None, True),
    ("United Kingdom", "LOCATION", True, None, True),
    ("Thursday morning", "DATE_TIME", True, None, True),
    ("14 March 1988", "DATE_TIME", True, None, True),
    ("tom hanks", "PERSON", False, "Tom Hanks", True),
    ("enalen", "PERSON", False, "enalen", True),
]


@pytest.mark.parametrize(("value", "label", "cased", "analysis", "kept"), CASES)
def test_guard(value, label, cased, analysis, kept):
    assert GUARDS.keep(value, label, cased, analysis) is kept


def test_ui_verb_before_span():
    assert GUARDS.keep("Settings", "ORGANIZATION", True, None, before="then open ") is False
    assert GUARDS.keep("Kestrel Holdings", "ORGANIZATION", True, None, before="I work for ") is True


def test_guards_apply_only_to_listed_recognizers():
    assert GUARDS.applies("SpacyRecognizer")
    assert not GUARDS.applies("CreditCardRecognizer")


def test_phone_verdicts_are_remembered_and_equal_valid_phone() -> None:
    from transforms.detection import validators

    guards = Guards(load_recognizers_file(None).guards, phone_regions=["US", "GB", "DE"])
    values = [
        "+1 415-555-2671",
        "(212) 555-0199",
        "020 7946 0958",
        "1200-1500",
        "12345",
        "555 1234 99",
        "+49 30 901820",
    ]
    for _ in range(2):  # the second round answers from the memory
        for v in values:
            text = f"call {v} now"
            assert guards.check(text, 5, 5 + len(v), "PHONE_NUMBER") is validators.valid_phone(v, ["US", "GB", "DE"])
    assert len(guards._phones) == len(values)
    assert {validators.valid_phone(v, ["US", "GB", "DE"]) for v in values} == {True, False}
