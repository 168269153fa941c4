"""Date and time forms (``date_forms``, method ``date_time_forms``): a clock time joins the date before
it, short timestamps, compact dates; each validated. Every string is invented for these tests."""

import pytest

from transforms.detection.cue_forms import cue_spans
from transforms.detection.date_forms import date_time_spans
from transforms.detection.recognizer_config import MethodsSpec
from transforms.record import Span


def _dates(text, spans=()):
    return [text[s.start : s.end] for s in date_time_spans(text, list(spans)) if s.label == "DATE_TIME"]


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        ("07/09/2031, 06:12 - Pim: on my way", "07/09/2031", "07/09/2031, 06:12"),
        ("Logged 2030-11-04 at 23:59 by the desk", "2030-11-04", "2030-11-04 at 23:59"),
        ("Opened 12/28/2029 9:05 am PT, closed later", "12/28/2029", "12/28/2029 9:05 am PT"),
        ("Stamp 2031-02-03T07:15Z on the form", "2031-02-03", "2031-02-03T07:15Z"),
        # negatives: no time after, an impossible time, a number that is not a time, a date without digits
        ("Due 04/06/2030. Then 14 more days", "04/06/2030", "04/06/2030"),
        ("Sent 04/06/2030 25:61 in error", "04/06/2030", "04/06/2030"),
        ("Since 2029 12 people joined", "2029", "2029"),
        ("See you Monday 10:30 sharp", "Monday", "Monday"),
    ],
)
def test_clock_time_joins_the_date_before_it(text, date, expected):
    start = text.index(date)
    assert _dates(text, [Span(start, start + len(date), "DATE_TIME", 0.6)]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22/10 14:05 T. Brandvold (ops): link down", ["22/10 14:05"]),
        ("10-30 8:45 pm reminder set", ["10-30 8:45 pm"]),
        ("Row: 05.07.31 11:00 arrival", ["05.07.31 11:00"]),
        ("| 3 | OSEI | KOFI | 09NOV1983 | P | 17JAN2032 |", ["09NOV1983", "17JAN2032"]),
        ("Flight ZQ 771/23Feb, seat 4C", ["23Feb"]),
        # traps: ratios and fractions, blood pressure, versions, a decimal before a time, invalid dates,
        # month abbreviations glued to words or codes, a score
        ("BP 135/85 at 10:15 today", []),
        ("Add 3/4 cup of milk, the match ended 2-1", []),
        ("firmware v4.2 10:30 build", []),
        ("Dose 2.5 08:00 and 20:00", []),
        ("Dated 33/14 10:00 by mistake", []),
        ("Expiry 31FEB2030 and 00JUN2031", []),
        ("Codes MAR12 and X9DEC7 and 12DECK", []),
        ("Final score 3-2 after 90:00 minutes", []),
    ],
)
def test_short_timestamps_and_compact_dates(text, expected):
    assert _dates(text) == expected


def test_added_span_replaces_a_shorter_date_inside_it_and_keeps_a_covering_one():
    text = "posted 18-04-2030 16:20 by the admin"
    assert _dates(text, [Span(7, 20, "DATE_TIME", 0.85)]) == ["18-04-2030 16:20"]
    assert _dates(text, [Span(0, 23, "DATE_TIME", 0.85)]) == ["posted 18-04-2030 16:20"]


def test_switch_in_cue_spans():
    text = "22/10 14:05 link down"
    on = cue_spans(text, [], MethodsSpec(), set(), frozenset())
    off = cue_spans(text, [], MethodsSpec(date_time_forms=False), set(), frozenset())
    assert [(s.start, s.end, s.label) for s in on] == [(0, 11, "DATE_TIME")]
    assert off == []
