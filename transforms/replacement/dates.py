"""Date shifting (Beam-free): move a date by a whole number of days, keeping its written format.

Cloud DLP's DateShift idea: every date of one data subject moves by the same secret offset, so intervals
between that subject's dates survive (ages at events, durations) while the real dates do not. The offset
comes from the scope key (see ``ReplacementState.date_offset``), never from the value.

Only dates that parse with one of ``FORMATS`` are shifted (the output keeps that format, ordinal suffix
and letter case); anything else (``yesterday``, ``3pm``, ``the 1990s``) returns None and the caller falls
back to the token replacement, so no unshifted date is ever kept.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m-%d-%Y",
    "%d.%m.%Y",
    "%m/%d/%y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%B %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%B %Y",
    "%b %Y",
    "%B %d",
    "%b %d",
    "%d %B",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
_NO_YEAR = 2000  # leap year: "February 29" parses


def _suffix(day: int) -> str:
    return "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def shift_date(value: str, days: int) -> str | None:
    """``value`` moved by ``days`` in its own format, or None when it is not a date we can parse."""
    text = " ".join(value.split())
    ordinal = bool(_ORDINAL.search(text))
    plain = _ORDINAL.sub("", text)
    for fmt in FORMATS:
        try:
            dt = datetime.strptime(plain if "%Y" in fmt or "%y" in fmt else f"{plain} {_NO_YEAR}", _fmt(fmt))
        except ValueError:
            continue
        if "%d" not in fmt:  # month precision: shift whole months' worth of days from mid-month
            dt = dt.replace(day=15)
        out = (dt + timedelta(days=days)).strftime(fmt)
        if ordinal and "%d" in fmt:
            day = (dt + timedelta(days=days)).day
            out = re.sub(rf"\b0?{day}\b", f"{day}{_suffix(day)}", out, count=1)
        if text.isupper():
            out = out.upper()
        elif text.islower():
            out = out.lower()
        return out
    return None


def _fmt(fmt: str) -> str:
    return fmt if "%Y" in fmt or "%y" in fmt else f"{fmt} %Y"
