"""Thresholds, allow-list and the union overlap policy of transforms/detection/spans.py."""

from transforms.detection.spans import filter_spans, resolve_overlaps
from transforms.record import Span


def test_overlapping_spans_merge_to_union_with_best_label():
    merged = resolve_overlaps([Span(0, 10, "PERSON", 0.6), Span(5, 20, "LOCATION", 0.9), Span(30, 35, "EMAIL", 1.0)])
    assert [(s.start, s.end, s.label) for s in merged] == [(0, 20, "LOCATION"), (30, 35, "EMAIL")]


def test_nested_span_does_not_shrink_the_outer_one():
    merged = resolve_overlaps([Span(0, 30, "LOCATION", 0.5), Span(3, 8, "PERSON", 0.95)])
    assert [(s.start, s.end, s.label) for s in merged] == [(0, 30, "PERSON")]


def test_adjacent_spans_stay_separate():
    assert len(resolve_overlaps([Span(0, 5, "A", 1), Span(5, 9, "B", 1)])) == 2


def test_filter_thresholds_and_allow_list():
    text = "Acme met Bob"
    spans = [Span(0, 4, "ORGANIZATION", 0.9), Span(9, 12, "PERSON", 0.4), Span(9, 12, "NRP", 0.2)]
    kept = filter_spans(spans, text, default_threshold=0.3, thresholds={"PERSON": 0.5}, allow_list={"acme"})
    assert kept == []
