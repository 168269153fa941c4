"""The propagation fast path (``literal_matches``) finds exactly what the reference alternation regex
(``value_regex``) finds, and ``Propagator.apply`` falls back to the regex for non-ASCII text."""

from __future__ import annotations

import random

from transforms.detection.propagation import literal_matches, regex_matches, value_regex

PIECES = ["Ann", "ann", "ANN", "Anna", "Annabel", "Lee", "lee", "O'Neil", "Mc-Kay", "Jo", "Jo Ann", "Dr."]
GLUE = [" ", "  ", ", ", ".", "_", "-", "'", "s", "1", "x", "\n", "'s ", "A", "(", ")", ""]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(GLUE) for _ in range(rng.randint(0, 12)))


def test_literal_matches_equal_the_regex_on_generated_ascii_inputs() -> None:
    rng = random.Random(11)
    for _ in range(4000):
        text = _text(rng)
        values = set(rng.sample(PIECES, rng.randint(1, 5))) | {rng.choice(PIECES) + rng.choice(GLUE).strip()}
        values.discard("")
        for ci in (True, False):
            assert literal_matches(text, values, ci) == regex_matches(value_regex(values, ci), text), (text, values, ci)


def test_longest_value_wins_and_matches_do_not_overlap() -> None:
    values = {"Jo", "Jo Ann", "Ann"}
    text = "jo ann and Jo, Ann_x ann Ann"  # "_" is a word character: "Ann_x" holds no value
    assert literal_matches(text, values, True) == [(0, 6), (11, 13), (21, 24), (25, 28)]
    assert literal_matches(text, values, False) == [(11, 13), (25, 28)]


def test_apply_uses_the_regex_for_non_ascii_text() -> None:
    from transforms.detection.propagation import Propagator
    from transforms.detection.recognizer_config import PropagationSpec
    from transforms.record import Span

    prop = Propagator(PropagationSpec(), [])
    # the Kelvin sign folds to "k" under the regex's IGNORECASE but not under str.lower
    text = "Kirk met \u212airk and KIRK."
    spans = prop.apply([text], [[Span(0, 4, "PERSON", 0.99)]])[0]
    got = sorted({(s.start, s.end) for s in spans})
    assert got == sorted({(0, 4)} | set(regex_matches(value_regex({"Kirk"}, True), text)))
    assert (9, 13) in got
