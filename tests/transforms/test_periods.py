"""Expiry arithmetic: calendar periods in UTC, leap days, month ends, time zones, the <= boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from transforms.periods import Period, format_instant, is_expired, parse_instant


@pytest.mark.parametrize(
    ("start", "period", "expected"),
    [
        ("2024-02-29T10:00:00Z", "P1Y", "2025-02-28T10:00:00Z"),  # leap day + 1 year clamps to Feb 28
        ("2024-02-29T10:00:00Z", "P4Y", "2028-02-29T10:00:00Z"),  # next leap year keeps Feb 29
        ("2023-02-28T00:00:00Z", "P1Y", "2024-02-28T00:00:00Z"),
        ("2024-01-31T08:00:00Z", "P1M", "2024-02-29T08:00:00Z"),  # month end clamps (leap February)
        ("2023-01-31T08:00:00Z", "P1M", "2023-02-28T08:00:00Z"),
        ("2024-12-15T00:00:00Z", "P1M", "2025-01-15T00:00:00Z"),  # year roll-over
        ("2024-03-01T00:00:00Z", "P18M", "2025-09-01T00:00:00Z"),
        ("2024-02-28T12:00:00Z", "P2D", "2024-03-01T12:00:00Z"),  # days cross the leap day exactly
        ("2024-02-29T00:00:00Z", "P1Y1D", "2025-03-01T00:00:00Z"),
        ("2024-01-01T00:00:00Z", "P2W", "2024-01-15T00:00:00Z"),
        # offsets are normalized to UTC before the arithmetic
        ("2024-02-29T23:30:00-05:00", "P1Y", "2025-03-01T04:30:00Z"),
        ("2024-03-01T01:00:00+02:00", "P1Y", "2025-02-28T23:00:00Z"),
        ("2024-06-01T00:00:00", "P1D", "2024-06-02T00:00:00Z"),  # naive = UTC
    ],
)
def test_period_arithmetic(start, period, expected):
    assert format_instant(Period.parse(period).add_to(parse_instant(start))) == expected


@pytest.mark.parametrize("bad", ["", "P", "1Y", "P1.5Y", "PT1H", "P-1D", "forever", "365"])
def test_bad_period_fails(bad):
    with pytest.raises(ValueError):
        Period.parse(bad)


def test_expiry_boundary_is_inclusive_and_timezone_aware():
    expires = "2025-03-01T04:30:00Z"
    assert is_expired(expires, parse_instant("2025-02-28T23:30:00-05:00"))  # the same instant
    assert not is_expired(expires, parse_instant("2025-02-28T23:29:59-05:00"))
    assert is_expired(expires, parse_instant("2025-03-02"))
    assert not is_expired(expires, parse_instant("2025-03-01"))  # a bare date is 00:00 UTC
    assert not is_expired(None, parse_instant("9999-01-01"))  # "forever" never expires


def test_parse_instant_forms():
    assert parse_instant("2027-01-31") == datetime(2027, 1, 31, tzinfo=UTC)
    assert parse_instant("2027-01-31T12:00:00+01:00") == datetime(2027, 1, 31, 11, tzinfo=UTC)
    now = datetime.now(UTC)
    assert abs(parse_instant("now") - now) < timedelta(minutes=5)
    assert parse_instant("today").tzinfo is not None
    with pytest.raises(ValueError):
        parse_instant("next tuesday")
    assert parse_instant("2027-01-31T12:00:00+01:00").tzinfo == UTC
    assert datetime(2027, 1, 31, 12, tzinfo=timezone(timedelta(hours=1))) == parse_instant("2027-01-31T11:00:00Z")
