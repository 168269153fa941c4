"""spaCy in a child process (``ner_child.py``): the same spans as in process, and no loss when it fails.

The detector with ``ner_child=True`` is driven the way ``DetectPII`` and ``redact detect`` drive it: a
batch's texts are sent ahead (``send_ahead``), and the previous batch is analysed meanwhile."""

from __future__ import annotations

import logging
import os
import signal

import pytest

from tests.bench.corpus_loader import bench_module
from tests.transforms.detection.edge_texts import EDGE_TEXTS
from transforms.config import DetectionConfig
from transforms.detection.detector import Detector
from transforms.detection.ner_ahead import KEEP_BATCHES
from transforms.errors import RecordError


@pytest.fixture(scope="module")
def corpus():
    return bench_module("corpus").generate(60, seed=11)


def _plain(result):
    if isinstance(result, RecordError):
        return ("error", result.reason)
    return [(s.start, s.end, s.label, round(s.score, 6)) for s in result]


def _documents(det: Detector, texts: list[str], batch: int = 16) -> list:
    """Batches sent ahead and analysed one batch behind, as ``DetectPII`` does."""
    out, held = [], None
    for i in range(0, len(texts), batch):
        current = texts[i : i + batch]
        if det.overlapped:
            det.send_ahead(current, [])
        if held is not None:
            out.extend(det.detect_many(held))
        held = current
    return out + (det.detect_many(held) if held else [])


def _conversations(det: Detector, chats: list[list[str]]) -> list:
    det.send_ahead([], chats)
    return [[_plain(s) for s in det.detect_turns(turns)] for turns in chats]


@pytest.fixture(scope="module")
def inline():
    return Detector(DetectionConfig(), batch_size=8)


@pytest.fixture
def child():
    det = Detector(DetectionConfig(), batch_size=8, ner_child=True)
    yield det
    det.close()


def test_documents_and_conversations_get_the_same_spans(inline, child, corpus):
    texts = [d["text"] for d in corpus.docs] + EDGE_TEXTS
    chats = [[m["content"] for m in c["messages"]] for c in corpus.chats]
    expected = [_plain(r) for r in inline.detect_many(texts)]
    assert [_plain(r) for r in _documents(child, texts)] == expected
    assert _conversations(child, chats) == [[_plain(s) for s in inline.detect_turns(t)] for t in chats]
    assert sum(len(e) for e in expected if isinstance(e, list)) > 100  # detection really ran
    assert child.overlapped and child._child.ahead.received >= len(texts) // 2  # and spaCy ran in the child


def test_texts_sent_ahead_are_prepared_once(inline, child, corpus, monkeypatch):
    """``send_ahead`` prepares a batch's texts (casing) for the child; their analysis a batch later takes
    that form instead of preparing each text again. Same spans; an older batch is prepared again."""
    assert child.overlapped
    texts = [d["text"] for d in corpus.docs[:32]]
    expected = [_plain(r) for r in inline.detect_many(texts)]
    prepared = []
    real = child._prepare
    monkeypatch.setattr(child, "_prepare", lambda text: prepared.append(text) or real(text))
    assert [_plain(r) for r in _documents(child, texts, batch=8)] == expected
    assert sorted(prepared) == sorted(texts)  # once each (the corpus's notes are distinct)
    prepared.clear()
    child.send_ahead(texts[:8], [])
    for n in range(KEEP_BATCHES):  # as many batches again, none analysed: the first is no longer kept
        child.send_ahead([f"Batch {n}, note {i}: nothing to see." for i in range(8)], [])
    assert [_plain(r) for r in child.detect_many(texts[:8])] == expected[:8]
    assert len(prepared) == 8 + KEEP_BATCHES * 8 + 8


def test_threads_sharing_a_detector_keep_their_own_prepared_texts(inline, child, corpus, monkeypatch):
    """Two threads send and analyse their own batches on one detector (as Beam's DoFn copies may): each
    text is still prepared once, and neither thread's batches push out the other's."""
    import threading

    halves = [[d["text"] for d in corpus.docs[:40:2]], [d["text"] for d in corpus.docs[1:40:2]]]
    expected = [[_plain(r) for r in inline.detect_many(h)] for h in halves]
    prepared, lock = [], threading.Lock()
    real = child._prepare

    def counted(text):
        with lock:
            prepared.append(text)
        return real(text)

    monkeypatch.setattr(child, "_prepare", counted)
    results: list = [None, None]

    def work(k: int) -> None:
        results[k] = [_plain(r) for r in _documents(child, halves[k], batch=4)]

    threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert results == expected
    assert sorted(prepared) == sorted(halves[0] + halves[1])


def test_model_lemmas_cross_too(corpus):
    """With the tagger's lemmas (``context_lemmas: tagger``) more token attributes cross the pipe."""
    cfg = DetectionConfig(context_lemmas="tagger")
    texts = [d["text"] for d in corpus.docs[:25]]
    expected = [_plain(r) for r in Detector(cfg).detect_many(texts)]
    det = Detector(cfg, ner_child=True)
    try:
        assert [_plain(r) for r in _documents(det, texts, batch=8)] == expected
        assert det._child.ahead.received > 0
    finally:
        det.close()


def test_a_child_that_dies_midway_loses_nothing(inline, child, corpus, caplog):
    texts = [d["text"] for d in corpus.docs[:30]]
    child._child.ahead._here = None  # every chunk goes to the child (the worker runs none itself)
    child.send_ahead(texts, [])
    os.killpg(child._child.ahead.child._proc.pid, signal.SIGKILL)
    with caplog.at_level(logging.WARNING):
        got = child.detect_many(texts)
    assert [_plain(r) for r in got] == [_plain(r) for r in inline.detect_many(texts)]
    assert not child.overlapped  # spaCy runs in process from now on
    warned = [r.getMessage() for r in caplog.records if "NER child" in r.getMessage()]
    assert warned and not any(t[:12] in w for t in texts if t for w in warned)
    assert _documents(child, texts[:5]) == inline.detect_many(texts[:5])


def test_a_chunk_without_result_runs_in_process(inline, child, corpus, monkeypatch):
    texts = [d["text"] for d in corpus.docs[:20]]
    real = child._child.ahead.child.receive
    calls = []

    def first_fails():
        chunk, payload = real()
        calls.append(len(chunk))
        return chunk, (None if len(calls) == 1 else payload)

    monkeypatch.setattr(child._child.ahead.child, "receive", first_fails)
    monkeypatch.setattr(child._child.ahead, "_here", None)  # every chunk goes to the child
    child.send_ahead(texts, [])
    assert [_plain(r) for r in child.detect_many(texts)] == [_plain(r) for r in inline.detect_many(texts)]
    assert calls and child.overlapped  # one chunk failed; the child is still used


def test_rather_than_wait_the_worker_runs_chunks_the_child_has_not_got_yet(inline, child, corpus):
    """At most ``IN_FLIGHT`` chunks are in the child's pipe; while it is busy the worker runs the newest of
    the others itself (same model, same components): both do part of the work, the spans do not change."""
    texts = [d["text"] for d in corpus.docs] + [m["content"] for c in corpus.chats for m in c["messages"]]
    expected = [_plain(r) for r in inline.detect_many(texts)]
    child.send_ahead(texts, [])  # about ten chunks at once; the child answers the oldest first
    assert [_plain(r) for r in child.detect_many(texts)] == expected
    ahead = child._child.ahead
    assert ahead.ran_here > 0 and ahead.received > 0 and child.overlapped


def test_close_stops_the_child_and_garbage_collection_does_too():
    det = Detector(DetectionConfig(), ner_child=True)
    pid = det._child.ahead.child._proc.pid
    det.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    det = Detector(DetectionConfig(), ner_child=True)
    pid = det._child.ahead.child._proc.pid
    del det
    import gc

    gc.collect()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_threads_sharing_a_detector_keep_their_own_batches(corpus):
    """Beam may run DoFn copies on threads that share the process's detector: one thread's batches must
    not age out the results another thread has not analysed yet (they would be sent again)."""
    import threading

    det = Detector(DetectionConfig(), ner_child=True)
    sent = []
    real_send = det._child.ahead.child.send
    det._child.ahead.child.send = lambda texts: sent.extend(texts) or real_send(texts)
    texts = [d["text"] for d in corpus.docs]
    halves = [texts[0::2], texts[1::2]]
    results: list = [None, None]

    def drive(k):
        results[k] = [_plain(r) for r in _documents(det, halves[k], batch=4)]

    try:
        threads = [threading.Thread(target=drive, args=(k,)) for k in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        assert results == [[_plain(r) for r in Detector(DetectionConfig()).detect_many(h)] for h in halves]
        assert len(sent) == len(set(texts))  # each text went to the child once
    finally:
        det.close()
