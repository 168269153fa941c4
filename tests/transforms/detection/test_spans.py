"""Overlap policy (union merge) and span filters."""

from transforms.detection.spans import filter_spans, resolve_overlaps
from transforms.record import Span


def test_overlapping_spans_merge_into_union_with_best_label():
    spans = [Span(0, 10, "PERSON", 0.6), Span(5, 20, "LOCATION", 0.9), Span(18, 25, "PERSON", 0.5)]
    merged = resolve_overlaps(spans)
    assert merged == [Span(0, 25, "LOCATION", 0.9)]


def test_tie_on_score_prefers_longer_then_label():
    merged = resolve_overlaps([Span(0, 4, "B", 0.8), Span(2, 12, "A", 0.8)])
    assert merged == [Span(0, 12, "A", 0.8)]
    merged = resolve_overlaps([Span(0, 4, "B", 0.8), Span(0, 4, "A", 0.8)])
    assert merged == [Span(0, 4, "B", 0.8)]


def test_touching_spans_stay_separate_and_input_is_not_mutated():
    spans = [Span(6, 9, "X", 0.5), Span(0, 6, "Y", 0.5)]
    merged = resolve_overlaps(spans)
    assert merged == [Span(0, 6, "Y", 0.5), Span(6, 9, "X", 0.5)]
    assert spans[0] == Span(6, 9, "X", 0.5)


def test_filter_thresholds_allow_list_and_empty_spans():
    text = "Anna met Bob"
    spans = [Span(0, 4, "PERSON", 0.9), Span(9, 12, "PERSON", 0.5), Span(5, 5, "X", 1.0)]
    kept = filter_spans(spans, text, default_threshold=0.35, thresholds={"PERSON": 0.6}, allow_list=set())
    assert kept == [Span(0, 4, "PERSON", 0.9)]
    kept = filter_spans(spans, text, default_threshold=0.35, thresholds={}, allow_list={"anna"})
    assert kept == [Span(9, 12, "PERSON", 0.5)]
