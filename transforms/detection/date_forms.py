"""Date and time forms the recognizers miss (Beam-free): the ``date_time_forms`` method.

Three general forms, each validated as a real calendar date and clock time:

- a clock time right after a date span joins it ("<date>, 20:41", "<date> 9:05 am", "<date> at 18:30",
  "<date>T07:15Z"), with an am/pm marker and a time-zone abbreviation when one follows;
- a short numeric date (day and month, optionally a year) directly followed by a clock time is a
  timestamp even without a year ("11/02 08:15" at the start of a log or chat line); the two numbers
  must be a valid day and month in one of the two orders (a dotted pair needs its year: "2.5" is a
  number), the time a valid 24-hour or 12-hour time;
- the compact day-month-year form of travel documents and military writing ("14SEP1979", "3MAR",
  "21Jun24"): a day valid for the month, the month a real English abbreviation in capitals, the year
  2 or 4 digits, nothing alphanumeric glued on either side.

Ratios, scores, measurements ("120/80", "3/4 cup", "2-1") are no date here: a short date needs a clock
time after it, and day/month must be valid. Privacy contract: only adds DATE_TIME spans or extends a
DATE_TIME span over the clock time after it; never removes a span.
"""

from __future__ import annotations

import calendar

import regex

from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.record import Span

SCORE = 0.6
_ZONES = "UTC|GMT|BST|CET|CEST|EET|EEST|WET|EST|EDT|CST|CDT|MST|MDT|PST|PDT|AKST|HST|IST|JST|AEST|AEDT|ET|CT|MT|PT|Z"
_TIME = (
    r"(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?::[0-5]\d)?"
    r"(?:[ \t]?(?i:[ap]\.?m\.?)(?![\p{L}\p{N}]))?"
    rf"(?:[ \t]?(?:{_ZONES})(?![\p{{L}}\p{{N}}]))?"
)
_TIME_AFTER_RE = regex.compile(rf"(?:,?[ \t]+(?:at[ \t]+|@[ \t]*)?|T){_TIME}(?![\p{{N}}:])")
_SHORT_STAMP_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{N}}/.:-])(?P<a>\d{{1,2}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?:(?P=sep)(?P<y>\d{{4}}|\d{{2}}))?"
    rf",?[ \t]+{_TIME}(?![\p{{N}}:/.])"
)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_COMPACT_RE = regex.compile(
    r"(?<![\p{L}\p{N}])(?P<d>\d{1,2})(?P<mon>(?:"
    + "|".join(_MONTHS)
    + r")|(?:"
    + "|".join(m.title() for m in _MONTHS)
    + r"))(?P<y>\d{4}|\d{2})?(?![\p{L}\p{N}])"
)


def date_time_spans(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` with DATE_TIME spans extended over a following clock time, and timestamps and compact
    dates added where no span covers them (see the module docstring)."""
    out = [_with_time(text, s) if s.label == "DATE_TIME" else s for s in spans]
    added: list[Span] = []
    for m in _SHORT_STAMP_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
        if (m["sep"] != "." or m["y"]) and _day_month(int(m["a"]), int(m["b"])) and _clock(m):
            added.append(Span(m.start(), m.end(), "DATE_TIME", SCORE))
    for m in _COMPACT_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
        month = _MONTHS.index(m["mon"].upper()) + 1
        if 1 <= int(m["d"]) <= calendar.monthrange(2000, month)[1]:
            added.append(Span(m.start(), m.end(), "DATE_TIME", SCORE))
    for s in added:
        inside = [k for k in out if k.start <= s.start and s.end <= k.end]
        if not inside:
            out = [k for k in out if not (k.label == "DATE_TIME" and s.start <= k.start and k.end <= s.end)]
            out.append(s)
    return out


def _with_time(text: str, s: Span) -> Span:
    m = _TIME_AFTER_RE.match(text, s.end, timeout=REGEX_TIMEOUT_SECONDS)
    if m is None or not _clock(m) or not any(c.isdigit() for c in text[s.start : s.end]):
        return s
    return Span(s.start, m.end(), s.label, s.score)


def _day_month(a: int, b: int) -> bool:
    """Day/month in either order (dd/mm or mm/dd), each within its range."""
    return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= b <= 31 and 1 <= a <= 12)


def _clock(m: regex.Match) -> bool:
    """A real time: 0-23 hours (1-12 with am/pm), 0-59 minutes."""
    hour = int(m["h"])
    ampm = regex.search(r"(?i)[ap]\.?m", m.group(0)[m.group(0).rfind(m["m"]) :])
    return 1 <= hour <= 12 if ampm else hour <= 23
