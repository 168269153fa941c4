"""Cut spans at line breaks and column gaps (``methods.field_gap_cuts``).

spaCy's small model reads a form line such as ``Name: X Y      Ward: 5B`` as running text and lets an
entity run through the column gap (2+ spaces or a tab) or the line break into the next field label or
header (``X Y      Ward``; ``CLINIC NOTE\\nX Y Associates``). Such a span is split at every gap; each piece
is kept unless it is a field label (followed by ``:``) or a whole line made only of common English words
(the header the entity ran into); a piece with a known name token or an organisation head word is kept,
and so is any other part of a line (place and firm names can be made of frequent words), with a score
below propagation's ``min_score`` when it is made of frequent words only (not spread over the document).
A span never loses all its pieces: when every piece would be dropped (labels, header words), the first is
kept at the local score and left to the other guards.

Only the labels of name-like NER output are cut (``CUT_LABELS``: PERSON, ORGANIZATION, NRP, LOCATION); a
pattern recognizer's span (an ID, a date, an address number) is the recognizer's own match and stays whole.

Labels that legitimately span lines keep their line breaks: LOCATION (an address block over two lines in
a signature, see ``blocks.py``). Column gaps are cut for every label (no entity value of ours holds 2+
spaces or a tab). The method only shrinks or drops spans: privacy contract -- it never removes a
character that a piece made of names or rare words covered.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.record import Span

CUT_LABELS = frozenset({"PERSON", "ORGANIZATION", "NRP", "LOCATION"})
MULTILINE_LABELS = frozenset({"LOCATION"})
# a column gap lies between two characters of one line (indentation after a line break is not one)
# (possessive runs: a long run of blanks costs linear time)
_GAP_ONLY = regex.compile(r"(?<=\S)(?:[ ]{2,}+|\t)[ \t]*+(?=\S)")
_COLUMN_GAP = regex.compile(r"(?<=\S)(?:[ ]{2,}+|\t)[ \t]*+(?=\S)|[ \t]*+\n[ \t\n]*+")
# words for the lexicon checks; hyphenated names are checked part by part ("Lund-Ferreira")
_WORD = regex.compile(r"[\p{L}][\p{L}\p{M}'\u2019]*")
COMMON_MIN_ZIPF = 3.3
# above the default threshold (0.35), below propagation's min_score (0.6)
LOCAL_SCORE = 0.5
NAME_MAX_ZIPF = 4.5


def cut_spans(text: str, spans: list[Span], org_heads: frozenset[str] = frozenset()) -> list[Span]:
    """``spans`` with every span that crosses a column gap (or a line break, except multi-line labels)
    replaced by its kept pieces. A piece holding a known name token or one of ``org_heads``
    ("Department", "Associates") is always kept."""
    out: list[Span] = []
    for s in spans:
        if s.label not in CUT_LABELS:
            out.append(s)
            continue
        value = text[s.start : s.end]
        gap_re = _GAP_ONLY if s.label in MULTILINE_LABELS else _COLUMN_GAP
        if gap_re.search(value) is None:  # a span's value, linear patterns: no budget needed here
            out.append(s)
            continue
        pieces = [(s.start + a, s.start + b) for a, b in _pieces(value, gap_re)]
        verdicts = [(a, b, _keep(text, a, b, org_heads)) for a, b in pieces]
        kept = [(a, b, v) for a, b, v in verdicts if v != "drop"]
        if not kept and pieces:
            kept = [(*pieces[0], "local")]  # never drop the whole span: the first piece goes to the other guards
        out.extend(Span(a, b, s.label, s.score if v == "keep" else min(s.score, LOCAL_SCORE)) for a, b, v in kept)
    return out


def _pieces(value: str, gap_re: regex.Pattern, timeout: float | None = None) -> list[tuple[int, int]]:
    pieces, pos = [], 0
    for m in gap_re.finditer(value, timeout=timeout):
        if m.start() > pos:
            pieces.append((pos, m.start()))
        pos = m.end()
    if pos < len(value):
        pieces.append((pos, len(value)))
    return [(a, b) for a, b in pieces if value[a:b].strip()]


def _label(text: str, end: int) -> bool:
    """A field label: the piece is followed by ``:`` ("Ward:", "DOB:")."""
    return text[end:].lstrip(" \t")[:1] == ":"


def _keep(text: str, start: int, end: int, org_heads: frozenset[str]) -> str:
    """``"keep"``, ``"drop"`` or ``"local"`` (kept, but too weak to propagate: frequent words only)."""
    if not any(c.isalnum() for c in text[start:end]):
        return "drop"
    words = _WORD.findall(text[start:end])
    if _label(text, end):  # a field label, unless it is a rare name ("Dagny:" as a speaker)
        rare_name = all(lexicon.is_name_token(w) and lexicon.zipf(w) < COMMON_MIN_ZIPF for w in words)
        return "keep" if words and rare_name else "drop"
    if any(_name(w) for w in words) or not all(lexicon.zipf(w) >= COMMON_MIN_ZIPF for w in words):
        return "keep"  # a name or a rare word: full score, propagates like any value
    if not words or any(w.title() in org_heads for w in words):
        return "local"  # digits, or frequent words with an organisation head ("THE HOME DEPARTMENT")
    # frequent words only: a header line ("WORK HISTORY") is dropped; part of a line may be a place or
    # firm name ("Green Bay") and stays; "local" pieces score below propagation's min_score (not spread)
    return "drop" if _whole_line(text, start, end) else "local"


def _name(word: str) -> bool:
    """A known name token that is not also a very frequent word ("Work", "Will" are Census surnames)."""
    return lexicon.is_name_token(word) and lexicon.zipf(word) < NAME_MAX_ZIPF


def _whole_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return not text[line_start:start].strip() and not text[end : line_end if line_end >= 0 else len(text)].strip()


# separators written between a field and the next one on a line: "|", a spaced dash, "label: ", ";"
_SEPARATOR = regex.compile(
    r"[ \t]*+[|\u2502\u00a6][ \t]*+|[ \t]++[-\u2013\u2014][ \t]++|(?<=\p{L}):[ \t]++|[ \t]*+;[ \t]*+"
)
_LOCATION_SEPARATOR = regex.compile(r"[ \t]*+[|\u2502\u00a6][ \t]*+|(?<=\p{L}):[ \t]++")


def cut_separators(text: str, spans: list[Span], org_heads: frozenset[str] = frozenset()) -> list[Span]:
    """Method ``separator_cuts``: a name-like span that runs over a field separator ("|", " - ", "Label: ",
    ";") into the neighbouring field's label ("X Y - Status: open", "Reviewer: X Y") is cut there; the
    pieces are judged like column-gap pieces (a label before ``:`` or a header line is dropped). A span none
    of whose pieces would be dropped stays whole (a name written "X - Y" keeps its one span)."""
    out: list[Span] = []
    for s in spans:
        value = text[s.start : s.end]
        if s.label not in CUT_LABELS:
            out.append(s)
            continue
        sep_re = _LOCATION_SEPARATOR if s.label in MULTILINE_LABELS else _SEPARATOR
        if sep_re.search(value, timeout=REGEX_TIMEOUT_SECONDS) is None:
            out.append(s)
            continue
        pieces = [(s.start + a, s.start + b) for a, b in _pieces(value, sep_re, REGEX_TIMEOUT_SECONDS)]
        verdicts = [(a, b, _separator_keep(text, a, b, org_heads)) for a, b in pieces]
        if all(v != "drop" for _, _, v in verdicts) or all(v == "drop" for _, _, v in verdicts):
            out.append(s)
            continue
        out.extend(
            Span(a, b, s.label, s.score if v == "keep" else min(s.score, LOCAL_SCORE))
            for a, b, v in verdicts
            if v != "drop"
        )
    return out


LABEL_MAX_WORDS = 2


def _separator_keep(text: str, start: int, end: int, org_heads: frozenset[str]) -> str:
    """``_keep`` for separator pieces, with a stricter field-label test: a piece before ``:`` is a label
    only when it is 1-2 common English words that are not names ("Status:", "Next step:"); a known first
    name is never a label, however frequent ("Sara - Will: sounds good" keeps "Will", a speaker), and a
    place or name of 3+ words before a colon ("Porto Santa Irena: ...") stays."""
    if _label(text, end):
        words = _WORD.findall(text[start:end])
        common = all(
            lexicon.zipf(w) >= COMMON_MIN_ZIPF and not _name(w) and w.lower() not in lexicon.first_names()
            for w in words
        )
        return "drop" if words and len(words) <= LABEL_MAX_WORDS and common else "keep"
    return _keep(text, start, end, org_heads)
