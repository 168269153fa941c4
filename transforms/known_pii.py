"""Structural PII: values a parser or the record shape tells us are personal data (Beam-free).

Detection is statistical; some PII is known for certain from the structure: the addresses and display
names of e-mail headers, and the speaker labels of a transcript. Every occurrence of such a value in the
record's text becomes a span (score 1.0), merged with the detector's spans by the same leak-safe overlap
policy. This is why "Maria Garcia" gets the same PERSON token as a speaker label and inside the turns,
even where the NER model would miss the name; a lone "Maria" gets the token of "maria" (as NER would
give it). It only ever adds spans, never removes one.
"""

from __future__ import annotations

import re

from transforms.detection.spans import resolve_overlaps
from transforms.record import Record, Span
from transforms.speakers import is_named_speaker

_MIN_CHARS = 2


def record_hints(record: Record) -> list[tuple[str, str]]:
    """The record's known PII plus, for conversations, every non-generic speaker label (as PERSON)."""
    hints = list(record.known_pii)
    for t in record.turns or []:
        speaker = t.speaker.strip()
        if is_named_speaker(speaker):
            hints.append(("PERSON", speaker))
    return hints


def compile_hints(hints: list[tuple[str, str]]) -> list[tuple[str, re.Pattern[str]]]:
    """Word-bounded patterns: full values case-insensitive and whitespace-flexible; for multi-word PERSON
    values also each name part (3+ letters) in its given, Title and UPPER case, so a signature "Daniel"
    or a greeting "Hi Maria" is caught too while the verb "will" is not taken for a "Will"."""
    seen, out = set(), []
    for label, value in sorted(hints, key=lambda h: -len(h[1])):
        words = value.split()
        key = (label, " ".join(words).casefold())
        if key in seen or len("".join(words)) < _MIN_CHARS:
            continue
        seen.add(key)
        body = r"\s+".join(re.escape(w) for w in words)
        out.append((label, re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)))
        if label == "PERSON" and len(words) > 1:
            out.extend(_name_parts(words, seen))
    return out


def _name_parts(words: list[str], seen: set[tuple[str, str]]) -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for w in (w.strip(".,;:'\"()<>") for w in words):
        if len(w) < 3 or not w[0].isalpha() or ("PERSON", w.casefold()) in seen:
            continue
        seen.add(("PERSON", w.casefold()))
        forms = "|".join(re.escape(f) for f in sorted({w, w.title(), w.upper()}))
        out.append(("PERSON", re.compile(rf"(?<!\w)(?:{forms})(?!\w)")))
    return out


def hint_spans(text: str, patterns: list[tuple[str, re.Pattern[str]]]) -> list[Span]:
    return [Span(m.start(), m.end(), label, 1.0) for label, rx in patterns for m in rx.finditer(text)]


def add_known_spans(record: Record) -> None:
    """Merge spans of known PII into ``record.spans`` / ``record.turn_spans`` (in place)."""
    patterns = compile_hints(record_hints(record))
    if not patterns:
        return
    if record.turns is not None:
        per_turn = record.turn_spans or [[] for _ in record.turns]
        record.turn_spans = [
            resolve_overlaps([*spans, *hint_spans(t.text, patterns)])
            for t, spans in zip(record.turns, per_turn, strict=True)
        ]
    else:
        record.spans = resolve_overlaps([*record.spans, *hint_spans(record.text, patterns)])
