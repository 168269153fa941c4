"""Document- and conversation-level propagation (Beam-free).

A value detected with score >= ``min_score`` for a propagated entity (default PERSON) is searched in
every text of the same document or conversation and each other occurrence becomes a span too: other
casing, possessives ("Smith's"), and, for person names, the first or last name alone after the full
name. Name parts that are common words (e.g. "Grant", "Rose") are matched case-sensitively only, so
"rose" the flower stays; rare parts match in any casing. Speaker labels of a conversation that are
names (not generic roles) are propagated into its turns as PERSON values.

Occurrences are the matches of one alternation of the values (longest first, outside words; ``value_regex``);
in ASCII text they are found with ``str.find`` instead (``literal_matches``, the same matches without
compiling a regex per document; non-ASCII text keeps the regex, whose case folding differs from
``str.lower`` for some characters).

Coordination: in a list of capitalized names ("Monjeau, Graves and Reed"), when one item is a
detected PERSON, the other items that are not common words are PERSON too.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.recognizer_config import PropagationSpec
from transforms.record import Span

PART_RE = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'\u2019-]*")
POSSESSIVE_RE = regex.compile(r"(?:'s|\u2019s|'|\u2019)$")
COMMON_PART_ZIPF = 4.0
ITEM = r"\p{Lu}[\p{Ll}\p{M}'\u2019-]+(?:[ \t]\p{Lu}[\p{Ll}\p{M}'\u2019-]+)?"
LIST_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}]){ITEM}(?:,[ \t]+{ITEM})*,?[ \t]+(?:and|or|&)[ \t]+{ITEM}(?![\p{{L}}\p{{M}}])"
)
ITEM_RE = regex.compile(ITEM)


class Propagator:
    def __init__(self, spec: PropagationSpec, stop_words: list[str]) -> None:
        self.spec = spec
        self.entities = set(spec.entities)
        self.stop = {w.lower() for w in stop_words}

    def values(self, texts: list[str], spans: list[list[Span]]) -> dict[tuple[str, bool], str]:
        """{(value, case_insensitive): label} from confident spans."""
        out: dict[tuple[str, bool], str] = {}
        for text, doc_spans in zip(texts, spans, strict=True):
            for s in doc_spans:
                if s.label in self.entities and s.score >= self.spec.min_score:
                    self._add(out, text[s.start : s.end], s.label)
        return out

    def add_value(self, out: dict[tuple[str, bool], str], value: str, label: str) -> None:
        self._add(out, value, label)

    def _add(self, out: dict, value: str, label: str) -> None:
        value = POSSESSIVE_RE.sub("", value.strip())
        if len(value) < self.spec.min_part_chars:
            return
        out.setdefault((value, True), label)
        if not (self.spec.name_parts and label == "PERSON"):
            return
        parts = PART_RE.findall(value)
        if len(parts) < 2:
            return
        for part in parts:
            p = POSSESSIVE_RE.sub("", part)
            if len(p) < self.spec.min_part_chars or p.lower() in self.stop:
                continue
            rare = lexicon.zipf(p) < COMMON_PART_ZIPF
            out.setdefault((p, rare), label)

    def apply(self, texts: list[str], spans: list[list[Span]], extra: dict | None = None) -> list[list[Span]]:
        """Spans plus every further occurrence of the propagated values (overlaps resolved later)."""
        if not self.spec.enabled:
            return spans
        values = self.values(texts, spans)
        for k, v in (extra or {}).items():
            values.setdefault(k, v)
        if not values:
            return [
                doc_spans + self._coordinated(text, doc_spans) for text, doc_spans in zip(texts, spans, strict=True)
            ]
        groups = [(ci, {v for (v, c) in values if c is ci}) for ci in (True, False)]
        groups = [(ci, group, all(v and v.isascii() for v in group)) for ci, group in groups if group]
        lookup = {(v.lower() if c else v): label for (v, c), label in values.items()}
        spans = [doc_spans + self._coordinated(text, doc_spans) for text, doc_spans in zip(texts, spans, strict=True)]
        finders = {}
        out = []
        for text, doc_spans in zip(texts, spans, strict=True):
            found = list(doc_spans)
            for ci, group, ascii_values in groups:
                if ascii_values and text.isascii():
                    matches = literal_matches(text, group, ci)
                else:  # non-ASCII: the regex's own case folding decides (built once per apply)
                    if ci not in finders:
                        finders[ci] = value_regex(group, ci)
                    matches = regex_matches(finders[ci], text)
                for start, end in matches:
                    value = text[start:end]
                    label = lookup.get(value) or lookup.get(value.lower()) or "PERSON"
                    found.append(Span(start, end, label, self.spec.score))
            out.append(found)
        return out

    def _coordinated(self, text: str, spans: list[Span]) -> list[Span]:
        persons = [s for s in spans if s.label == "PERSON" and s.score >= self.spec.min_score]
        if not persons:
            return []
        out = []
        for m in LIST_RE.finditer(text, timeout=5):
            items = list(ITEM_RE.finditer(text, m.start(), m.end()))
            if not any(p.start < it.end() and it.start() < p.end for it in items for p in persons):
                continue
            for it in items:
                words = it.group(0).split()
                if all(w.lower() in self.stop or lexicon.zipf(w) >= COMMON_PART_ZIPF for w in words):
                    continue
                out.append(Span(it.start(), it.end(), "PERSON", self.spec.score))
        return out


def value_regex(values: set[str], case_insensitive: bool) -> regex.Pattern:
    """The reference matcher: an alternation of the values, longest first, outside words."""
    alt = "|".join(regex.escape(v) for v in sorted(values, key=len, reverse=True))
    flags = regex.IGNORECASE if case_insensitive else 0
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}_])(?:{alt})(?![\p{{L}}\p{{N}}_])", flags)


def regex_matches(pattern: regex.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text, timeout=5)]


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"  # ASCII only: the same set as [\p{L}\p{N}_]


def literal_matches(text: str, values: set[str], case_insensitive: bool) -> list[tuple[int, int]]:
    """``regex_matches(value_regex(values, ci), text)`` without compiling a regex, for ASCII ``text``
    and ``values`` only (there, IGNORECASE equals comparing ``str.lower``): at each start the longest
    value that matches outside words, leftmost first, non-overlapping, as the alternation does."""
    hay = text.lower() if case_insensitive else text
    n = len(text)
    best: dict[int, int] = {}
    for v in values:
        needle = v.lower() if case_insensitive else v
        size = len(needle)
        i = hay.find(needle)
        while i >= 0:
            end = i + size
            if (
                best.get(i, 0) < size
                and (i == 0 or not _word_char(text[i - 1]))
                and (end == n or not _word_char(text[end]))
            ):
                best[i] = size
            i = hay.find(needle, i + 1)
    out, pos = [], 0
    for start in sorted(best):
        if start >= pos:
            pos = start + best[start]
            out.append((start, pos))
    return out


UNIFIED = ("PERSON", "ORGANIZATION", "LOCATION", "NRP")


def unify_labels(texts: list[str], spans: list[list[Span]]) -> list[list[Span]]:
    """One entity, one label: a surface form (case-folded, possessive dropped) found under several of
    PERSON/ORGANIZATION/LOCATION/NRP in one document or conversation gets the label with the most
    occurrences (ties: the higher total score), so it gets one token everywhere."""
    votes: dict[str, dict[str, float]] = {}
    keyed = []
    for text, doc in zip(texts, spans, strict=True):
        for s in doc:
            if s.label in UNIFIED:
                key = POSSESSIVE_RE.sub("", text[s.start : s.end].strip()).casefold()
                keyed.append((s, key))
                v = votes.setdefault(key, {})
                v[s.label] = v.get(s.label, 0.0) + 1.0 + s.score / 100
    for s, key in keyed:
        if len(votes[key]) > 1:
            s.label = max(votes[key].items(), key=lambda kv: (kv[1], kv[0]))[0]
    return spans
