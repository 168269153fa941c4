"""Span post-processing (Beam-free): thresholds, allow-list, and the overlap policy.

Overlap policy (leak-safe): overlapping or touching-by-overlap spans are merged into one span covering
their union; the merged span takes the label of the highest-scoring member (ties: the longer span,
then label name). Redacting the union never leaves part of a detected value readable.
"""

from __future__ import annotations

from collections.abc import Iterable

from transforms.record import Span


def filter_spans(
    spans: Iterable[Span],
    text: str,
    *,
    default_threshold: float,
    thresholds: dict[str, float],
    allow_list: set[str],
) -> list[Span]:
    kept = []
    for s in spans:
        if s.end <= s.start:
            continue
        if s.score < thresholds.get(s.label, default_threshold):
            continue
        if allow_list and text[s.start : s.end].strip().casefold() in allow_list:
            continue
        kept.append(s)
    return kept


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Merge overlapping spans into their union (see module docstring)."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    for s in ordered:
        if merged and s.start < merged[-1].end:
            cur = merged[-1]
            if _rank(s) > _rank(cur):
                cur.label, cur.score = s.label, s.score
            cur.end = max(cur.end, s.end)
        else:
            merged.append(Span(s.start, s.end, s.label, s.score))
    return merged


def _rank(s: Span) -> tuple[float, int, str]:
    return (s.score, s.end - s.start, s.label)
