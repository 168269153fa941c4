"""Token-level label probabilities -> character spans (Beam-free, numpy only).

Subword tokens are first aggregated per word (``first``: the word takes its first subword's label;
``max``: the label of its most confident subword), then words are grouped into entities by their BIO /
BILOU / IOBES prefixes. Offsets come from the tokenizer's offset mapping into the original text, so a
span covers exactly the characters of its first and last word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from transforms.detection.engines.base import NerHit

_BEGIN = {"B", "U", "S"}  # start a new entity
_END = {"L", "E", "U", "S"}  # close the entity after this word


@dataclass(frozen=True, slots=True)
class Tag:
    prefix: str  # "B", "I", "L", "E", "U", "S", or "" (no prefix), or "O"
    entity: str  # model entity type, "" for O


def parse_tag(label: str) -> Tag:
    """``B-PER`` -> (B, PER); ``O`` -> (O, ""); ``PER`` (no prefix) -> ("", PER)."""
    if label in ("O", ""):
        return Tag("O", "")
    head, sep, rest = label.partition("-")
    if sep and head.upper() in {"B", "I", "L", "E", "U", "S"} and rest:
        return Tag(head.upper(), rest)
    return Tag("", label)


def entity_types(id2label: dict[int, str]) -> set[str]:
    """The model's entity types (prefixes stripped, O excluded)."""
    return {t.entity for t in map(parse_tag, id2label.values()) if t.entity}


def words(word_ids: Sequence[int | None]) -> list[tuple[int, int]]:
    """Token index ranges [a, b) of consecutive tokens sharing a word id (None: a word of its own)."""
    out: list[tuple[int, int]] = []
    for i, w in enumerate(word_ids):
        if out and w is not None and word_ids[i - 1] == w:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def aggregate(
    probs: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    word_ids: Sequence[int | None],
    tags: Sequence[Tag],
    strategy: str = "first",
) -> list[tuple[int, int, str, float]]:
    """(start, end, model entity, mean word score) per entity. ``probs``: [tokens, labels] softmax."""
    spans: list[tuple[int, int, str, float]] = []
    current: list | None = None  # [start, end, entity, scores]
    for a, b in words(word_ids):
        tok = a + int(np.argmax(probs[a:b].max(axis=1))) if strategy == "max" else a
        label = int(np.argmax(probs[tok]))
        score, tag = float(probs[tok, label]), tags[label]
        start, end = offsets[a][0], offsets[b - 1][1]
        if tag.prefix == "O" or end <= start:
            current = _close(spans, current)
            continue
        if current is None or tag.prefix in _BEGIN or tag.entity != current[2]:
            current = _close(spans, current)
            current = [start, end, tag.entity, [score]]
        else:
            current[1] = end
            current[3].append(score)
        if tag.prefix in _END:
            current = _close(spans, current)
    _close(spans, current)
    return spans


def _close(spans: list, current: list | None) -> None:
    if current is not None:
        spans.append((current[0], current[1], current[2], sum(current[3]) / len(current[3])))
    return None


def trim(text: str, hits: list[NerHit]) -> list[NerHit]:
    """Hits without leading/trailing whitespace (byte-level tokenizers without ``trim_offsets`` count
    the space before a word as part of it); a hit of whitespace only is dropped."""
    out = []
    for h in hits:
        start, end = h.start, h.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            out.append(h if (start, end) == (h.start, h.end) else NerHit(start, end, h.label, h.score))
    return out


def to_hits(spans: list[tuple[int, int, str, float]], label_map: dict[str, str], threshold: float) -> list[NerHit]:
    """Map model entity types to canonical entities; unmapped (ignored) types and weak spans are dropped."""
    return [
        NerHit(s, e, label_map[ent], round(score, 6))
        for s, e, ent, score in spans
        if ent in label_map and score >= threshold
    ]
