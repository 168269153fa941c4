"""Usernames in forum/comment bylines (``bylines``, method ``byline_handles``). Every string is invented
for these tests."""

import pytest

from transforms.detection.bylines import byline_spans
from transforms.detection.cue_forms import cue_spans
from transforms.detection.recognizer_config import MethodsSpec
from transforms.record import Span


def _ids(text, spans=()):
    return [text[s.start : s.end] for s in byline_spans(text, list(spans)) if s.label == "ID"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  marsh_wren  ·  Level 4  ·  02-05-2030\n  try a factory reset", ["marsh_wren"]),
        ("Lovely staff, slow lifts - tidy_tortoise · 5 days ago\nwould go again", ["tidy_tortoise"]),
        ("thanks all\n\n  NeverEnoughTeaPlease\n  same here, no luck", ["NeverEnoughTeaPlease"]),
        ("Re: Otter_On_Ice  ·  Moderator\n  Closing this thread.", ["Otter_On_Ice"]),
        ("  QuietHarbour  ·  Top Contributor\n  restart the hub", ["QuietHarbour"]),
        ("agree with the above\nbluefin42\nme too", ["bluefin42"]),
        # negatives: product names, code identifiers alone, constants, files, plain names and words
        ("Open the deck in PowerPoint\nPowerPoint\nthen save", []),
        ("Set the option\nretry_limit\nto five", []),
        ("Release notes\nCOVID19\nupdate", []),
        ("see\nsettings.yaml\nfor details", []),
        ("Best wishes\nMarta\n", []),
        ("Priya · 2 days ago\nnice place", []),
        ("Section 3\nsummary", []),
    ],
)
def test_byline_handles(text, expected):
    assert _ids(text) == expected


def test_a_name_span_inside_the_handle_becomes_the_handle():
    text = "  Otter_On_Ice  ·  Moderator\n  ok"
    spans = byline_spans(text, [Span(2, 7, "PERSON", 0.85)])
    assert [(text[s.start : s.end], s.label) for s in spans] == [("Otter_On_Ice", "ID")]


def test_switch_in_cue_spans():
    text = "  marsh_wren  ·  Level 4\n  hi"
    assert [s.label for s in cue_spans(text, [], MethodsSpec(), set(), frozenset())] == ["ID"]
    assert cue_spans(text, [], MethodsSpec(byline_handles=False), set(), frozenset()) == []
