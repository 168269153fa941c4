"""Document- and conversation-level propagation (Beam-free).

A value detected with score >= ``min_score`` for a propagated entity (default PERSON) is searched in
every text of the same document or conversation and each other occurrence becomes a span too: other
casing, possessives ("Smith's"), and, for person names, the first or last name alone after the full
name. Name parts that are common words (e.g. "Grant", "Rose") are matched case-sensitively only, so
"rose" the flower stays; rare parts match in any casing. Speaker labels of a conversation that are
names (not generic roles) are propagated into its turns as PERSON values.

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
        patterns = []
        for ci in (True, False):
            group = sorted({v for (v, c) in values if c is ci}, key=len, reverse=True)
            if group:
                alt = "|".join(regex.escape(v) for v in group)
                flags = regex.IGNORECASE if ci else 0
                patterns.append(regex.compile(rf"(?<![\p{{L}}\p{{N}}_])(?:{alt})(?![\p{{L}}\p{{N}}_])", flags))
        lookup = {(v.lower() if c else v): label for (v, c), label in values.items()}
        spans = [doc_spans + self._coordinated(text, doc_spans) for text, doc_spans in zip(texts, spans, strict=True)]
        out = []
        for text, doc_spans in zip(texts, spans, strict=True):
            found = list(doc_spans)
            for pat in patterns:
                for m in pat.finditer(text, timeout=5):
                    label = lookup.get(m.group(0)) or lookup.get(m.group(0).lower()) or "PERSON"
                    found.append(Span(m.start(), m.end(), label, self.spec.score))
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
