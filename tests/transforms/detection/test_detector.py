"""Detector behaviour on the real pinned model: propagation, transcripts, guards, chunking, fail-closed."""

from __future__ import annotations

import pytest

from transforms import reasons
from transforms.config import DetectionConfig, load_config
from transforms.detection.detector import Detector
from transforms.errors import RecordError


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(load_config(None).detection)


def values(text: str, spans) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def covered(text: str, spans, value: str, start: int = 0) -> bool:
    i = text.index(value, start)
    return any(s.start <= i and i + len(value) <= s.end for s in spans)


def test_conversation_propagation_spans_all_turns(detector):
    turns = [
        "Hello, my name is Helena Vollmer and I need help with an order.",
        "Thanks Helena, let me check.",
        "vollmer is the surname on the account, and HELENA is fine too",
    ]
    spans = detector.detect_turns(turns)
    assert covered(turns[0], spans[0], "Helena Vollmer")
    assert covered(turns[1], spans[1], "Helena")
    assert covered(turns[2], spans[2], "vollmer")
    assert covered(turns[2], spans[2], "HELENA")


def test_speaker_names_propagate_into_turns(detector):
    turns = ["Can you call me back?", "Sure Oskar, tomorrow at nine."]
    spans = detector.detect_turns(turns, ["Oskar Lindqvist", "agent"])
    assert covered(turns[1], spans[1], "Oskar")


def test_document_propagation_possessive_and_parts(detector):
    text = "Dr. Ingrid Vestergaard signed the form. Later Vestergaard's assistant called Ingrid."
    spans = detector.detect(text)
    assert covered(text, spans, "Ingrid Vestergaard")
    assert covered(text, spans, "Vestergaard", text.index("Later"))
    assert covered(text, spans, "Ingrid", text.index("called"))


def test_common_word_name_parts_match_only_capitalized(detector):
    text = "Contact Dr. Rose Halvorsen today. She put a rose on the desk."
    spans = detector.detect(text)
    assert covered(text, spans, "Rose Halvorsen")
    assert not covered(text, spans, "rose", text.index("a rose"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("send an email to john at gmail dot com", "john at gmail dot com"),
        ("my number is five five five oh one two three", "five five five oh one two three"),
        ("remind me to call enalen tomorrow", "enalen"),
        ("how old is tom hanks", "hanks"),
        ("did i get any emails from claire today", "claire"),
    ],
)
def test_lowercase_transcripts(detector, text, value):
    spans = detector.detect(text)
    assert covered(text, spans, value), values(text, spans)


@pytest.mark.parametrize(
    "text",
    [
        "Open Settings and click Reset to continue.",
        "Set the weight to 5 kg and the power to 20 W.",
        "Account Overview\nBilling History\nPayment Methods",
        "Remind me tomorrow morning about the report.",
    ],
)
def test_precision_guards(detector, text):
    assert detector.detect(text) == [], values(text, detector.detect(text))


def test_entity_across_chunk_boundary_is_caught():
    cfg = DetectionConfig(chunk_chars=1000, chunk_overlap_chars=256)
    det = Detector(cfg)
    email = "kristoffer.aalborg@example.org"
    filler = "The quick brown fox jumps over the lazy dog. " * 40
    text = filler[: 1000 - 12] + " " + email + " " + filler[:300]
    start = text.index(email)
    assert start < 1000 < start + len(email)  # straddles the first chunk's end
    spans = det.detect(text)
    assert any(s.start == start and s.end == start + len(email) and s.label == "EMAIL_ADDRESS" for s in spans)
    chunks = list(det._chunks(text))
    assert len(chunks) > 1 and all(len(c) <= 1000 for _, c in chunks)
    assert all(text[o : o + len(c)] == c for o, c in chunks) and chunks[-1][0] + len(chunks[-1][1]) == len(text)


def test_regex_timeout_becomes_record_error(detector, monkeypatch):
    from presidio_analyzer import pattern_recognizer

    monkeypatch.setattr(pattern_recognizer, "REGEX_TIMEOUT_SECONDS", 1e-9)
    text = "Call 555-0100 or write to someone@example.com. " * 3000
    with pytest.raises(RecordError) as err:
        detector.detect(text)
    assert err.value.reason == reasons.DETECT_REGEX_TIMEOUT
    results = detector.detect_many([text, "fine"])
    assert isinstance(results[0], RecordError) and results[0].reason == reasons.DETECT_REGEX_TIMEOUT


def test_regex_timeout_quarantines_the_record(detector, monkeypatch):
    from apache_beam.pvalue import TaggedOutput
    from presidio_analyzer import pattern_recognizer

    from transforms.detect import _DetectFn
    from transforms.record import Record

    fn = _DetectFn(detector.cfg, 1000)
    fn.detector, fn.seen = detector, 0
    monkeypatch.setattr(pattern_recognizer, "REGEX_TIMEOUT_SECONDS", 1e-9)
    record = Record(doc_id="d1", content_type="text", text="mail x@example.com " * 3000)
    out = list(fn.process([record]))
    assert len(out) == 1 and isinstance(out[0], TaggedOutput) and out[0].tag == "quarantine"
    assert out[0].value.reason == reasons.DETECT_REGEX_TIMEOUT


def test_allow_list_and_deny_list():
    cfg = DetectionConfig(allow_list=["Margarethe Vollmer"], deny_list={"PROJECT": ["Bluefinch"]})
    det = Detector(cfg)
    text = "Margarethe Vollmer leads Bluefinch."
    spans = det.detect(text)
    assert not covered(text, spans, "Margarethe Vollmer")
    assert any(s.label == "PROJECT" for s in spans)


def test_per_entity_threshold_drops_low_scores():
    text = "I just turned 46 and my email is a.b@example.com"
    det = Detector(DetectionConfig(thresholds={"AGE": 0.99}))
    labels = {s.label for s in det.detect(text)}
    assert "AGE" not in labels and "EMAIL_ADDRESS" in labels


def test_disabled_presidio_logging_fails_closed():
    """If Presidio's timeout warnings cannot be observed, detection must fail rather than pass records."""
    import logging

    import pytest

    from transforms.config import DetectionConfig
    from transforms.detection.detector import Detector
    from transforms.errors import RecordError

    det = Detector(DetectionConfig())
    logging.disable(logging.WARNING)
    try:
        with pytest.raises(RecordError) as err:
            det.detect("Call Jane Roe at 212-555-0199")
        assert err.value.reason == "detect.error"
    finally:
        logging.disable(logging.NOTSET)
    assert det.detect("Call Jane Roe at 212-555-0199")
