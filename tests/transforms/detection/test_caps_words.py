"""Shouted headings of ordinary English words (``caps_words``, method ``caps_derived_words``). Every string
is invented for these tests."""

import pytest

from transforms.detection.blocks import contact_block_spans
from transforms.detection.caps_words import shouted_ordinary
from transforms.detection.guards import Guards
from transforms.detection.recognizer_config import MethodsSpec, load_recognizers_file
from transforms.record import Span

SPEC = load_recognizers_file(None).guards
STOP = {w.lower() for w in SPEC.stop_words}


@pytest.mark.parametrize(
    ("value", "ordinary"),
    [
        ("NOTICE OF DISCONTINUATION", True),
        ("DISCONTINUATION ADVISEMENT", True),
        ("FILE REF AND REVALIDATION", True),  # "file" is a Census surname, but English uses it as a word
        ("ITEMISED STATEMENT", True),
        # kept: no derived word (the older guard's business), a name, an unknown word, a brand-like word
        ("ANNUAL REPORT", False),
        ("JOHNSON VERIFICATION", False),
        ("QUELLBRIDGE REGISTRATION", False),
        ("MARGARET ABERNATHY", False),
        ("", False),
    ],
)
def test_shouted_ordinary(value, ordinary):
    assert shouted_ordinary(value, STOP) is ordinary


def test_guard_drops_only_in_all_caps_segments_and_with_the_switch():
    on, off = Guards(SPEC), Guards(SPEC, MethodsSpec(caps_derived_words=False))
    value = "NOTICE OF DISCONTINUATION"
    assert on.keep(value, "ORGANIZATION", False, value.title(), "", upper=True) is False
    assert off.keep(value, "ORGANIZATION", False, value.title(), "", upper=True) is True
    # an organisation head keeps it ("...COUNCIL" is a body, not a heading)
    head = "REGISTRATION COUNCIL"
    assert on.keep(head, "ORGANIZATION", False, head.title(), "", upper=True) is True


def test_contact_block_heading():
    text = "DISCONTINUATION ADVISEMENT\nQuellbridge Ltd\n12 Orrin Street, Yelton YT4 9QQ\n"
    anchor = Span(text.index("12 Orrin"), len(text) - 1, "LOCATION", 0.85)
    found = [text[s.start : s.end] for s in contact_block_spans(text, [anchor], STOP, ordinary_caps=True)]
    old = [text[s.start : s.end] for s in contact_block_spans(text, [anchor], STOP)]
    assert "DISCONTINUATION ADVISEMENT" not in found and "Quellbridge Ltd" in found
    assert "DISCONTINUATION ADVISEMENT" in old
