"""Whole batches detected in a child process (``batch_child.py``): the same results as in process, every
batch given back exactly once whatever the child does, and the worker's share taken newest first."""

from __future__ import annotations

import logging
import os
import signal
import time

import pytest

from tests.bench.corpus_loader import bench_module
from transforms import reasons
from transforms.config import DetectionConfig
from transforms.detection.batch_child import IN_FLIGHT, SPARE, BatchChild, BatchSpec, detect_batch
from transforms.detection.detector import Detector
from transforms.errors import RecordError
from transforms.record import Span

EDGE_TEXTS = [
    "",
    "   ",
    "x",
    "Call +44 20 7946 0958 or write to ana.lopez@example.org",
    "Ünïcödé Łukasz Żółć in Kraków",
]


@pytest.fixture(scope="module")
def batches():
    """Batches of (docs, convs) as ``DetectPII`` sends them: documents, then conversations with speakers."""
    corpus = bench_module("corpus").generate(60, seed=11)
    docs = [(d["text"], None) for d in corpus.docs] + [(t, None) for t in EDGE_TEXTS]
    convs = [
        ([m["content"] for m in c["messages"]], [m.get("role", "") for m in c["messages"]], None) for c in corpus.chats
    ]
    return [(docs[i : i + 8], convs[i // 2 : i // 2 + 4]) for i in range(0, len(docs), 8)]


@pytest.fixture(scope="module")
def inline():
    return Detector(DetectionConfig(), batch_size=8)


def _plain(results) -> tuple:
    def one(r):
        if isinstance(r, str):
            return r
        if r and isinstance(r[0], list):
            return [one(t) for t in r]
        return [(s.start, s.end, s.label, round(s.score, 6)) for s in r]

    return [one(r) for r in results[0]], [one(r) for r in results[1]]


def _child(timeout: float = 600.0, cfg=None) -> BatchChild:
    return BatchChild(BatchSpec(cfg or DetectionConfig(), 8), timeout=timeout)


def _until(condition, within: float = 60.0) -> None:
    """Wait (bounded) for something the child's threads do on their own, e.g. send a queued batch."""
    deadline = time.monotonic() + within
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def _answers(child: BatchChild, n: int, within: float = 600.0) -> list:
    """The next ``n`` answers the child gives (polled: ``answered`` never waits, nor takes a batch back)."""
    got, deadline = [], time.monotonic() + within
    while len(got) < n and time.monotonic() < deadline:
        got += list(child.answered())
        time.sleep(0.02)
    return got


def test_the_child_gives_the_results_detection_gives_in_process(inline, batches):
    child = _child()
    try:
        for n, (docs, convs) in enumerate(batches):
            assert child.submit(n, docs, convs)
        answers = _answers(child, len(batches))
        assert [job for job, _ in answers] == list(range(len(batches)))  # in order, none taken back
        for (_, results), (docs, convs) in zip(answers, batches, strict=True):
            assert results is not None and _plain(results) == _plain(detect_batch(inline, docs, convs))
        spans = sum(len(r) for _, results in answers for r in results[0] if not isinstance(r, str))
        assert sum(len(d) for d, _ in batches) > 40 and spans > 40 and child.taken_back == 0
    finally:
        child.close()


def test_the_worker_takes_back_the_newest_batches_beyond_the_spare_ones(batches):
    child = _child()
    try:
        child.submit(0, *batches[0])
        assert [job for job, _ in _answers(child, 1)] == [0]  # the child is up and idle
        for n in range(1, IN_FLIGHT + SPARE + 3):
            assert child.submit(n, *batches[0])
        assert [child.spare(), child.spare(), child.spare()] == [5, 4, None]
        back = list(child.rest())  # what is still queued comes back for the worker, newest first
        assert sorted(job for job, _ in back) == [1, 2, 3]
        taken = [job for job, results in back if results is None]
        assert taken == sorted(taken, reverse=True) and child.taken_back == 2 + len(taken)
    finally:
        child.close()


def test_a_child_that_dies_gives_every_batch_back_once(batches, caplog):
    child = _child()
    try:
        for n in range(3):
            assert child.submit(n, *batches[n])
        os.killpg(child.child._proc.pid, signal.SIGKILL)
        _until(child.child.has_result)  # the news that it has gone
        with caplog.at_level(logging.WARNING):
            back = list(child.answered()) + list(child.rest())
        assert sorted(job for job, _ in back) == [0, 1, 2]
        assert not child.alive and not child.submit(9, *batches[0])  # not used again
        assert "the detection child process" in caplog.text
        assert not any(t and t in caplog.text for d, _ in batches for t, _ in d if len(t) > 3)  # no text logged
    finally:
        child.close()


def test_a_child_that_cannot_build_its_detector_gives_every_batch_back(batches, caplog):
    child = BatchChild(BatchSpec(None, 8))  # the child's Detector(None) fails: a "fatal" answer
    try:
        for n in range(2):
            child.submit(n, *batches[n])
        _until(child.child.has_result)  # its "fatal" answer
        with caplog.at_level(logging.WARNING):
            back = list(child.rest())
        assert sorted(job for job, _ in back) == [0, 1] and all(r is None for _, r in back)
        assert not child.alive and "AttributeError" in caplog.text
    finally:
        child.close()


def test_a_child_that_does_not_answer_in_time_gives_its_batch_back(batches):
    child = _child(timeout=0.2)  # far less than the child needs to build its detector
    try:
        child.submit("late", *batches[0])
        _until(lambda: child.child.in_flight == 1)  # in the child's pipe: not taken back, waited for
        assert list(child.rest()) == [("late", None)]
        assert not child.alive
    finally:
        child.close()


def test_an_answer_that_does_not_fit_its_batch_is_not_used(batches, caplog):
    child = _child()
    try:
        child.submit(0, *batches[0])
        _until(lambda: child.child.in_flight == 1)
        receive = child.child.receive

        def one_document_short():
            payload, results = receive()
            return payload, (results[0][1:], results[1])

        child.child.receive = one_document_short
        with caplog.at_level(logging.WARNING):
            assert list(child.rest()) == [(0, None)]  # the worker detects it
        assert "did not fit" in caplog.text
    finally:
        child.close()


class _Fails:
    """A detector whose documents call fails, or one conversation of whose fails."""

    overlapped = True  # no prefetch

    def __init__(self, docs_raise=None, conv_raise=None, doc_error=None):
        self.docs_raise, self.conv_raise, self.doc_error = docs_raise, conv_raise, doc_error

    def detect_many(self, texts, ner_hits=None):
        if self.docs_raise:
            raise self.docs_raise
        return [self.doc_error if t == "bad" else [Span(0, 1, "PERSON", 0.9)] for t in texts]

    def detect_turns(self, turns, speakers, ner_hits=None):
        if self.conv_raise and turns == ["bad"]:
            raise self.conv_raise
        return [[] for _ in turns]


def test_a_failure_fails_only_its_records_with_its_reason():
    docs, convs = [("ok", None), ("bad", None)], [(["fine"], ["user"], None), (["bad"], ["user"], None)]
    timeout = RecordError(reasons.DETECT_REGEX_TIMEOUT, "timed out")
    got = detect_batch(_Fails(doc_error=timeout, conv_raise=ValueError("boom")), docs, convs)
    assert got[0][1] == reasons.DETECT_REGEX_TIMEOUT and isinstance(got[0][0], list)
    assert got[1] == [[[]], reasons.DETECT_ERROR]  # a library's error: the generic reason
    got = detect_batch(_Fails(docs_raise=timeout), docs, [])
    assert got == ([reasons.DETECT_REGEX_TIMEOUT] * 2, [])  # a failing call fails each of its documents
