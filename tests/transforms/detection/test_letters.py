"""``letter_counts`` equals the per-character ``isalpha``/``isupper`` counts; the casing memo answers as
the uncached check does."""

from __future__ import annotations

import random

import pytest

from transforms.detection.letters import letter_counts
from transforms.detection.recognizers import persons

ALPHABETS = [
    "".join(map(chr, range(128))),  # every ASCII character, controls included
    "abcXYZ 019.,;'\n\t",
    "abc ÉéßİıǅⅫⓐＡａ٣ΣσΩ日本 Ĳ \u017f\u212a",  # accents, titlecase, letter-like symbols, full-width, other scripts
]


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(rng.choice(ALPHABETS)) for _ in range(rng.randint(0, 80))) for _ in range(count)]


def test_counts_equal_per_character_counts():
    for text in [*_texts(1, 3000), "", "I", "HELLO world", "ǅemal"]:
        assert letter_counts(text) == (sum(c.isalpha() for c in text), sum(c.isupper() for c in text)), text


@pytest.mark.parametrize("ratio", [0.0, 0.02, 0.3])
def test_memo_answers_like_the_check(ratio):
    texts = [*_texts(2, 300), "i met john smith in paris", "I met John Smith in Paris", "ALL CAPS HERE"]
    for text in texts + texts:  # the second round is answered from the memo when still held
        assert persons.is_lowercase_text(text, ratio) == persons._is_lowercase_text(text, ratio), text
    assert len(persons._LOWER_MEMO) <= 32
