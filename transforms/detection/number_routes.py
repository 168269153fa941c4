"""Numbers re-routed by local cues (method ``numeric_rerouting``, Beam-free).

The numeric validators (``validators.py``) drop what NER called a date, phone or URL but is not one:
counts, clock times, ratios, ranges, measurements. Some of those numbers are personal data under another
label, and the cue that says so is a word next to the number, not the number's shape. This step looks at
every number that no kept span covers (one the validators dropped, or one NER never proposed) and gives it
a canonical label (``metrics.GOLD_LABELS``) only when a cue of the small general lexicon below is there:

- ``AGE``: a number of 1-3 digits (1-120) after an age cue ("aged 16", "age: 34", "turned 40", "you're
  16", "she is 9"), or in brackets or between commas right after a detected person ("X Y (34)",
  "X Y, 34, of ..."). After a pronoun + "is/'s/are/was" the number must close the clause or be followed
  by an age word ("years", "yo", "and", "now", ...): "he's 5 minutes late" stays readable.
  Clinical age-sex shorthand counts as an age cue: "A/P: 66M with ...", "a 45F presenting ..." (a sex
  letter glued to the number at a clause start, before a presentation word; not "5M users").
- ``ID``: 2-8 digits (digit groups joined by a space or hyphen allowed) after an identifier cue: badge,
  collar, shoulder, warrant, staff, employee, payroll, member(ship), student, roll, customer, sort code,
  and last-digits phrases ("card ending 0921", "account ending in 33", "last four digits 7710"); an
  optional connector in between ("no.", "number", "#", "id", ":", "is").
- ``DATE_TIME``: an ordinal day ("the 14th", 1st-31st) after a date preposition within three words
  ("on", "by", "for", "until", "from", "since", "before", "after", "due", "booked" ...) and not followed by a
  noun ("the 3rd floor", "the 21st century", "for the 2nd time" stay readable).

No cue, no span: bare numbers, clock times (``9:45``), decimals, ratios (``3/4``), ranges (``16-18``) and
quantities with a unit (``16 kg``, ``5 minutes``) are never taken, since the number must not be followed by
``[.,:/-]`` + digit or by a unit word, and must stand alone (not glued to letters). Privacy contract: the
step only adds spans; it never shortens or removes one.
"""

from __future__ import annotations

import regex

from transforms.record import Span

SCORE = 0.6  # above the default threshold; AGE/ID/DATE_TIME are not propagated
_NUM_TAIL = r"(?![\p{L}\p{N}]|[.,:/-]\d|[ \t]*(?:%|°))"
_UNITS = (
    r"(?:%|percent|per|degrees?|°|minutes?|mins?|hours?|hrs?|h|seconds?|secs?|days?|weeks?|months?|times?|"
    r"km|kms|miles?|mi|m|cm|mm|ft|feet|foot|inch(?:es)?|in\b|kg|kgs|g|mg|lbs?|pounds?|kilos?|stone|st|"
    r"euros?|dollars?|quid|pence|p|points?|pts?|goals?|games?|pages?|people|steps?|of\b|out\b|x)"
)
# age cues before the number (a pronoun + "be" needs the clause to end or an age word after the number)
_AGE_STRONG = r"(?:aged|age|ages|turned|turning|turns)"
_AGE_BE = (
    r"(?:i'm|i\u2019m|im|i am|you're|you\u2019re|youre|you are|he's|he\u2019s|he is|she's|she\u2019s|she is|they're|they\u2019re|"
    r"they are|we're|we\u2019re|we are|he was|she was|i was|you were|they were|we were)"
)
_AGE_AFTER = (
    r"(?:[ \t]*(?:$|[.,;!?)\n]|[ \t](?:years?|yrs?|yo|y/o|and|now|next|this|today|tomorrow|but|so|when|"
    r"with|in|at|or|already|too|myself|then|lol|haha|btw|going)\b))"
)
AGE_CUE_RE = regex.compile(
    rf"(?i)(?<![\p{{L}}'\u2019])(?:{_AGE_STRONG}[ \t]*(?:of[ \t]+|:[ \t]*|[ \t]+)|{_AGE_BE}[ \t]+)"
    rf"(?P<n>\d{{1,3}}){_NUM_TAIL}(?![ \t]*{_UNITS}\b)"
)
# clinical age-sex shorthand: "66M with ...", "a 45F presenting ..." (a sex letter glued to the number,
# at a clause start, before a presentation word), not "5M users" or "16M" alone
AGE_SEX_RE = regex.compile(
    r"(?:^|(?<=[:;,(]|\b(?:a|an|pt|patient)))[ \t]*(?P<n>\d{1,3})(?:M|F)\b(?=[ \t]+(?:with|w/|presents|presenting|"
    r"presented|who|s/p|c/o|h/o|hx|pmh|admitted|here|seen|brought|complains|reports)\b)",
    regex.MULTILINE,
)
_ID_WORDS = (
    r"(?:badge|collar|shoulder|warrant(?:[ \t]+card)?|staff|employee|payroll|member|membership|student|"
    r"customer|sort[ \t]+code)"
)
_ID_CONNECT = r"(?:[ \t]*(?:no\.?|nos\.?|nr\.?|number|num\.?|#|id|code)?[ \t]*(?:is|was)?[ \t]*[:#]?[ \t]*)"
_LAST_DIGITS = (
    r"(?:(?:card|account|acct|a/c)[ \t]+(?:number[ \t]+)?(?:ending|ends|finishing)(?:[ \t]+(?:in|with))?|"
    r"ending[ \t]+(?:in|with)|last[ \t]+(?:four|4|three|3|two|2|five|5|six|6)(?:[ \t]+digits)?(?:[ \t]+(?:are|is|of))?)"
)
ID_CUE_RE = regex.compile(
    rf"(?i)(?<![\p{{L}}])(?:{_ID_WORDS}{_ID_CONNECT}|{_LAST_DIGITS}[ \t]*[:#]?[ \t]*)"
    rf"(?P<n>\d{{2,8}}(?:[ -]\d{{2,8}}){{0,3}}){_NUM_TAIL}(?![ \t]*{_UNITS}\b)"
)
_DATE_PREPS = (
    r"(?:on|by|until|till|til|from|since|before|after|for|due|dated|to|and|between|booked(?:[ \t]+(?:in|for))?|"
    r"scheduled(?:[ \t]+for)?|set[ \t]+for|starting|ending|expires?|expiring|arriving|arrives|moved[ \t]+to|"
    r"paid|received|sent|delivered|posted|closed|opened|back)"
)
_ORDINAL = r"the[ \t]+(?P<n>\d{1,2})(?:st|nd|rd|th)"
ORDINAL_RE = regex.compile(
    rf"(?i)(?<![\p{{L}}])(?P<prep>{_DATE_PREPS})(?:[ \t]+[\p{{L}}']+){{0,2}}?[ \t]+(?P<day>{_ORDINAL})\b"
    r"(?=[ \t]*(?:$|[.,;:!?)\n]|-|[ \t](?:at|of|and|or|to|till|until|through|thru|when|so|but|because|as|"
    r"then|please|if|instead|is|was|will|would|works?)\b))"
)


_YEAR_RE = regex.compile(r"(?:19|20)\d\d")
_CONNECTOR_RE = regex.compile(r"(?i)\b(?:no|nos|nr|number|num|id|code)\b|[#:]")


def route_numbers(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` plus AGE/ID/DATE_TIME spans for cued numbers that no span in ``spans`` covers."""
    covered = [(s.start, s.end) for s in spans]
    added: list[Span] = []

    def add(start: int, end: int, label: str) -> None:
        if not any(a <= start and end <= b for a, b in covered):
            added.append(Span(start, end, label, SCORE))
            covered.append((start, end))

    for m in AGE_CUE_RE.finditer(text):
        if (_age(m.group("n")) and regex.match(_AGE_AFTER, text[m.end("n") :]) is not None) or _strong_age(m):
            add(m.start("n"), m.end("n"), "AGE")
    for m in AGE_SEX_RE.finditer(text):
        if _age(m.group("n")):
            add(m.start("n"), m.end("n"), "AGE")
    for start, end in _ages_after_names(text, spans):
        add(start, end, "AGE")
    for m in ID_CUE_RE.finditer(text):
        if not (_YEAR_RE.fullmatch(m.group("n")) and not _CONNECTOR_RE.search(m.group(0)[: m.start("n") - m.start()])):
            add(m.start("n"), m.end("n"), "ID")  # "member 2019" without "no."/"#"/":" is a year
    for m in ORDINAL_RE.finditer(text):
        if 1 <= int(m.group("n")) <= 31:
            add(m.start("day"), m.end("day"), "DATE_TIME")
    return spans + added


def _age(n: str) -> bool:
    return 1 <= int(n) <= 120


def _strong_age(m: regex.Match) -> bool:
    """An explicit age word ("aged", "age", "turned") needs no clause end after the number."""
    cue = m.group(0)[: m.start("n") - m.start()].strip().lower()
    return _age(m.group("n")) and regex.match(_AGE_STRONG, cue) is not None


def _ages_after_names(text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """ "X Y (34)" and "X Y, 34," right after a PERSON span."""
    out = []
    for s in spans:
        if s.label != "PERSON":
            continue
        m = regex.match(r"[ \t]*(?:\((?P<a>\d{1,3})\)|,[ \t]*(?P<b>\d{1,3})[ \t]*(?=[,;)]|\.(?!\d)|$))", text[s.end :])
        if m is None:
            continue
        g = "a" if m.group("a") else "b"
        if _age(m.group(g)):
            out.append((s.end + m.start(g), s.end + m.end(g)))
    return out
