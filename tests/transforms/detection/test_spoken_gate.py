"""``SpokenEmailRecognizer`` skips texts without a match of its pattern's tail (at-form, domain, dot form,
TLD): the same results as the full scan on generated texts (differential test)."""

from __future__ import annotations

import random

from transforms.detection.recognizer_config import load_recognizers_file
from transforms.detection.recognizers.patterns import build

PIECES = ["john", "Lena", "vik_2", "smith", " dot ", " DOT ", " at ", " AT ", "@", "\uff20", " @ ", "(at)", "[at]",
          " { dot } ", "(dot)", ".", " . ", "\u3002", "example", "gmail", "com", "org", "net", "co", "uk", " ",
          "\n", "underscore", " dash ", "-", "_", "meet me at the", "that", "at", "dot", "comma"]  # fmt: skip


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))) for _ in range(count)]


def _spans(recognizer, text):
    return [(r.start, r.end, r.score) for r in recognizer.analyze(text, ["EMAIL_ADDRESS"])]


def test_tail_gate_keeps_every_match():
    spec = next(s for s in load_recognizers_file(None).recognizers if s.name == "SpokenEmailRecognizer")
    gated = build(spec)
    ungated = build(spec)
    ungated._has_tail = lambda text: True  # the full scan on every text
    found = skipped = 0
    for text in _texts(8, 3000):
        expected = _spans(ungated, text)
        assert _spans(gated, text) == expected, text
        found += len(expected)
        skipped += not gated._has_tail(text)
    assert found > 50 and skipped > 50, (found, skipped)  # both paths are exercised
