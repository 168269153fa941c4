"""Repeated texts are analysed once (``memo.py``) and get exactly the spans of a fresh analysis."""

from __future__ import annotations

import logging

import pytest

from transforms import reasons
from transforms.config import DetectionConfig
from transforms.detection.detector import Detector
from transforms.detection.memo import AnalysisMemo, BoundedMemo
from transforms.errors import RecordError

REPEATED = [
    "Thanks, that fixed it!",
    "Call me back on 415-555-0134 please, Margaret Wojcik here",
    "Is there anything else I can help with today?",
    "my phone number is 020 7946 0958",
    "Call me back on 415-555-0134 please, Margaret Wojcik here",
    "Thanks, that fixed it!",
    "my phone number is 020 7946 0958",
]


def _plain(results):
    return [
        r if isinstance(r, RecordError) else [(s.start, s.end, s.label, round(s.score, 6)) for s in r] for r in results
    ]


@pytest.fixture(scope="module")
def pair():
    plain = Detector(DetectionConfig())
    plain._memo = AnalysisMemo(max_chars=-1)  # remembers nothing
    return plain, Detector(DetectionConfig())


def test_repeated_documents_get_the_same_spans(pair):
    plain, memo = pair
    want = _plain(plain.detect_many(REPEATED))
    assert _plain(memo.detect_many(REPEATED)) == want  # repeats inside one batch
    assert _plain(memo.detect_many(REPEATED[::-1])) == want[::-1]  # and across batches
    assert len(memo._memo.results) == len(set(REPEATED))
    assert any(want)


def test_turns_are_remembered_with_their_context(pair):
    """The same turn after different turns has other context words: analysed with its own context."""
    plain, memo = pair
    turns = [
        "my phone is below",
        "415 555 0134",
        "and the desk one",
        "415 555 0134",
        "my phone is below",
        "415 555 0134",
    ]
    want = plain.detect_turns(turns)
    for _ in range(2):
        got = memo.detect_turns(turns)
        assert _plain(got) == _plain(want)
    keys = {k for k in memo._memo.results.data if k[0] == "415 555 0134"}
    assert len(keys) == 2  # after "my phone is below" and after "and the desk one"


def test_failed_analysis_is_not_remembered(pair, monkeypatch):
    _, memo = pair
    text = "a text analysed while a regex times out 12345"
    real = memo._lean.analyze

    def timing_out(chunk, artifacts=None, context=None):
        logging.getLogger("presidio-analyzer").warning("Regex pattern 'x' timed out after 5 seconds, skipping.")
        return real(chunk, artifacts, context)

    monkeypatch.setattr(memo._lean, "analyze", timing_out)
    [got] = memo.detect_many([text])
    assert isinstance(got, RecordError) and got.reason == reasons.DETECT_REGEX_TIMEOUT
    assert not memo._memo.has_results(text, None)
    monkeypatch.setattr(memo._lean, "analyze", real)
    assert isinstance(memo.detect_many([text])[0], list)


def test_long_texts_are_not_remembered():
    memo = AnalysisMemo(max_chars=10)
    assert memo.key("short", None) == ("short", None)
    assert memo.key("x" * 11, ["a"]) is None
    memo.keep_artifacts("x" * 11, object())
    assert memo.artifacts_of("x" * 11) is None


def test_fifo_is_bounded_and_evicts_the_oldest():
    fifo = BoundedMemo(3)
    for i in range(5):
        fifo.put(i, str(i))
    assert len(fifo) == 3 and 0 not in fifo and 1 not in fifo and fifo.get(4) == "4"
    fifo.put(4, "again")  # an existing key does not evict
    assert len(fifo) == 3 and 2 in fifo


def test_prefetch_runs_spacy_once_for_many_conversations(pair):
    plain, memo = pair
    conversations = [
        ["hi, I'm Margaret Wojcik", "my number is 415 555 0134", "Thanks, that fixed it!"],
        ["Is there anything else I can help with today?", "no, that's all. bye from Helena Vollmer"],
        ["call me on 020 7946 0958", "Thanks, that fixed it!"],
    ]
    want = [_plain(plain.detect_turns(turns)) for turns in conversations]
    memo.prefetch([t for turns in conversations for t in turns])
    assert memo._memo.artifacts_of("my number is 415 555 0134") is not None
    calls = []
    real = memo.engine.nlp_engine.process_batch
    memo.engine.nlp_engine.process_batch = lambda texts, *a, **k: calls.append(len(texts)) or real(texts, *a, **k)
    try:
        assert [_plain(memo.detect_turns(turns)) for turns in conversations] == want
    finally:
        memo.engine.nlp_engine.process_batch = real
    assert calls == []  # every turn's artifacts were remembered
