"""Reference numbers whose cue word is weak or a line away (method ``remote_ref_ids``, Beam-free).

``ContextIdRecognizer`` and ``ContextIdFormsRecognizer`` take an identifier only right after its record
word ("order no. 4471", "claim # 77-40213"). People write the cue further away: "I need help with my
order.\\nIt is HX7731-B", "the number on the parcel label is 4Z8X1190TQ", "PNR: see below\\nK7YZ2Q".
This step takes a token shaped like a reference (letters and digits mixed, or 6-20 digits) when a record
word (``CUES``: order, booking, ticket, claim, parcel, receipt, confirmation, ...) stands earlier in the
same sentence or on the line before, or after it on the same line ("K7YZ2Q is my booking").

The record word must be used as a noun: after a determiner or possessive ("my order", "the parcel"), or
before a connector, a colon or a line end ("booking ref:", "order\\n"); "in order to" is no cue. The window is
the text since the start of the previous line (at most ``WINDOW`` characters) and the rest of the line.
The shape carries the rest of the evidence, so it is strict:
- mixed: 5-25 characters of capitals and digits (``-`` or ``/`` between them), with 2+ digits and a
  letter; or a run of 6-20 digits, or 3+ digit groups joined by ``-`` (two groups are a range or a span
  of years); not a date, not an amount, not a decimal, not a file name, not a label before ``:``;
- not a unit or a size ("500GB", "1080P", "12V"), not a version ("v2.4.1"), not after a product-spec or
  citation word (``SPEC_WORDS``: model, part, version, page, volume, ...), not a common word with a short
  number glued on ("COVID19");
- not in a line with 3+ such tokens (a technical listing).

Privacy contract: the step only adds ID spans; it never shortens or removes one.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.record import Span

SCORE = 0.55  # above the default threshold; ID is not propagated
WINDOW = 160
# record words that name the thing a reference identifies
CUES = (
    r"order|booking|reservation|ticket|claim|reference|ref|confirmation|tracking|parcel|package|shipment|"
    r"consignment|delivery|receipt|invoice|case|account|pnr|itinerary|membership|policy|application|"
    r"transaction|payment|refund|rma|complaint|incident|enquiry|inquiry|voucher|registration|permit|"
    r"appointment|mrn|docket|subscription|return"
)
_DET = r"(?:my|your|our|his|her|their|the|this|that|an?|new|same|last|previous|its)"
_CONNECT = r"(?:number|no\.?|nr\.?|#|ref(?:erence)?|id|code|details)"
# the record word as a noun: after a determiner or possessive, or before a connector, a colon or a line end
_BEFORE_RE = regex.compile(
    rf"(?i)(?<![\p{{L}}\p{{N}}])(?:{_DET}[ \t]+(?:[\p{{L}}-]+[ \t]+)?(?:{CUES})s?(?![\p{{L}}\p{{N}}])"
    rf"|(?:{CUES})s?[ \t]*(?:{_CONNECT}[ \t]*)?(?:is|was|:|#|=|\r?\n))"
)
# after the token on its line: "K7YZ2Q is my booking", "WQ4471 (order number)"
_AFTER_RE = regex.compile(rf"(?i)^[ \t]*(?:\(|,|-|is|was|=)?[ \t]*(?:{_DET}[ \t]+)?(?:{CUES})s?(?![\p{{L}}\p{{N}}])")
# product specifications, rooms and routes: the code after them names a thing, not a person's record
SPEC_WORDS = lexicon.word_set(
    """
    model models part parts version ver firmware build release size type sku item product chip cpu gpu
    processor engine route bus train flight platform gate room seat row aisle page figure fig table chapter
    section step rule clause article error promo discount coupon formula grade level class p pp pages vol
    volume issue program module exit routine standard iso rfc
    """
)
_MIXED = r"(?=[A-Z0-9/-]*\d[A-Z0-9/-]*\d)(?=[A-Z0-9/-]*[A-Z])[A-Z0-9](?:[A-Z0-9]|[-/](?=[A-Z0-9])){4,24}"
# a digit run, or 3+ digit groups joined by "-" (two groups are a range: "191-204", "2005-2007")
_DIGITS = r"\d{6,20}|\d{2,8}(?:-\d{2,8}){2,4}"
_TOKEN_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{N}}@._/#$£€¥+-])(?:{_MIXED}|{_DIGITS})(?![\p{{L}}\p{{N}}@]|[.,/:-]\d|\.\p{{L}}|[ \t]*:)"
)
_UNIT_RE = regex.compile(
    r"^\d+(?:K|M|G|T|KB|MB|GB|TB|P|I|V|W|A|MAH|HZ|KHZ|MHZ|GHZ|MM|CM|KM|ML|MG|KG|X|D|FPS|BIT|PX|DPI|MP)$"
    r"|^\d+X\d+$|^V\d"
)
_DATE_RE = regex.compile(r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4})$")
_WORD_NUM_RE = regex.compile(r"^([A-Z]{3,})-?\d{1,2}$|^\d{1,2}-?([A-Z]{3,})$")
WORD_MIN_ZIPF = 3.0
_WORD_BEFORE_RE = regex.compile(r"([\p{L}]+)[ \t]*[:#.]?[ \t]*$")


def ref_id_spans(text: str, spans: list[Span]) -> list[Span]:
    """New ID spans for reference-shaped tokens with a record cue nearby that no span covers yet."""
    if not any(c.isdigit() for c in text):
        return []
    out: list[Span] = []
    for m in _TOKEN_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
        start, end = m.span()
        token = m.group(0)
        if _covered(spans, start, end) or not _shape_ok(token):
            continue
        before = text[max(0, start - 40) : start]
        w = _WORD_BEFORE_RE.search(before)
        if w is not None and w.group(1).lower() in SPEC_WORDS:
            continue
        if _cued(text, start, end) and not _code_dense(text, start, end):
            out.append(Span(start, end, "ID", SCORE))
    return out


def _shape_ok(token: str) -> bool:
    if _UNIT_RE.match(token):
        return False
    word = _WORD_NUM_RE.match(token)
    if word is not None and lexicon.zipf(word.group(1) or word.group(2)) >= WORD_MIN_ZIPF:
        return False  # a word with a short number glued on ("COVID19", "WINDOWS11"), not a reference
    if not any(c.isalpha() for c in token):
        digits = token.replace("-", "")
        if _DATE_RE.match(token) or len(digits) < 6:
            return False
        return not (len(digits) == 8 and digits[:2] in ("19", "20") and "-" not in token)
    return True


def _cued(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start)
    prev_start = text.rfind("\n", 0, line_start) + 1 if line_start > 0 else 0
    lo = max(prev_start, start - WINDOW)
    line_end = text.find("\n", end)
    hi = min(line_end if line_end >= 0 else len(text), end + 40)
    return (
        _BEFORE_RE.search(text, lo, start, timeout=REGEX_TIMEOUT_SECONDS) is not None
        or _AFTER_RE.search(text[end:hi], timeout=REGEX_TIMEOUT_SECONDS) is not None
    )


CODE_DENSE = 3


def _code_dense(text: str, start: int, end: int) -> bool:
    """A line with 3+ such tokens is a technical listing (part numbers, course codes), not a message."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return len(_TOKEN_RE.findall(line, timeout=REGEX_TIMEOUT_SECONDS)) >= CODE_DENSE


def _covered(spans: list[Span], start: int, end: int) -> bool:
    return any(s.start < end and start < s.end for s in spans)
