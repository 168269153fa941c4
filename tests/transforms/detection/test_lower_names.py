"""Common words taken as names in lowercase text (``lower_names``, method ``lower_common_words``).
Every string is invented for these tests."""

import pytest

from transforms.detection.guards import Guards
from transforms.detection.lower_names import common_lower_name
from transforms.detection.recognizer_config import MethodsSpec, load_recognizers_file

SPEC = load_recognizers_file(None).guards
STOP = {w.lower() for w in SPEC.stop_words}


@pytest.mark.parametrize(
    ("value", "before", "dropped"),
    [
        ("elbow", "my ", True),
        ("kettle", "the ", True),
        ("pond", "", True),
        ("cabinets", "the ", True),
        ("the gate", "", True),
        # kept: a first name, a rare word, a cued surname, a name after a relation, non-Latin, a mix
        ("derek", "ask ", False),
        ("wolstenholme", "", False),
        ("baker", "mr ", False),
        ("hunter", "its mrs ", False),
        ("ivy", "my partner ", False),
        ("cotton", "my partner ", False),
        ("Ольга", "", False),
        ("harrow plumbing", "", False),
        ("lucy brown", "", False),
    ],
)
def test_common_lower_name(value, before, dropped):
    assert common_lower_name(value, before, STOP, SPEC.common_word_min_zipf) is dropped


@pytest.mark.parametrize(
    ("value", "label", "analysis", "kept"),
    [
        ("kettle", "PERSON", "Kettle", False),  # common words that a surname list happens to hold
        ("kitchen sink", "PERSON", "Kitchen Sink", False),
        ("hammer", "ORGANIZATION", "Hammer", True),  # organisations are not judged by this rule
        ("derek", "PERSON", "Derek", True),
        ("wolstenholme", "PERSON", "Wolstenholme", True),
        # a capital the writer typed in a mostly lowercase segment is evidence: not this rule's to drop
        ("Hammer", "PERSON", "Hammer", True),
        # other labels are not judged by this rule
        ("paris", "LOCATION", "Paris", True),
    ],
)
def test_guard_in_lowercase_text(value, label, analysis, kept):
    on = Guards(SPEC)
    off = Guards(SPEC, MethodsSpec(lower_common_words=False))
    assert on.keep(value, label, False, analysis, "i fixed the ") is kept
    assert off.keep(value, label, False, analysis, "i fixed the ") is True


def test_cased_text_is_not_judged_by_this_rule():
    # in cased text a capitalized common word meets the other guards, not this one
    assert Guards(SPEC).keep("Kettle", "PERSON", True, None, "the ") == Guards(
        SPEC, MethodsSpec(lower_common_words=False)
    ).keep("Kettle", "PERSON", True, None, "the ")


@pytest.mark.parametrize(
    ("value", "before", "dropped"),
    [
        ("kettle", "put on the ", True),
        ("pond", "near our ", True),
        # no determiner: a bare common surname in a request stays a name
        ("kettle", "email ", False),
        ("pond", "", False),
    ],
)
def test_person_needs_a_determiner(value, before, dropped):
    assert common_lower_name(value, before, STOP, SPEC.common_word_min_zipf, "PERSON") is dropped


@pytest.mark.parametrize(
    ("value", "before", "after", "dropped"),
    [
        # review counter-examples: "its X" is "it's X" in chats; a frequent surname that is no everyday
        # word is a name; "the X family" names a family (invented strings)
        ("dawson", "hi its ", " from the lettings office", False),
        ("baxter", "yeah its ", " again about the boiler", False),
        ("hale", "ask the ", " family if they want the flat", False),
        ("webb", "ask the ", " account manager", False),
        ("kettle", "ask the ", " family if they want it", False),
        # still dropped: everyday words after a determiner
        ("ladder", "i fixed the ", " yesterday", True),
        ("kettle", "put on the ", " for me", True),
        ("fence", "paint the ", " first", True),
    ],
)
def test_review_surnames_its_and_families(value, before, after, dropped):
    assert common_lower_name(value, before, STOP, SPEC.common_word_min_zipf, "PERSON", after) is dropped


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("hi its dawson from the lettings office calling back", "dawson"),
        ("ask the hale family if they want the flat", "hale"),
    ],
)
def test_guard_keeps_review_names(text, name):
    start = text.index(name)
    end = start + len(name)
    args = (name, "PERSON", False, name.title(), text[max(0, start - 30) : start])
    assert Guards(SPEC).keep(*args, where=(text, start, end)) is True
