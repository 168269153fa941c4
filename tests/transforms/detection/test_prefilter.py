"""The digit gate: ``needs_digit`` reads a pattern right, and a gated recognizer never finds anything in a
text without digits (so skipping it there changes nothing)."""

from __future__ import annotations

import re

import pytest

from tests.bench.corpus_loader import bench_module
from transforms.detection.prefilter import digit_gate, needs_digit


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\d{3}", True),
        (r"[0-9]+", True),
        (r"(?<=no\.)\d", True),
        (r"(?=\d)a", True),  # a positive lookahead: the text must hold the digit
        (r"(?:x\d|\dy)", True),
        (r"[\p{L}\d]+\d", True),
        (r"(a)(?(1)\d|\d)", True),
        (r"(?i)\b(?:case|file)\s*\d{2,}", True),
        (r"a|\d", False),
        (r"\d?", False),
        (r"\d*x", False),
        (r"[^0-9]", False),
        (r"[\da]", False),
        (r"(?!\d)a", False),  # a negative lookahead needs nothing
        (r"\p{N}", False),  # a property the gate does not read
        (r"(a)?(?(1)\d)", False),
        (r"(?:\d{3}){e<=1}", False),  # fuzzy matching: an error may replace the digits
        (r"\K\d", False),  # syntax the stdlib parser refuses
    ],
)
def test_needs_digit(pattern, expected):
    assert needs_digit(pattern) is expected


def test_gated_recognizers_find_nothing_without_digits():
    """Every recognizer the gate accepts, run ungated on digit-free versions of the bench texts, finds
    nothing; and the gate does skip them there."""
    from transforms.config import DetectionConfig
    from transforms.detection.analyzer import build_analyzer

    engine, _ = build_analyzer(DetectionConfig(), optimized=False)
    corpus = bench_module("corpus").generate(60, seed=5)
    texts = [re.sub(r"\d", "", t) for t in corpus.texts()]
    texts += [re.sub(r"\d", "O", t) for t in corpus.texts()[:40]]  # digits read as letters
    gated = 0
    for r in engine.registry.recognizers:
        plain = r.analyze
        if not digit_gate(r):
            continue
        gated += 1
        for text in texts:
            assert plain(text, [r.supported_entities[0]], None) == [], r.name
        assert r.analyze("no digit here", [r.supported_entities[0]], None) == []
    assert gated >= 10
