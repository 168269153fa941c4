"""``DetectPII``'s DoFn: batches of records in, copies with spans out; inputs are never mutated."""

from __future__ import annotations

import copy

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
