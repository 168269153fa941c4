"""Organisation acronyms after a verb of contact or membership (method ``contact_acronyms``, Beam-free).

An acronym alone ("HMRC", "the CAB", "Ofcom"'s capitals) gives the small model little to go on, and the
acronym guard rightly keeps clinical and technical abbreviations out. What tells an organisation apart
is what people do with it: they e-mail, call, join, leave, sue or complain to it, or get a letter, a
refund or a fine from it. This step takes an ALL-CAPS token of 2-6 letters ("&" inside allowed) as
ORGANIZATION when such a phrase (``CONTACT``) stands right before it (an optional "the"), and the other
acronyms coordinated with it ("emailed HMRC and the CAB").

Not taken: a shouted common word ("IT", "OK"; Zipf >= ``COMMON_ZIPF`` as a lowercase word), a
department or role acronym (``FUNCTIONS``: HR, IT, QA, ICU, ENT, GP, CEO, ...), a token before a colon
or a number (a field label, a measurement), and a token in an ALL-CAPS line (a header) or in a line of
abbreviations (4+ ALL-CAPS tokens, a third of its tokens or more: "f/u with GI, hold ACEi, BP 140/90").

Privacy contract: only adds ORGANIZATION spans.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.record import Span

SCORE = 0.6
COMMON_ZIPF = 4.5
CONTACT = (
    r"e-?mailed|called|rang|phoned|contacted|messaged|texted|wrote[ \t]+to|complained[ \t]+to|"
    r"reported[ \t]+(?:it[ \t]+|this[ \t]+|them[ \t]+|him[ \t]+|her[ \t]+)?to|sued|suing|joined|joining|left|leaving|"
    r"applied[ \t]+to|heard[ \t]+(?:back[ \t]+)?from|(?:letter|email|e-mail|call|text|refund|reply|fine|bill)[ \t]+from|"
    r"charged[ \t]+by|billed[ \t]+by|fined[ \t]+by|approved[ \t]+by|rejected[ \t]+by|insured[ \t]+with|"
    r"banks?[ \t]+with|banked[ \t]+with|account[ \t]+with|works?[ \t]+(?:for|at)|worked[ \t]+(?:for|at)|"
    r"working[ \t]+(?:for|at)|employed[ \t]+(?:by|at)|signed[ \t]+up[ \t]+(?:with|to|for)|customer[ \t]+of|"
    r"member[ \t]+of|appeal[ \t]+to|appealed[ \t]+to|claim[ \t]+(?:with|against)|complaint[ \t]+(?:to|with|against)"
)
_ACRONYM = r"\p{Lu}(?:[\p{Lu}&]){1,5}(?![\p{L}\p{N}])"
_RUN_RE = regex.compile(
    rf"(?<![\p{{L}}])(?i:{CONTACT})[ \t]+(?:(?i:the)[ \t]+)?({_ACRONYM})"
    rf"((?:[ \t]*(?:,|(?i:and|or|&))[ \t]+(?:(?i:the)[ \t]+)?{_ACRONYM})*)"
)
_MORE_RE = regex.compile(_ACRONYM)


FUNCTIONS = lexicon.word_set(
    """
    HR IT PR QA ER AE A&E ICU ENT GP OR CEO CFO CTO COO VP MD RN TA PA AI ML UI UX OK ASAP FYI IRL DM PM AM
    ED OT PT SLT CT MRI ECG EKG EEG XR
    """
)


def acronym_spans(text: str, spans: list[Span]) -> list[Span]:
    """New ORGANIZATION spans for acronyms after a contact or membership phrase (see the module docstring)."""
    if not regex.search(r"\p{Lu}{2}", text, timeout=REGEX_TIMEOUT_SECONDS):
        return []
    out: list[Span] = []
    for m in _RUN_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
        found = [(m.start(1), m.end(1))]
        if m.group(2):
            base = m.start(2)
            found += [
                (base + a.start(), base + a.end()) for a in _MORE_RE.finditer(m.group(2), timeout=REGEX_TIMEOUT_SECONDS)
            ]
        for a, b in found:
            token = text[a:b]
            if token in FUNCTIONS or lexicon.zipf(token.lower()) >= COMMON_ZIPF:
                continue
            if any(s.start < b and a < s.end for s in spans + out):
                continue
            if _abbreviation_line(text, a, b):
                continue
            out.append(Span(a, b, "ORGANIZATION", SCORE))
    return out


_TOKEN_RE = regex.compile(r"[\p{L}\p{N}&]+")
DENSE_MIN, DENSE_SHARE = 4, 1 / 3


def _abbreviation_line(text: str, start: int, end: int) -> bool:
    nxt = text[end:].lstrip(" \t")[:1]
    if nxt == ":" or nxt.isdigit():
        return True
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    tokens = _TOKEN_RE.findall(text[line_start : line_end if line_end >= 0 else len(text)])
    alpha = [t for t in tokens if any(c.isalpha() for c in t)]
    caps = [t for t in alpha if t.isupper() and len(t) >= 2]
    return len(caps) == len(alpha) or (len(caps) >= DENSE_MIN and len(caps) >= DENSE_SHARE * len(tokens))
