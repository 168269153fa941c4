"""Surrogate generators and date shifting: formats valid, values outside live ranges, deterministic."""

from __future__ import annotations

import re

import pytest
from stdnum import iban as std_iban

from transforms.gates.pii_scan import card_ok, luhn_ok
from transforms.replacement.dates import shift_date
from transforms.replacement.surrogates import surrogate

TOKENS = [f"<X_{i:016x}>" for i in range(40)]


@pytest.mark.parametrize("value", ["4012 8888 8888 1881", "5555-5555-5555-4444", "378282246310005"])
def test_cards_keep_the_layout_pass_luhn_and_are_not_issued_ranges(value):
    for tok in TOKENS:
        out = surrogate("CREDIT_CARD", value, tok)
        assert re.sub(r"\d", "9", out) == re.sub(r"\d", "9", value)  # same grouping and length
        digits = re.sub(r"\D", "", out)
        assert luhn_ok(digits) and digits[0] == "9" and not card_ok(out)


@pytest.mark.parametrize("value", ["DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432"])
def test_ibans_have_valid_check_digits_and_the_same_country(value):
    for tok in TOKENS:
        out = surrogate("IBAN_CODE", value, tok)
        assert std_iban.is_valid(out) and out[:2] == value[:2] and len(out) == len(value)


def test_phones_emails_ssns_ips_use_reserved_ranges():
    for tok in TOKENS:
        assert re.fullmatch(r"\+1 \d{3}-555-01\d{2}", surrogate("PHONE_NUMBER", "+1 415-867-2291", tok))
        assert re.fullmatch(r"[a-z0-9.]+@example\.(com|net|org)", surrogate("EMAIL_ADDRESS", "a@b.co", tok))
        assert re.fullmatch(r"9\d{2}-\d{2}-\d{4}", surrogate("US_SSN", "536-90-4417", tok))
        assert surrogate("IP_ADDRESS", "8.8.8.8", tok).startswith(("192.0.2.", "198.51.100.", "203.0.113."))


def test_names_follow_the_value_shape_and_are_deterministic_per_token():
    a = surrogate("PERSON", "Emily Carter", TOKENS[0])
    assert a == surrogate("PERSON", "Emily Carter", TOKENS[0]) and len(a.split()) == 2
    assert surrogate("PERSON", "emily", TOKENS[0]).islower()
    assert len({surrogate("PERSON", "Emily Carter", t) for t in TOKENS}) > 30
    assert surrogate("PERSON", "Emily Carter", TOKENS[0], draw=1) != a


@pytest.mark.parametrize(
    ("value", "days", "expected"),
    [
        ("2021-03-14", 10, "2021-03-24"),
        ("03/14/2021", -14, "02/28/2021"),
        ("March 14, 2021", 1, "March 15, 2021"),
        ("14 March 2021", 365, "14 March 2022"),
        ("October 5th", 3, "October 8th"),
    ],
)
def test_shift_date_keeps_the_format(value, days, expected):
    assert shift_date(value, days) == expected


@pytest.mark.parametrize("value", ["yesterday", "3pm", "the 1990s", "Monday"])
def test_shift_date_refuses_what_is_not_a_date(value):
    assert shift_date(value, 10) is None


def test_faker_loads_only_when_a_surrogate_is_drawn():
    """Token and indexed runs import the tokenize stage but never draw a surrogate: no Faker import."""
    import subprocess
    import sys

    code = (
        "import sys, transforms.tokenize, transforms.redaction; print('faker' in sys.modules)\n"
        "from transforms.replacement.surrogates import surrogate\n"
        "surrogate('PERSON', 'Ann Lee', '<PERSON_0000000000000001>'); print('faker' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False", "True"]
