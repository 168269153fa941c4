"""``span_cuts.cut_spans``: which labels are cut, and that a span never loses all of its pieces.

Strings are written for these tests (fictional names and forms), not taken from any corpus."""

import pytest

from transforms.detection.span_cuts import CUT_LABELS, cut_spans
from transforms.record import Span


def _cut(text, value, label):
    start = text.index(value)
    return [(text[s.start : s.end], s.label) for s in cut_spans(text, [Span(start, start + len(value), label, 0.8)])]


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("Ref: QX-4471     Bay: 7", "QX-4471     Bay", "ID"),  # a recognizer's match is not cut
        ("Seen 2021-03-04\tWard: 2", "2021-03-04\tWard", "DATE_TIME"),
        ("Ring 0161 496 0321\n  Ext: 4", "0161 496 0321\n  Ext", "PHONE_NUMBER"),
    ],
)
def test_non_ner_labels_stay_whole(text, value, label):
    assert label not in CUT_LABELS
    assert _cut(text, value, label) == [(value, label)]


@pytest.mark.parametrize("label", sorted(CUT_LABELS - {"LOCATION"}))
def test_ner_labels_are_cut_at_gaps(label):
    text = "Name: Ivo Pranjic     Bed: 4"
    assert _cut(text, "Ivo Pranjic     Bed", label) == [("Ivo Pranjic", label)]


@pytest.mark.parametrize(
    ("text", "value", "first"),
    [
        ("Room:  Ward:  Bay: 3", "Room:  Ward", "Room:"),  # every piece is a field label
        ("NOTES\nHISTORY\n", "NOTES\nHISTORY", "NOTES"),  # every piece is a whole line of common words
    ],
)
def test_a_span_never_loses_all_pieces(text, value, first):
    got = cut_spans(text, [Span(text.index(value), text.index(value) + len(value), "PERSON", 0.8)])
    assert len(got) == 1
    assert text[got[0].start : got[0].end] == first
    assert got[0].score < 0.8  # kept at the local score: too weak to propagate


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        # a line break and the indentation after it are not a column gap for the multi-line label
        ("Deliver to:\n  14 Hollin Lane\n  Marrowby\n", "14 Hollin Lane\n  Marrowby", ["14 Hollin Lane\n  Marrowby"]),
        ("Deliver to:\n\t14 Hollin Lane\n\tMarrowby\n", "14 Hollin Lane\n\tMarrowby", ["14 Hollin Lane\n\tMarrowby"]),
        # a gap inside one line still is
        ("14 Hollin Lane    Phone: 5", "14 Hollin Lane    Phone", ["14 Hollin Lane"]),
    ],
)
def test_location_line_breaks_with_indentation_are_not_gaps(text, value, expected):
    assert [v for v, _ in _cut(text, value, "LOCATION")] == expected
