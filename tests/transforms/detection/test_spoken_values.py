"""Values read out one by one in speech (``spoken_values``, method ``spoken_values``). Every string is
invented for these tests."""

import pytest

from transforms.detection.cue_forms import cue_spans
from transforms.detection.recognizer_config import MethodsSpec
from transforms.detection.spoken_values import spoken_value_spans
from transforms.record import Span


def _found(text, spans=()):
    return [(text[s.start : s.end], s.label) for s in spoken_value_spans(text, list(spans))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("caller: the order is three eight eight one five", [("three eight eight one five", "ID")]),
        ("yes its q d seven seven two zero", [("q d seven seven two zero", "ID")]),
        (
            "ref c for charlie h for hotel two double five one",
            [("c for charlie h for hotel two double five one", "ID")],
        ),
        ("that was a nine oh four two", [("nine oh four two", "ID")]),  # the article "a" is not a letter
        ("its 4 4 1 9 and then a", [("4 4 1 9", "ID")]),
        ("could you spell that\nsure v a s q u e z hyphen l o w e", [("v a s q u e z hyphen l o w e", "PERSON")]),
        ("the email is t o m b at the usual place", [("t o m b", "ID")]),
        # negatives: quantities, emergency numbers, times, a spelled acronym without a cue, pronouns, cased
        ("we need two or three of those by nine", []),
        ("dial nine one one now", []),
        ("between eight and one on friday", []),
        ("i watched the b b c news", []),
        ("i m a fan of it", []),
        ("Options A B C D are listed", []),
        ("Page 4 5 6 of the report", []),
    ],
)
def test_spoken_values(text, expected):
    assert _found(text) == expected


def test_a_covering_span_is_not_duplicated():
    text = "call me on seven seven zero one five five"
    covering = Span(11, len(text), "PHONE_NUMBER", 0.6)
    assert spoken_value_spans(text, [covering]) == [covering]


def test_switch_in_cue_spans():
    text = "its q d seven seven two zero"
    assert [s.label for s in cue_spans(text, [], MethodsSpec(), set(), frozenset())] == ["ID"]
    assert cue_spans(text, [], MethodsSpec(spoken_values=False), set(), frozenset()) == []
