"""The address cores searched one at a time with word gates (``AddressRecognizer.core_matches``) find
exactly what the reference alternation (``c["core"].finditer``) finds, cased and lowercase, ASCII or not."""

from __future__ import annotations

import random

import pytest

from transforms.detection.recognizer_config import load_recognizers_file
from transforms.detection.recognizers.base import alternation_finditer
from transforms.detection.recognizers.patterns import build

SPEC = next(r for r in load_recognizers_file(None).recognizers if r.name == "AddressRecognizer")
REC = build(SPEC)
WORDS = [
    *["12", "221B", "7", "40", "1234567", "Baker", "baker", "Main", "de", "la", "the", "Paix", "O'Neil", "St.Ives"],
    *["Street", "STREET", "street", "St", "Rd", "Way", "well", "u", "Rue", "RUE", "Via", "ul", "al", "R"],
    *["Lindenstraße", "LINDENSTRASSE", "Bergweg", "Kiannonkatu", "Hauptstr", "Suite", "Apt.", "Box", "P.O."],
    *["corner", "of", "and", "APO", "AE", "PSC", "Unit", "café", "\u212aing", "Straße", "call", "Tel"],
]
GLUE = [" ", " ", " ", ", ", ".", "\n", "\t", "#", "-", "'", ""]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) + rng.choice(GLUE) for _ in range(rng.randint(0, 14)))


def _spans(matches) -> list:
    return [(m.span(), m.group(0)) for m in matches]


@pytest.mark.parametrize("kind", ["cased", "lower"])
def test_core_matches_equal_the_alternation_on_generated_texts(kind: str) -> None:
    c, rng, cores = getattr(REC, kind), random.Random(7), set()
    for _ in range(3000):
        text = _text(rng)
        ref = list(c["core"].finditer(text))
        cores.update(next(i for i, a in enumerate(c["alts"]) if a.match(text, m.start())) for m in ref)
        assert _spans(REC.core_matches(c, text)) == _spans(ref), text
    assert {1, 2, 3} <= cores  # the generated texts do reach every gated core


def test_the_gates_skip_only_cores_that_cannot_match() -> None:
    c = REC.cased
    assert REC._skipped(c, "Bring it to the well 12 times") == frozenset({3, 2})  # "well 12": after-word
    assert REC._skipped(c, "no numbers here at all") == frozenset({1, 2, 3})
    assert REC._skipped(c, "Lindenstraße 5") == frozenset()  # non-ASCII: every core runs


def test_alternation_finditer_is_leftmost_then_first_alternative() -> None:
    import regex

    alts = [regex.compile(r"ab"), regex.compile(r"abc"), regex.compile(r"b\w+")]
    text = "abc xbcd abcab"
    ref = regex.compile("|".join(f"(?:{a.pattern})" for a in alts)).finditer(text)
    assert _spans(alternation_finditer(alts, text, "t")) == _spans(ref)
    with pytest.raises(ValueError):
        alternation_finditer([regex.compile(r"x*")], "abc", "t")
