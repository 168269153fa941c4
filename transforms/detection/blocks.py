"""Contact blocks (Beam-free): letterheads, signatures and address labels.

In a block of consecutive short lines that already holds a detected address, phone number or e-mail
address, the remaining short capitalized lines are the name and organisation of that contact
("Katrina Mota / Knowledge Agency / 72 Acheron Road ..."). They become spans too: PERSON when the
line starts with a Census first name, otherwise ORGANIZATION. Lines made only of common words
("Personal Info", "Mobile") are headings and stay.
"""

from __future__ import annotations

import regex

from transforms.detection import caps_words, lexicon
from transforms.record import Span

LINE_PREFIX = regex.compile(r"^[ \t>?*•|-]*")
WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}'\u2019]+")
ANCHORS = {"LOCATION", "PHONE_NUMBER", "EMAIL_ADDRESS", "URL"}


def contact_block_spans(
    text: str,
    spans: list[Span],
    stop: set[str],
    *,
    max_words: int = 5,
    common_zipf: float = 4.0,
    score: float = 0.5,
    ordinary_caps: bool = False,
) -> list[Span]:
    """Name/organisation lines of contact blocks (module docstring); ``ordinary_caps`` (method
    ``caps_derived_words``): an ALL-CAPS line of common and derived English words is a heading, not a name."""
    lines = _lines(text)
    out: list[Span] = []
    block: list[tuple[int, int]] = []
    for ln in [*lines, None]:
        if ln is not None and ln[1] > ln[0]:
            block.append(ln)
            continue
        if len(block) >= 2 and any(_anchored(s, block, text) for s in spans if s.label in ANCHORS and s.score >= 0.5):
            found = _candidates(text, block, spans, stop, max_words, common_zipf, score)
            out.extend(c for c in found if not (ordinary_caps and _shouted_heading(text[c.start : c.end], stop)))
        block = []
    return out


def _shouted_heading(line: str, stop: set[str]) -> bool:
    return line.isupper() and caps_words.shouted_ordinary(line, stop)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content without list/quote prefixes; empty content -> start == end."""
    out, pos = [], 0
    for raw in text.split("\n"):
        prefix = LINE_PREFIX.match(raw).end()
        start, end = pos + prefix, pos + len(raw.rstrip())
        out.append((start, max(start, end)))
        pos += len(raw) + 1
    return out


def _anchored(s: Span, block: list[tuple[int, int]], text: str = "", max_words: int = 8) -> bool:
    """The anchor lies on a short line of the block (an address/contact line, not a line of prose)."""
    return any(s.start < e and b < s.end and len(WORD_RE.findall(text[b:e])) <= max_words for b, e in block)


def _candidates(text, block, spans, stop, max_words, common_zipf, score):
    for b, e in block:
        line = text[b:e]
        words = WORD_RE.findall(line)
        if not words or len(words) > max_words or not line[0].isupper() or line.endswith(":"):
            continue
        if any(c.isdigit() for c in line) or any(s.start < e and b < s.end for s in spans):
            continue
        if all(w.lower() in stop or lexicon.zipf(w) >= common_zipf for w in words):
            continue
        label = "PERSON" if words[0].lower() in lexicon.first_names() else "ORGANIZATION"
        yield Span(b, e, label, score)
