"""Codes that a label names as a number or reference (Beam-free): the ``labelled_codes`` method.

Forms, letters and notices print identifiers after a label that says what they are: "Member no: XY
40217", "Report no: QR-31-0077", "(ID KT55012)", "Badge number TQ 3310", "Card ending 4417",
"UPN: K902113344551", "Licence: 77120934". The context recognizers need their own record words, and the
reference shapes of ``remote_ref_ids`` do not allow spaced groups ("XY 40217", "AB 12 34 56 C"). Here:

- after an identifier word ("no", "nr", "number", "num", "id", "ref", "reference", "code",
  "ending (in)") a code is an ID: letters and digits with "-", "/" or "." between (2+ digits, and a letter
  or 4+ digits), a prefix of 1-4 capitals before spaced digit groups ("XY 40217", "AB 12 34 56 C"), or
  spaced digit groups (6+ digits); for "ending" 4 digits;
- after a field label ("Label:" opening a line or a "|"/tab-separated field) the same shapes need more
  digits: 5+, or letters with 3+ digits; a bare digit run needs 8+;
- not after a word that names a thing rather than a person's record (``ref_ids.SPEC_WORDS``: page, room,
  seat, model, part, flight, promo, ... and quantity labels: amount, total, price, weight, count, ...),
  not a date, a decimal, a time, an amount (a currency sign or code before it), a phone or any span
  already found (an NER name or place span inside the code, "XY" of "XY 40217" read as a place, is
  replaced by the code's ID span).

Privacy contract: adds ID spans; the only spans it removes are NER spans lying inside the code it adds, so
every character stays covered.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.detection.ref_ids import SPEC_WORDS
from transforms.record import Span

SCORE = 0.55
NER_LABELS = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NRP"})
# quantity and non-identifier labels: the number after them is an amount, a measure or a count
QUANTITY_WORDS = lexicon.word_set(
    """amount total subtotal price cost fee fees balance paid due charge charges sum salary income rate
    weight height length width depth size age count quantity qty population score points votes year years
    phone tel telephone mobile cell fax date dob time duration distance speed temperature temp bp hr rr
    version ver serial hours minutes days weeks months pages words items units copies"""
)
_CODE = (
    r"[A-Z]{1,4}(?:[ ]\d{2,}){1,4}(?:[ ][A-Z](?![\p{L}\p{N}]))?"  # capitals before spaced digit groups
    r"|\d{2,}(?:[ ]\d{2,}){1,4}"  # spaced digit groups
    r"|[A-Z0-9]+(?:[-/.][A-Z0-9]+)+|[A-Z]*\d[A-Z0-9]*"  # joined parts, or one token with a digit
)
_END = r"(?![\p{L}\p{N}@]|[.,/:-]\p{N}|\.\p{L})"
_ID_WORD_RE = regex.compile(
    r"(?i)(?<![\p{L}\p{N}])(?P<k>no|nr|number|num|id|ref|reference|code|ending(?:[ \t]+in)?)"
    rf"\.?(?:[ \t]+(?:is|was))?[ \t]*[:#=]?[ \t]*(?-i:(?P<v>{_CODE})){_END}"
)
_FIELD_RE = regex.compile(
    r"(?m)(?:^|[|\t]|[ \t]{3,})[ \t]*(?P<w>[\p{L}][\p{L}'\u2019 /-]{0,40}?)[ \t]*:[ \t]*"
    rf"(?-i:(?P<v>{_CODE})){_END}"
)
_WORD_RE = regex.compile(r"\p{L}+")
_LAST_WORD_RE = regex.compile(r"(\p{L}+)[ \t]*$")
_DATE_RE = regex.compile(r"^\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?$")
_DECIMAL_RE = regex.compile(r"^\d+(?:[.,]\d+)?$")
_MONEY_BEFORE_RE = regex.compile(r"(?i)(?:[$£€¥]|\b(?:gbp|usd|eur|aud|cad|chf|inr)\b)[ \t]*$")


def labelled_code_spans(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` plus ID spans for codes after identifier words and field labels (module docstring)."""
    if not any(c.isdigit() for c in text):
        return spans
    added: list[Span] = []
    for rx, strict in ((_ID_WORD_RE, False), (_FIELD_RE, True)):
        for m in rx.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
            start, end = m.span("v")
            value = m["v"].rstrip(".")
            end = start + len(value)
            kind = m.groupdict().get("k") or ""
            label = m["w"] if strict else _word_before(text, m.start())
            if not _value_ok(value, strict, kind.lower()) or _excluded(label, text, start):
                continue
            if any(s.start < end and start < s.end and not _inner_name(s, start, end) for s in spans + added):
                continue
            added.append(Span(start, end, "ID", SCORE))
    if not added:
        return spans
    return [s for s in spans if not any(_inner_name(s, a.start, a.end) for a in added)] + added


def _inner_name(s: Span, start: int, end: int) -> bool:
    """An NER name/place span inside a code ("PH" of "PH 40217" read as a place): the code replaces it."""
    return s.label in NER_LABELS and start <= s.start and s.end <= end


def _value_ok(value: str, strict: bool, kind: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    letters = sum(c.isalpha() for c in value)
    if _DATE_RE.match(value) or (_DECIMAL_RE.match(value) and ("." in value or "," in value)):
        return False
    if kind.startswith("ending"):
        return letters == 0 and digits == 4
    if letters == 0 and " " not in value and "-" not in value and "/" not in value:
        return digits >= (8 if strict else 4)
    if letters == 0:
        return digits >= 6
    return digits >= 3 if strict else (digits >= 2 and len(value.replace(" ", "")) >= 4)


def _excluded(word: str | None, text: str, start: int) -> bool:
    if _MONEY_BEFORE_RE.search(text[max(0, start - 8) : start], timeout=REGEX_TIMEOUT_SECONDS):
        return True
    words = [w.lower() for w in _WORD_RE.findall(word or "")]
    return any(v in SPEC_WORDS or v in QUANTITY_WORDS for w in words for v in (w, w.removesuffix("s")))


def _word_before(text: str, pos: int) -> str:
    """The word right before an identifier word ("page" in "page number 12")."""
    m = _LAST_WORD_RE.search(text[max(0, pos - 30) : pos], timeout=REGEX_TIMEOUT_SECONDS)
    return m.group(1) if m else ""
