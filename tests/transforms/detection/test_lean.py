"""``LeanAnalyzer`` returns what ``AnalyzerEngine.analyze`` returns for the Detector's request shape.

Invented texts cover context words (scores raised by words before a result, and by the previous
turn's words passed as ``context``), overlapping results of several recognizers (duplicates of one
entity, contained spans), an entity selection, texts without any result and the whole-Detector path
with an allow list and per-entity thresholds (optimized path against the reference path).
"""

from __future__ import annotations

import pytest

from transforms.config import DetectionConfig
from transforms.detection.detector import Detector
from transforms.detection.lean import LeanAnalyzer

TEXTS = [
    "Call me on 415-555-0134 or my cell (415) 555-0199, thanks",
    "Her phone number is 020 7946 0958 and her email is ana.lopez@example.org",
    "Ticket 48213, case no. 77120: card 4111 1111 1111 1111 expires soon",
    "Margaret Wojcik from Krakow moved to 12 Baker Street, London NW1 6XE last year",
    "my ssn is 078-05-1120 and the routing number is 021000021",
    "IBAN GB82 WEST 1234 5698 7654 32, IP 198.51.100.23, visit www.example.com/help",
    "born on 3 March 1984, she turned 40; passport 912803456",
    "no numbers and nothing personal in this sentence at all",
    "",
    "Dr. Alan Whitfield, Whitfield & Sons Ltd, phone +44 20 7946 0018 ext 12",
]
CONTEXTS = [None, ["phone", "number"], ["my", "email", "address", "is"]]


def _plain(results) -> list:
    return [
        (r.entity_type, r.start, r.end, round(r.score, 9), dict(r.recognition_metadata or {}), r.analysis_explanation)
        for r in results
    ]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(DetectionConfig())


@pytest.mark.parametrize("entities", [None, ["PHONE_NUMBER", "PERSON", "EMAIL_ADDRESS", "CREDIT_CARD"]])
def test_same_results_as_presidio(detector, entities):
    engine = detector.engine
    lean = LeanAnalyzer(engine, "en", entities)
    nlp = engine.nlp_engine
    compared = 0
    for text in TEXTS:
        for context in CONTEXTS:
            expected = engine.analyze(
                text=text,
                language="en",
                entities=entities,
                nlp_artifacts=nlp.process_text(text, "en"),
                context=context,
            )
            got = lean.analyze(text, nlp.process_text(text, "en"), context)
            assert _plain(got) == _plain(expected)
            compared += len(expected)
    assert compared > 40  # the table really produces results


def test_overlapping_results_are_deduplicated_alike(detector):
    """Two recognizers find the same phone number (Presidio's and the YAML's context phone pattern):
    the one kept, and so the recognizer name the guards read, is the same."""
    engine = detector.engine
    text = "phone 415-555-0134, phone 415 555 0134 and +1 415 555 0134"
    expected = engine.analyze(text=text, language="en", nlp_artifacts=engine.nlp_engine.process_text(text, "en"))
    got = LeanAnalyzer(engine).analyze(text, engine.nlp_engine.process_text(text, "en"))
    assert _plain(got) == _plain(expected)
    assert len({r.recognition_metadata["recognizer_name"] for r in got}) >= 1


def test_without_artifacts_runs_spacy_like_presidio(detector):
    engine = detector.engine
    text = "Margaret Wojcik called from 415-555-0134"
    expected = engine.analyze(text=text, language="en")
    assert _plain(LeanAnalyzer(engine).analyze(text)) == _plain(expected)


def test_detector_allow_list_and_thresholds_match_reference():
    cfg = DetectionConfig(
        context_lemmas="tagger",  # exact lemmas: the reference path runs the tagger
        allow_list=["Margaret Wojcik", "www.example.com/help"],
        thresholds={"PHONE_NUMBER": 0.5},
    )
    reference, fast = Detector(cfg, optimized=False), Detector(cfg)
    assert reference._lean is None and fast._lean is not None
    want = [[(s.start, s.end, s.label, round(s.score, 6)) for s in reference.detect(t)] for t in TEXTS]
    got = [[(s.start, s.end, s.label, round(s.score, 6)) for s in r] for r in fast.detect_many(TEXTS)]
    assert got == want
    assert sum(map(len, want)) > 15
