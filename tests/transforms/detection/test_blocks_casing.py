"""Contact blocks, list coordination, and length-preserving casing for NER."""

import pytest

from transforms.detection.blocks import contact_block_spans
from transforms.detection.propagation import Propagator
from transforms.detection.recognizer_config import PropagationSpec
from transforms.detection.truecase import decapitalize_shouting, truecase
from transforms.record import Span


def _vals(text, spans):
    return sorted(text[s.start : s.end] for s in spans)


def test_contact_block_lines_next_to_an_address():
    text = "Katrina Holloway\nBrightwater Analytics\n72 Acheron Road\nLeeds\n\nMobile:\nThanks"
    addr = text.index("72 Acheron Road")
    spans = [Span(addr, addr + len("72 Acheron Road\nLeeds"), "LOCATION", 0.7)]
    found = contact_block_spans(text, spans, set())
    assert _vals(text, found) == ["Brightwater Analytics", "Katrina Holloway"]
    assert {s.label for s in found} == {"PERSON", "ORGANIZATION"}


@pytest.mark.parametrize(
    "text",
    [
        "Shipping Details\nOrder Summary\nTotal",  # no anchor span in the block
        "Personal Info\nHome Address\n12 Main Street",  # only common-word headings
    ],
)
def test_contact_block_negative(text):
    spans = []
    if "12 Main" in text:
        i = text.index("12 Main")
        spans = [Span(i, len(text), "LOCATION", 0.7)]
    assert contact_block_spans(text, spans, set()) == []


def test_coordinated_list_items_follow_a_detected_person():
    text = "Our founders: Monjeau, Graves and Ruelle. Tables, Chairs and Lamps."
    p = Propagator(PropagationSpec(entities=["PERSON"]), [])
    i = text.index("Monjeau")
    out = p.apply([text], [[Span(i, i + 7, "PERSON", 0.85)]])[0]
    values = _vals(text, out)
    assert "Ruelle" in values and "Monjeau" in values
    assert "Tables" not in values and "Lamps" not in values


def test_truecasing_is_length_preserving_and_targets_names():
    text = "how old is tom hanks and will it rain"
    out = truecase(text, ["will", "it", "is", "and"], 5.0)
    assert len(out) == len(text)
    assert "Hanks" in out and "will" in out


def test_decapitalize_shouting():
    assert decapitalize_shouting("He grew up in HELSINKI near the USA") == "He grew up in Helsinki near the USA"
    assert decapitalize_shouting("ALL CAPS TEXT STAYS") == "ALL CAPS TEXT STAYS"


def test_contact_block_needs_its_anchor_on_a_short_line():
    text = "DISCHARGE SUMMARY\nShe grew up in Tampere and moved here with her family after the war ended."
    place = text.index("Tampere")
    spans = [Span(place, place + len("Tampere"), "LOCATION", 0.85)]
    assert contact_block_spans(text, spans, set()) == []
