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


@pytest.mark.parametrize(
    ("option", "words", "text"),
    [
        ("street_word_endings", [], "Meet at Baker 12 today"),  # an empty list: its core needs no street word
        ("street_words_before", [], "ship to 5 Foo 12 now"),
        ("street_words_after", ["Bulvar\u0131"], "Meet at Ataturk BULVARI 12 today"),  # V1 folds \u0131 onto I
    ],
)
def test_custom_word_lists_keep_the_reference_matches(option: str, words: list[str], text: str) -> None:
    from transforms.detection.recognizers.address import AddressRecognizer

    rec = AddressRecognizer("AddressRecognizer", "ADDRESS", {**SPEC.options, option: words})
    c = rec.cased
    ref = _spans(c["core"].finditer(text))
    assert ref  # the reference does match here
    assert _spans(rec.core_matches(c, text)) == ref


def test_alternation_finditer_keeps_one_time_budget(monkeypatch, caplog) -> None:
    """Every search of the alternatives shares the reference's single timeout: four alternatives that
    each fit in the budget alone but not together time out with the warning, like the reference's one
    finditer (giving each search the whole budget returned no warning)."""
    import time

    import regex

    from transforms.detection.recognizers import base

    text = "a" * 24 + "c"
    slow = regex.compile(r"(?:(?:a|aa)+)+b")
    start = time.monotonic()
    assert slow.search(text, timeout=30) is None
    alone = time.monotonic() - start
    monkeypatch.setattr(base, "TIMEOUT_SECONDS", 1.6 * alone)  # one alone fits; four together do not
    alts = [regex.compile(slow.pattern + s) for s in ("1", "2", "3", "4")]
    with caplog.at_level("WARNING"):
        assert alternation_finditer(alts, text, "slow") == []
    assert any("timed out" in r.getMessage() for r in caplog.records)
