"""``DetectPII``'s DoFn: batches of records in, copies with spans out; inputs are never mutated."""

from __future__ import annotations

import copy
import os
import time

import pytest
from apache_beam.pvalue import TaggedOutput

from transforms.config import DetectionConfig
from transforms.detect import _DetectFn
from transforms.detection.engines.base import NerHit
from transforms.record import Record, Turn


@pytest.fixture(scope="module")
def fn():
    f = _DetectFn(DetectionConfig(), progress_every=1000, batch_size=4)
    f.setup()
    return f


def _records():
    doc = Record(doc_id="d1", content_type="document", text="Write to lena.berg@example.com about the refund.")
    hinted = Record(
        doc_id="d2",
        content_type="document",
        text="The courier Quillon Vantreck will come by.",
        ner_hits=[[NerHit(12, 28, "PER", 0.99)]],
    )
    chat = Record(
        doc_id="c1",
        content_type="chat",
        turns=[Turn("user", "I'm Tomasz Kowalski."), Turn("assistant", "Thanks Tomasz, noted.")],
    )
    return [doc, hinted, chat]


def test_inputs_are_not_mutated_and_outputs_carry_spans(fn):
    records = _records()
    before = copy.deepcopy(records)
    out = list(fn.process(records))
    assert records == before
    assert not any(isinstance(o, TaggedOutput) for o in out)
    by_id = {r.doc_id: r for r in out}
    assert [(s.label, by_id["d1"].text[s.start : s.end]) for s in by_id["d1"].spans] == [
        ("EMAIL_ADDRESS", "lena.berg@example.com")
    ]
    assert any(by_id["d2"].text[s.start : s.end] == "Quillon Vantreck" for s in by_id["d2"].spans)
    assert all(r.ner_hits is None for r in out)  # transient hits are consumed
    assert by_id["c1"].turn_spans is not None and len(by_id["c1"].turn_spans) == 2


def test_the_detector_is_built_once_per_process(fn):
    other = _DetectFn(DetectionConfig(), progress_every=1000, batch_size=4)
    other.setup()
    assert other.detector is fn.detector


def _spans_of(r: Record):
    if r.turns is None:
        return [(s.start, s.end, s.label) for s in r.spans or []]
    return [[(s.start, s.end, s.label) for s in ts] for ts in r.turn_spans]


def _mixed_records() -> list[Record]:
    """Documents and chats interleaved, one document with an extra engine's hit."""
    texts = [
        "Write to lena.berg@example.com about the refund.",
        "Margaret Wójcik from Kraków called on 020 7946 0958.",
        "Nothing personal here.",
        "Invoice 4471 for Quillon Vantreck, 12 Elm Street, Springfield.",
    ]
    records = [Record(doc_id=f"d{i:02d}", content_type="document", text=texts[i % 4]) for i in range(17)]
    records[5] = Record(doc_id="d05", content_type="document", text=texts[3], ner_hits=[[NerHit(17, 33, "PER", 0.99)]])
    turns = [Turn("user", "I'm Tomasz Kowalski."), Turn("agent", "Hi")]
    for i in range(4):
        records.insert(1 + 5 * i, Record(doc_id=f"c{i:02d}", content_type="chat", turns=turns))
    return records


def test_a_detection_child_gives_the_same_records_each_in_its_own_window(fn):
    """With the detection child, a batch the child detects leaves with a later element (or at the bundle's
    end): its outputs must keep their own window and timestamp, and the spans must not change. (On a
    slow machine the child may still be building when the worker has done every batch; the batches it
    took back leave late too. ``test_batch_child.py`` compares the child's spans.)"""
    import apache_beam as beam
    from apache_beam.testing.test_pipeline import TestPipeline
    from apache_beam.testing.util import assert_that, equal_to
    from apache_beam.transforms.window import FixedWindows, TimestampedValue

    from transforms.detect import DetectPII

    records = _mixed_records()
    inline = {r.doc_id: _spans_of(r) for r in fn.process(copy.deepcopy(records))}  # no child, no Beam runner
    # BatchElements stamps a batch with its window's last moment: the outputs keep it
    expected = [(r.doc_id, (i // 5) * 5, (i // 5) * 5 + 4, inline[r.doc_id]) for i, r in enumerate(records)]
    assert sum(len(s) for s in inline.values()) > 10

    def described(r, w=beam.DoFn.WindowParam, t=beam.DoFn.TimestampParam):
        return (r.doc_id, int(w.start), int(t), _spans_of(r))

    with TestPipeline() as p:
        out = (
            p
            | beam.Create(list(enumerate(records)))
            | beam.Map(lambda iv: TimestampedValue(iv[1], iv[0]))
            | beam.WindowInto(FixedWindows(5))
            | DetectPII(DetectionConfig(), batch_size=3, ner_child=True)
        )
        assert_that(out.records | beam.Map(described), equal_to(expected), label="records")
        assert_that(out.quarantine, equal_to([]), label="no quarantine")
    assert _detection_children() == []  # torn down with the pipeline's DoFns


@pytest.mark.parametrize("kill_after", [None, 2])
def test_the_child_and_the_worker_share_the_batches_and_lose_none(fn, kill_after):
    """Driven as a runner drives it: every record comes out once with the spans detection in process
    gives, whether the child detected its share or was killed midway (the worker then detects what it
    held); teardown stops it."""
    import signal

    records = _mixed_records()
    inline = {r.doc_id: _spans_of(r) for r in fn.process(copy.deepcopy(records))}
    child_fn = _DetectFn(DetectionConfig(), progress_every=1000, batch_size=3, ner_child=True)
    child_fn.setup()
    try:
        child = child_fn._child
        assert child is not None
        deadline = time.monotonic() + 300
        while not child.child.ready and time.monotonic() < deadline:  # built: batches may go to it now
            time.sleep(0.05)
        assert child.child.ready
        out = []
        for n, i in enumerate(range(0, len(records), 3)):
            out += list(child_fn.process(records[i : i + 3], window=None, timestamp=None))
            if n == kill_after:
                os.killpg(child.child._proc.pid, signal.SIGKILL)
        out += list(child_fn.finish_bundle())
        assert sorted(r.doc_id for r in out) == sorted(inline)
        assert {r.doc_id: _spans_of(r) for r in out} == inline
        assert child.sent >= 1
        if kill_after is None:
            assert child.sent - child.taken_back >= 1  # the child detected at least the batch in its pipe
        else:
            assert not child.alive
    finally:
        child_fn.teardown()
    assert _detection_children() == []


def test_one_detection_child_per_process_and_a_failed_bundles_batches_never_come_out():
    """The first DoFn instance set up starts the child; another one set up meanwhile (a thread's) does
    not; after teardown the next one does. A bundle that failed with batches queued leaves nothing: the
    next bundle starts with a fresh child and emits only its own records."""
    first = _DetectFn(DetectionConfig(), batch_size=3, ner_child=True)
    second = _DetectFn(DetectionConfig(), batch_size=3, ner_child=True)
    first.setup()
    try:
        second.setup()
        assert first._child is not None and second._child is None
        stale = first._child
        stale.submit(("stale", None, None), [("Call Ana Lopez.", None)], [])
        first.start_bundle()  # a bundle that failed left that batch behind
        assert first._child is not stale and not stale.alive and first._child.outstanding == 0
        records = _mixed_records()[:4]
        out = list(first.process(records, window=None, timestamp=None)) + list(first.finish_bundle())
        assert sorted(r.doc_id for r in out) == sorted(r.doc_id for r in records)
    finally:
        first.teardown()
        second.teardown()
    third = _DetectFn(DetectionConfig(), batch_size=3, ner_child=True)
    third.setup()
    try:
        assert third._child is not None
    finally:
        third.teardown()
    assert _detection_children() == []


def test_a_reason_code_from_the_child_quarantines_only_its_record(fn):
    """The child's answer for a failed record is its reason code: that record goes to quarantine with it;
    the others of the batch come out with their spans."""
    from transforms import reasons

    records = _mixed_records()[:3]  # document, chat, document
    docs_ok = [r for r in records if r.turns is None]
    results = ([reasons.DETECT_REGEX_TIMEOUT, []], [[[], []]])
    out = list(fn._emit(records, None, None, results=results))
    quarantined = [o.value for o in out if isinstance(o, TaggedOutput)]
    assert [(q.doc_id, q.reason) for q in quarantined] == [(docs_ok[0].doc_id, reasons.DETECT_REGEX_TIMEOUT)]
    assert sorted(o.doc_id for o in out if not isinstance(o, TaggedOutput)) == sorted(
        [records[1].doc_id, docs_ok[1].doc_id]
    )


def _detection_children() -> list[int]:
    """This process's child processes running detection's batch child."""
    from pathlib import Path

    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmd = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and b"transforms.detection.batch_child" in cmd:
            found.append(int(stat.parent.name))
    return found


def test_a_prebuilt_detector_is_taken_once_by_the_first_matching_setup(monkeypatch):
    """``prebuild`` (the warm worker server) leaves one detector for the config and batch size it was built
    for; a DoFn with other settings builds its own; the first matching one takes it, and it is gone."""
    from transforms import detect
    from transforms.detection import detector as detector_mod

    built = []

    class Fake:
        def __init__(self, cfg, batch_size):
            built.append((cfg.sha256(), batch_size))

        def detect_many(self, texts):
            return [[] for _ in texts]

    monkeypatch.setattr(detector_mod, "Detector", Fake)
    monkeypatch.setattr(detect, "_PREBUILT", {})
    cfg = DetectionConfig()
    detect.prebuild(cfg, batch_size=7)
    assert len(built) == 1
    first = _DetectFn(cfg, batch_size=7)._build()
    assert len(built) == 1 and isinstance(first, Fake)  # taken, not built
    second = _DetectFn(cfg, batch_size=7)._build()
    assert len(built) == 2 and second is not first  # taken once only

    detect.prebuild(cfg, batch_size=7)
    other_batch = _DetectFn(cfg, batch_size=8)._build()
    assert len(built) == 4 and other_batch is not None  # no match: built anew
    assert detect._PREBUILT == {}  # and the unused one is not kept


def test_a_prebuild_that_fails_leaves_nothing(monkeypatch):
    from transforms import detect
    from transforms.detection import detector as detector_mod

    def broken(cfg, batch_size):
        raise OSError("model files missing")

    monkeypatch.setattr(detector_mod, "Detector", broken)
    monkeypatch.setattr(detect, "_PREBUILT", {})
    detect.prebuild(DetectionConfig())
    assert detect._PREBUILT == {}
