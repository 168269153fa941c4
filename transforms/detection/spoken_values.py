"""Values read out letter by letter and digit by digit in speech (Beam-free): the ``spoken_values`` method.

Call transcripts and voice requests spell references, postcodes and names: "its k p three three one zero
eight", "the job number is six two nine one four eight", "b for bravo n for november four four zero",
"o k o n j o hyphen b e l l". Pattern recognizers see no digits there and the model sees no name. A run
of spoken units (a digit word or digit, "double"/"triple" + digit, a single lowercase letter, a letter
read with its spelling word "x for y", joined by spaces or "hyphen"/"dash") is:

- an ID when it holds at least 4 digits, or at least 3 digits and letters with 5+ units in all (shorter
  runs are quantities and times: "two or three", "nine one one");
- a spelled word when it holds 4+ letters and no digit: PERSON after a name cue ("spell", "surname",
  "name", "called") in the 80 characters before, ID after a record cue ("email", "postcode",
  "reference", "code", "number"), nothing otherwise (a spelled acronym is no personal data).

A single "a" or "i" at either end of a run is an article or a pronoun, not a letter, unless a letter
stands beside it ("its a four seven" starts at "four"). Only lowercase letters count: capitals in cased
text are initials and enumerations ("A, B, C"). Privacy contract: only adds ID/PERSON spans.
"""

from __future__ import annotations

import regex

from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.record import Span

SCORE = 0.6
_DIGIT_WORDS = "zero|oh|one|two|three|four|five|six|seven|eight|nine"
_UNIT = (
    rf"(?:(?:double|triple)[ \t]+)?(?:{_DIGIT_WORDS})(?![\p{{L}}\p{{N}}])"
    r"|\d(?![\p{L}\p{N}])"
    r"|[a-z](?:[ \t]+for[ \t]+[a-z]+)?(?![\p{L}\p{N}'\u2019])"
)
_RUN_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{N}}'\u2019.@-])(?:{_UNIT})(?:(?:[ \t]+|[ \t]*-[ \t]*)(?:(?:hyphen|dash)[ \t]+)?(?:{_UNIT}))+"
)
_PIECE_RE = regex.compile(
    rf"(?:double|triple)[ \t]+(?:{_DIGIT_WORDS})|{_DIGIT_WORDS}|\d|[a-z][ \t]+for[ \t]+[a-z]+|[a-z]"
)
_DIGIT_SET = frozenset(_DIGIT_WORDS.split("|"))
_ARTICLES = frozenset({"a", "i"})
_NAME_CUE_RE = regex.compile(r"(?i)\b(?:spell\w*|surname|last name|first name|name|called)\b")
_RECORD_CUE_RE = regex.compile(r"(?i)\b(?:e-?mail|postcode|post code|zip|reference|ref|code|number|id|username)\b")


def spoken_value_spans(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` plus ID/PERSON spans for spoken runs (see the module docstring) not already covered."""
    added: list[Span] = []
    for m in _RUN_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
        pieces = _trim([(p.start(), p.end(), p.group(0)) for p in _PIECE_RE.finditer(m.group(0))])
        if not pieces:
            continue
        digits = sum(_digits(t) for _, _, t in pieces)
        letters = sum(1 for _, _, t in pieces if not _digits(t))
        start, end = m.start() + pieces[0][0], m.start() + pieces[-1][1]
        label = _label(text, start, digits, letters, len(pieces))
        if label and not any(s.start <= start and end <= s.end for s in spans):
            added.append(Span(start, end, label, SCORE))
    return spans + added


def _digits(piece: str) -> int:
    """How many digits a piece stands for (0 for a letter)."""
    first = piece.split()[0]
    if first == "double":
        return 2
    if first == "triple":
        return 3
    return 1 if piece[0].isdigit() or first in _DIGIT_SET else 0


def _trim(pieces: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop an "a"/"i" at either end unless a letter stands beside it."""
    while len(pieces) >= 2 and pieces[0][2] in _ARTICLES and _digits(pieces[1][2]):
        pieces = pieces[1:]
    while len(pieces) >= 2 and pieces[-1][2] in _ARTICLES and _digits(pieces[-2][2]):
        pieces = pieces[:-1]
    return pieces


def _label(text: str, start: int, digits: int, letters: int, units: int) -> str | None:
    if digits >= 4 or (digits >= 3 and letters and units >= 5):
        return "ID"
    if digits or letters < 4:
        return None
    before = text[max(0, start - 80) : start]
    if _NAME_CUE_RE.search(before, timeout=REGEX_TIMEOUT_SECONDS):
        return "PERSON"
    if _RECORD_CUE_RE.search(before, timeout=REGEX_TIMEOUT_SECONDS):
        return "ID"
    return None
