"""Strict validators for structured labels (Beam-free): a span of these labels must *be* the value.

Applied to every recognizer's spans (statistical NER and patterns alike), because the false positives
they stop come from both: measurements read as phone numbers, counts and clock times read as dates,
``word.Word`` (a missing space after a full stop) read as a URL.

- ``PHONE_NUMBER`` (digit forms; spoken digits are left to their recognizer): 7-15 digits, and either a
  possible number for one of the configured regions (``phonenumbers``) or 10+ digits, and not a ratio
  or range of small numbers (``120/80``, ``110-125/60-70``, ``1200-1500``).
- ``DATE_TIME`` (policy, see docs/detection.md "Date policy"): kept when it holds a calendar element
  that can identify someone: a month or weekday name, a plausible year (1900-2099), or a numeric date
  that parses with real ranges (``3/14``, ``14.03.2021``, ``2021-03-14``). Bare numbers, clock times
  alone and ranges/ratios are not dates.
- ``URL``: a scheme, ``www.``, or a host whose public suffix is real (the bundled Public Suffix List
  snapshot, no network) and whose shape is a host: the match does not stop inside a word, and the
  suffix is lower case (or the whole host upper case), so ``weeks.Next`` is not a host.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import regex

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
]
WEEKDAYS = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
]
CALENDAR_WORDS = frozenset(MONTHS + WEEKDAYS)
WORD_RE = regex.compile(r"\p{L}+")
YEAR_RE = regex.compile(r"(?<![\d:.,/])(?:19|20)\d\d(?![\d:])")
NUMDATE_RE = regex.compile(r"(?<![\d.:])(\d{1,4})([/.-])(\d{1,2})(?:\2(\d{2,4}))?(?![\d:]|[.,]\d)")
SCHEME_RE = regex.compile(r"^(?i:[a-z][a-z0-9+.-]{1,15}://|www\d?\.|mailto:)")
DIGIT_GROUP_RE = regex.compile(r"\d+")
RATIO_RE = regex.compile(r"(?<!\d)\d{1,3}[ \t]*/[ \t]*\d{1,3}(?!\d)")
RANGE_RE = regex.compile(r"^[ \t]*(\d{1,4})[ \t]*[-\u2013][ \t]*(\d{1,4})[ \t]*$")


def valid_phone(value: str, regions: Iterable[str]) -> bool:
    digits = "".join(DIGIT_GROUP_RE.findall(value))
    if not digits:
        return True  # spoken forms ("five five five ...") are judged by their own recognizer
    if not 7 <= len(digits) <= 15 or RATIO_RE.search(value):
        return False
    rng = RANGE_RE.match(value)
    if rng and len(rng.group(1)) == len(rng.group(2)) and int(rng.group(1)) < int(rng.group(2)):
        return False  # "1200-1500": a range
    import phonenumbers

    candidates = [None] if value.lstrip().startswith("+") else []
    candidates += list(regions)
    possible = False
    plain = value.replace("(0)", "")  # "+41 (0)96 ...": the trunk prefix is dropped after a country code
    for region in candidates:
        try:
            num = phonenumbers.parse(plain, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num):
            return True
        possible = possible or phonenumbers.is_possible_number(num)
    return possible or len(digits) >= 10  # long digit runs are kept: leaking one costs more


def valid_date(value: str) -> bool:
    low = value.lower()
    if any(w in CALENDAR_WORDS for w in WORD_RE.findall(low)):
        return True
    for m in NUMDATE_RE.finditer(value):
        if _numeric_date(m.group(1), m.group(2), m.group(3), m.group(4)):
            return True
    return YEAR_RE.search(value) is not None


def _numeric_date(a: str, sep: str, b: str, c: str | None) -> bool:
    x, y = int(a), int(b)
    if c is None:  # two parts: only "3/14"-style with a slash (3-14 and 1.5 are ranges and decimals)
        return sep == "/" and len(a) <= 2 and _day_month(x, y)
    z = int(c)
    if len(a) == 4:  # y-m-d
        return 1900 <= x <= 2099 and 1 <= y <= 12 and 1 <= z <= 31
    if len(a) > 2:
        return False
    year_ok = len(c) == 2 or 1900 <= z <= 2099
    return year_ok and _day_month(x, y)


def _day_month(x: int, y: int) -> bool:
    return (1 <= x <= 12 and 1 <= y <= 31) or (1 <= y <= 12 and 1 <= x <= 31)


def valid_url(value: str, next_char: str = "") -> bool:
    v = value.strip()
    if SCHEME_RE.match(v):
        return True
    if next_char and (next_char.isalnum() or next_char == "_"):
        return False  # the match stops inside a word: not a host
    host = regex.split(r"[/?#:]", v.split("@")[-1], maxsplit=1)[0].rstrip(".")
    labels = host.split(".")
    if len(labels) < 2 or not all(labels):
        return False
    suffix = _suffix(host)
    if not suffix:
        return False
    last = labels[-1]
    if last.isupper() and not host.isupper():
        return False  # "word.WORD"
    return last.islower() or last.isupper()


@functools.lru_cache(maxsize=4096)
def _suffix(host: str) -> str:
    import tldextract

    from transforms.detection.offline import ensure_offline

    ensure_offline()
    ext = tldextract.extract(host.lower())
    return ext.suffix if ext.domain else ""
