"""The lean pattern loop (``lean_patterns``) returns what Presidio's ``PatternRecognizer.analyze`` returns:
same results, scores, metadata and explanations, in the same order, for every plain pattern recognizer."""

from __future__ import annotations

import pytest
from presidio_analyzer import PatternRecognizer

from transforms.config import DetectionConfig
from transforms.detection.analyzer import build_analyzer
from transforms.detection.lean_patterns import install, lean_analyze, plain
from transforms.detection.recognizer_config import load_recognizers_file

TEXTS = [
    "",
    "nothing to see here",
    "Card 4111 1111 1111 1111 and 4111 1111 1111 1112, IBAN GB82 WEST 1234 5698 7654 32, ssn 536-90-4399.",
    "Mail jane.doe@example.com or visit www.example.co.uk and https://example.org/x?y=1 from 192.168.0.1",
    "claim number: 7731-5520, case no. 88-1234, born on 3 March 1990, the 5th of May, NHS 943 476 5919",
    "Acme Holdings Ltd hired Dr. Smith on 2021-03-04T10:00:00Z; passport 912803456; MAC 00:1B:44:11:3A:B7",
]


@pytest.fixture(scope="module")
def recognizers():
    engine, _ = build_analyzer(DetectionConfig(), load_recognizers_file(None), optimized=False)
    return [r for r in engine.registry.recognizers if plain(r)]


def _view(results) -> list:
    return [
        (r.entity_type, r.start, r.end, r.score, r.recognition_metadata, vars(r.analysis_explanation)) for r in results
    ]


def test_lean_loop_equals_presidios(recognizers) -> None:
    assert len(recognizers) > 20
    matched = 0
    for r in recognizers:
        lean = lean_analyze(r)
        for text in TEXTS:
            ref = PatternRecognizer.analyze(r, text, r.supported_entities)
            matched += len(ref)
            assert _view(lean(text, r.supported_entities)) == _view(ref), (r.name, text)
    assert matched > 10


def test_install_skips_recognizers_with_their_own_analyze(recognizers) -> None:
    from presidio_analyzer.predefined_recognizers import IbanRecognizer

    iban = IbanRecognizer()
    assert not plain(iban)
    assert install([iban]) == []
    r = recognizers[0]
    assert plain(r) and install([r]) == [r.name] and not plain(r)  # installed once, never wrapped twice
