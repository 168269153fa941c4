"""Cut spans at line breaks and column gaps (``methods.field_gap_cuts``).

spaCy's small model reads a form line such as ``Name: X Y      Ward: 5B`` as running text and lets an
entity run through the column gap (2+ spaces or a tab) or the line break into the next field label or
header (``X Y      Ward``; ``CLINIC NOTE\\nX Y Associates``). Such a span is split at every gap; each piece
is kept unless it is a field label (followed by ``:``) or made only of common English words (the header
or label the entity ran into); a piece with a known name token or an organisation head word is kept. When every piece is common words, the first piece is
kept and left to the other guards.

Labels that legitimately span lines keep their line breaks: LOCATION (an address block over two lines in
a signature, see ``blocks.py``). Column gaps are cut for every label (no entity value of ours holds 2+
spaces or a tab). The method only shrinks or drops spans: privacy contract -- it never removes a
character that a piece made of names or rare words covered.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.record import Span

MULTILINE_LABELS = frozenset({"LOCATION"})
_COLUMN_GAP = regex.compile(r"[ ]{2,}|\t|[ \t]*\n[ \t\n]*")
_GAP_ONLY = regex.compile(r"[ ]{2,}|\t")
_WORD = regex.compile(r"[\p{L}][\p{L}\p{M}'\u2019-]*")
COMMON_MIN_ZIPF = 3.3


def cut_spans(text: str, spans: list[Span], org_heads: frozenset[str] = frozenset()) -> list[Span]:
    """``spans`` with every span that crosses a column gap (or a line break, except multi-line labels)
    replaced by its kept pieces. A piece holding a known name token or one of ``org_heads``
    ("Department", "Associates") is always kept."""
    out: list[Span] = []
    for s in spans:
        value = text[s.start : s.end]
        gap_re = _GAP_ONLY if s.label in MULTILINE_LABELS else _COLUMN_GAP
        if gap_re.search(value) is None:
            out.append(s)
            continue
        pieces = [(s.start + a, s.start + b) for a, b in _pieces(value, gap_re)]
        kept = [(a, b) for a, b in pieces if _keep(text, a, b, org_heads)]
        if not kept and pieces and not _label(text, pieces[0][1]):
            kept = pieces[:1]  # only common words: leave the first piece to the other guards
        out.extend(Span(a, b, s.label, s.score) for a, b in kept)
    return out


def _pieces(value: str, gap_re: regex.Pattern) -> list[tuple[int, int]]:
    pieces, pos = [], 0
    for m in gap_re.finditer(value):
        if m.start() > pos:
            pieces.append((pos, m.start()))
        pos = m.end()
    if pos < len(value):
        pieces.append((pos, len(value)))
    return [(a, b) for a, b in pieces if value[a:b].strip()]


def _label(text: str, end: int) -> bool:
    """A field label: the piece is followed by ``:`` ("Ward:", "DOB:")."""
    return text[end:].lstrip(" \t")[:1] == ":"


def _keep(text: str, start: int, end: int, org_heads: frozenset[str]) -> bool:
    if not any(c.isalnum() for c in text[start:end]):
        return False
    words = _WORD.findall(text[start:end])
    if _label(text, end):  # a field label, unless it is a rare name ("Lars:" as a speaker)
        return bool(words) and all(lexicon.is_name_token(w) and lexicon.zipf(w) < COMMON_MIN_ZIPF for w in words)
    if not words or any(lexicon.is_name_token(w) or w.title() in org_heads for w in words):
        return True  # digits, a name, or an organisation head ("THE HOME DEPARTMENT")
    return not all(lexicon.zipf(w) >= COMMON_MIN_ZIPF for w in words)
