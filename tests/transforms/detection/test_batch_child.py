"""Whole batches detected in a child process (``batch_child.py``): the same results as in process, every
batch given back exactly once whatever the child does, and the worker's share taken newest first.

The worker's side is also driven against a stand-in child (``stand_in_batch_child.py``) that answers at
once, never, out of step or with a short answer, so each failure is exact rather than timed."""

from __future__ import annotations

import logging
import os
import signal
import time

import pytest

from tests.bench.corpus_loader import bench_module
from tests.transforms.detection.edge_texts import EDGE_TEXTS
from transforms import reasons
from transforms.config import DetectionConfig
from transforms.detection.batch_child import SPARE, BatchChild, BatchSpec, detect_batch, fits
from transforms.detection.detector import Detector
from transforms.detection.engines.base import NerHit
from transforms.errors import RecordError
from transforms.record import Span

STAND_IN = "tests.transforms.detection.stand_in_batch_child"


@pytest.fixture(scope="module")
def batches():
    """Batches of (docs, convs) as ``DetectPII`` sends them: documents, then conversations with speakers."""
    corpus = bench_module("corpus").generate(60, seed=11)
    docs = [(d["text"], None) for d in corpus.docs] + [(t, None) for t in EDGE_TEXTS]
    docs.append(("The courier Quillon Vantreck will come by.", [NerHit(12, 28, "PER", 0.99)]))  # an extra engine's hit
    convs = [
        ([m["content"] for m in c["messages"]], [m.get("role", "") for m in c["messages"]], None) for c in corpus.chats
    ]
    return [(docs[i : i + 8], convs[i // 2 : i // 2 + 4]) for i in range(0, len(docs), 8)]


def _plain(results) -> tuple:
    def one(r):
        if isinstance(r, str):
            return r
        if r and isinstance(r[0], list):
            return [one(t) for t in r]
        return [(s.start, s.end, s.label, round(s.score, 6)) for s in r]

    return [one(r) for r in results[0]], [one(r) for r in results[1]]


def _until(condition, within: float = 60.0) -> bool:
    """Wait (bounded) for something the child's threads do on their own, e.g. send a queued batch."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


def _answers(child: BatchChild, n: int, within: float = 600.0) -> list:
    """The next ``n`` answers (polled: ``answered`` never waits, nor takes a batch back)."""
    got, deadline = [], time.monotonic() + within
    while len(got) < n and time.monotonic() < deadline:
        got += list(child.answered())
        time.sleep(0.02)
    return got


def _stand_in(mode: str, timeout: float = 60.0) -> BatchChild:
    return BatchChild(mode, timeout=timeout, module=STAND_IN)


@pytest.mark.parametrize("entities", [None, ["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "LOCATION"]])
def test_the_child_gives_the_results_detection_gives_in_process(batches, entities):
    cfg = DetectionConfig(entities=entities) if entities else DetectionConfig()
    inline = Detector(cfg, batch_size=8)
    child = BatchChild(BatchSpec(cfg, 8))
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
        inline.close()


def test_the_worker_takes_back_the_newest_batches_beyond_the_spare_ones(batches):
    child = _stand_in("slow")
    try:
        child.submit(0, *batches[0])
        assert _until(lambda: child.child.in_flight == 1)  # the child is up and busy with batch 0
        for n in range(1, SPARE + 4):
            assert child.submit(n, *batches[0])
        assert [child.spare(), child.spare(), child.spare(), child.spare()] == [5, 4, 3, None]
        child.close()  # batch 0 would take the stand-in far longer than this test
        assert list(child.rest()) == [(2, None), (1, None), (0, None)]  # queued ones newest first, then its own
        assert child.taken_back == 5 and child.outstanding == 0
    finally:
        child.close()


def test_while_the_child_sets_up_nothing_is_sent_so_nothing_waits_for_it(batches):
    child = _stand_in("slow_start")
    try:
        for n in range(3):
            assert child.submit(n, *batches[n])
        time.sleep(0.2)  # time enough for a feeder that would send early to have sent one
        assert child.child.in_flight == 0 and not child.child.ready
        started = time.monotonic()
        assert list(child.rest()) == [(2, None), (1, None), (0, None)]  # all taken back by the worker
        assert time.monotonic() - started < 5 and child.alive  # no wait; the child stays in use
    finally:
        child.close()


def test_a_child_that_dies_gives_every_batch_back_once(batches, caplog):
    child = _stand_in("slow")
    try:
        for n in range(3):
            assert child.submit(n, *batches[n])
        assert _until(lambda: child.child.in_flight == 1)
        os.killpg(child.child._proc.pid, signal.SIGKILL)
        assert _until(child.child.has_result)  # the news that it has gone
        with caplog.at_level(logging.WARNING):
            back = list(child.answered()) + list(child.rest())
        assert sorted(job for job, _ in back) == [0, 1, 2] and all(r is None for _, r in back)
        assert not child.alive and not child.submit(9, *batches[0])  # not used again
        assert "the detection child process gone (ended)" in caplog.text
    finally:
        child.close()


def test_a_child_that_cannot_set_up_gives_every_batch_back(batches, caplog):
    child = _stand_in("fatal")
    try:
        for n in range(2):
            child.submit(n, *batches[n])
        assert _until(child.child.has_result)  # its "fatal" answer
        with caplog.at_level(logging.WARNING):
            back = list(child.answered()) + list(child.rest())
        assert sorted(job for job, _ in back) == [0, 1] and all(r is None for _, r in back)
        assert not child.alive and "RuntimeError" in caplog.text and "cannot build" not in caplog.text
    finally:
        child.close()


def test_a_child_that_does_not_answer_in_time_gives_its_batch_back(batches):
    child = _stand_in("slow", timeout=0.5)
    try:
        child.submit("late", *batches[0])
        assert _until(lambda: child.child.in_flight == 1)  # in its pipe: not taken back, waited for
        assert list(child.rest()) == [("late", None)]
        assert not child.alive
    finally:
        child.close()


@pytest.mark.parametrize("mode", ["wrong_number", "short", "garbage"])
def test_an_answer_that_is_not_its_batchs_is_not_used_nor_the_child_again(batches, mode, caplog):
    child = _stand_in(mode)
    try:
        for n in range(2):
            child.submit(n, *batches[n])
        with caplog.at_level(logging.WARNING):
            back = _answers(child, 1) + list(child.rest())
        assert back == [(0, None), (1, None)]  # the worker detects both
        assert not child.alive
        assert ("unreadable answer" if mode == "garbage" else "not its batch's") in caplog.text
    finally:
        child.close()


def test_the_stand_in_itself_answers_in_shape(batches):
    """The stand-in in its plain mode is accepted: so the failures above are the misbehaviour's."""
    child = _stand_in("plain")
    try:
        child.submit(0, *batches[0])
        [(job, results)] = _answers(child, 1)
        assert job == 0 and results is not None and child.alive
    finally:
        child.close()


def test_fits_holds_an_answer_to_its_batch():
    docs, convs = [("a", None), ("b", None)], [(["x", "y"], ["u", "v"], None)]
    assert fits(([[], "detect.error"], [[[], []]]), docs, convs)
    assert fits(([[], []], ["detect.error"]), docs, convs)
    assert not fits(([[], []], [[[]]]), docs, convs)  # one turn's spans missing
    assert not fits(([[]], [[[], []]]), docs, convs)  # one document's result missing
    assert not fits(([[], 3], [[[], []]]), docs, convs)
    assert not fits([[[], []], [[[], []]]], docs, convs)  # not a pair


class _Fails:
    """A detector whose documents call fails (or answers short), or one conversation of whose fails."""

    overlapped = True  # no prefetch

    def __init__(self, docs_raise=None, conv_raise=None, doc_error=None, short=False):
        self.docs_raise, self.conv_raise, self.doc_error, self.short = docs_raise, conv_raise, doc_error, short

    def detect_many(self, texts, ner_hits=None):
        if self.docs_raise:
            raise self.docs_raise
        out = [self.doc_error if t == "bad" else [Span(0, 1, "PERSON", 0.9)] for t in texts]
        return out[1:] if self.short else out

    def detect_turns(self, turns, speakers, ner_hits=None):
        if self.conv_raise and turns == ["bad"]:
            raise self.conv_raise
        return [[] for _ in turns[1:]] if self.short else [[] for _ in turns]


def test_a_failure_fails_only_its_records_with_its_reason():
    docs, convs = [("ok", None), ("bad", None)], [(["fine"], ["user"], None), (["bad"], ["user"], None)]
    timeout = RecordError(reasons.DETECT_REGEX_TIMEOUT, "timed out")
    got = detect_batch(_Fails(doc_error=timeout, conv_raise=ValueError("boom")), docs, convs)
    assert got[0][1] == reasons.DETECT_REGEX_TIMEOUT and isinstance(got[0][0], list)
    assert got[1] == [[[]], reasons.DETECT_ERROR]  # a library's error: the generic reason
    assert detect_batch(_Fails(docs_raise=timeout), docs, []) == ([reasons.DETECT_REGEX_TIMEOUT] * 2, [])
    short = detect_batch(_Fails(short=True), docs, convs)  # results that do not fit their inputs fail them
    assert short == ([reasons.DETECT_ERROR] * 2, [reasons.DETECT_ERROR] * 2)
