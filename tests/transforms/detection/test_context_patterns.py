"""Table-driven tests for the context patterns det-prose added to the recognizer YAML: phone numbers
after a request to call or before a type label (Presidio's context boost cannot see those words), and
a place with its postcode after a locative preposition. Strings are fresh, traps included."""

import pytest

from transforms.detection.guards import Guards
from transforms.detection.recognizer_config import load_recognizers_file
from transforms.detection.recognizers.patterns import build

RULES = load_recognizers_file(None)
REGIONS = RULES.predefined.params["PhoneRecognizer"]["supported_regions"]
GUARDS = Guards(RULES.guards, RULES.methods, REGIONS, RULES.location)


def _found(name: str, text: str) -> list[str]:
    rec = build(next(r for r in RULES.recognizers if r.name == name))
    out = []
    for r in rec.analyze(text, rec.supported_entities, None):
        if r.score >= 0.35 and GUARDS.check(text, r.start, r.end, r.entity_type):
            out.append(text[r.start : r.end])
    return out


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("ContextPhoneRecognizer", "Could you call me back on 372 5519 tomorrow?", ["372 5519"]),
        ("ContextPhoneRecognizer", "Please ring 0161 496 0733 after lunch.", ["0161 496 0733"]),
        ("ContextPhoneRecognizer", "Desk: 020 7946 0321 (office), home 01632 960 118", ["020 7946 0321"]),
        ("ContextPhoneRecognizer", "Reach us at 555 0142-mobile", ["555 0142"]),
        ("ContextPhoneRecognizer", "I will call at 10 30 tomorrow", []),  # a clock time, too few digits
        ("ContextPhoneRecognizer", "call back when BP is 140/90", []),  # a ratio
        ("ContextPhoneRecognizer", "Items 2400 2600 in stock", []),  # no context: stays at the low score
        # a name between the request and the number ("call <Name> at|on <number>")
        ("ContextPhoneRecognizer", "Call Ilse Varga at 555-0187 about the boiler.", ["555-0187"]),
        ("ContextPhoneRecognizer", "You can reach Dr. Haverkamp on 0161 496 0412.", ["0161 496 0412"]),
        ("ContextPhoneRecognizer", "Call Ilse at 10.30 tomorrow", []),  # a clock time
        ("ContextPhoneRecognizer", "Call Support at 2 pm.", []),  # one digit
        ("ContextPhoneRecognizer", "call the office at 5 30", []),  # lowercase words are not a name; too few digits
        ("ContextPhoneRecognizer", "We call Monday Tuesday Friday Sunday at 2020 3030", []),  # more than 3 words
        ("PostcodeRecognizer", "We opened offices in Kerava 04200 last spring.", ["Kerava 04200"]),
        ("PostcodeRecognizer", "The plant in Lahti 15140 was closed.", ["Lahti 15140"]),
        ("PostcodeRecognizer", "It was released in March 2020 to the public.", []),  # a year
        ("PostcodeRecognizer", "It ran in 2019 and scored 4470 points.", []),  # no place
        ("PostcodeRecognizer", "in Kerava 04200.5 units", []),  # a decimal, not a code
    ],
)
def test_context_patterns(name, text, expected):
    assert _found(name, text) == expected
