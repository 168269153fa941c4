"""``RunNerEngines`` (Beam RunInference with the tiny test model) and the detector consuming its hits."""

from __future__ import annotations

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.transforms.detection.engines.tiny_model_fixtures import HAS_HF, SKIP_REASON, engine_dict, make_pinned_model
from transforms import reasons
from transforms.config import DetectionConfig
from transforms.detection.engines.base import NerHit
from transforms.ner import NerModelHandler, RunNerEngines
from transforms.record import Record, Turn


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    if not HAS_HF:
        pytest.skip(SKIP_REASON)
    folder, hashes = make_pinned_model(tmp_path_factory.mktemp("ner"))
    return DetectionConfig(engines=[engine_dict(folder, hashes, batch_size=2, max_length=8, stride=2)]).engines


def _hits(record: Record):
    texts = [t.text for t in record.turns] if record.turns is not None else [record.text]
    return record.doc_id, [
        [(t[h.start : h.end], h.label) for h in hs] for t, hs in zip(texts, record.ner_hits, strict=True)
    ]


def test_run_inference_attaches_hits_per_document_and_per_turn(engines):
    records = [
        Record("d1", "document", text="Alice Smith met Bob in Oslo."),
        Record("d2", "document", text="nothing here " * 10),
        Record("c1", "chat", turns=[Turn("user", "I am Zoë."), Turn("agent", "Hi Zoë, in Paris?")]),
    ] + [Record(f"x{i}", "document", text=f"the Bobson {i}") for i in range(5)]
    with TestPipeline() as p:
        out = p | beam.Create(records) | RunNerEngines(engines)
        assert_that(
            out.records | beam.Map(_hits),
            equal_to(
                [
                    ("d1", [[("Alice Smith", "PERSON"), ("Bob", "PERSON"), ("Oslo", "LOCATION")]]),
                    ("d2", [[]]),
                    ("c1", [[("Zoë", "PERSON")], [("Zoë", "PERSON"), ("Paris", "LOCATION")]]),
                ]
                + [(f"x{i}", [[("Bobson", "PERSON")]]) for i in range(5)]
            ),
            label="hits",
        )
        assert_that(out.quarantine, equal_to([]), label="no quarantine")


class _Flaky:
    """An engine that fails on one text: its record alone must be quarantined."""

    name = "flaky"

    def predict(self, texts):
        if any("fail" in t for t in texts):
            raise RuntimeError("model crashed")
        return [[NerHit(0, 1, "PERSON", 0.9)] if t else [] for t in texts]


class _FlakyHandler(NerModelHandler):
    def load_model(self):
        return _Flaky()


def test_failed_inference_quarantines_only_that_record(engines):
    records = [Record(f"r{i}", "document", text=f"text {i}") for i in range(4)]
    records.append(Record("bad", "document", text="this will fail"))
    transform = RunNerEngines(engines)
    transform.handler = _FlakyHandler(engines)
    with TestPipeline() as p:
        out = p | beam.Create(records) | transform
        assert_that(out.records | beam.Map(lambda r: r.doc_id), equal_to([f"r{i}" for i in range(4)]), label="ok")
        assert_that(
            out.quarantine | beam.Map(lambda q: (q.doc_id, q.reason, q.stage)),
            equal_to([("bad", reasons.DETECT_ERROR, "ner")]),
            label="quarantine",
        )


@pytest.fixture(scope="module")
def detector():
    from transforms.detection.detector import Detector

    return Detector(DetectionConfig())


def test_detector_treats_engine_hits_like_its_own_ner(detector):
    text = "Open Settings and ask Qorvanth Ilbeck about it."
    q = text.index("Qorvanth")
    hits = [
        NerHit(5, 13, "PERSON", 0.99),  # "Settings": a capitalized common word, the NER guard drops it
        NerHit(q, q + len("Qorvanth Ilbeck"), "PERSON", 0.97),
        NerHit(0, 4, "PERSON", 0.2),  # below the detector's threshold
    ]
    (plain,) = detector.detect_many([text])
    (with_hits,) = detector.detect_many([text], [hits])
    got = {(text[s.start : s.end], s.label) for s in with_hits}
    assert ("Qorvanth Ilbeck", "PERSON") in got
    assert not any(v in ("Settings", "Open") for v, _ in got)
    covered = {i for s in with_hits for i in range(s.start, s.end)}
    assert all(i in covered for s in plain for i in range(s.start, s.end))  # a union: nothing lost


def test_engine_hits_propagate_over_the_conversation(detector):
    turns = ["Please ask Vexlo about the order.", "vexlo said it arrived", "Ok, thanks Vexlo"]
    hits = [[NerHit(11, 16, "PERSON", 0.95)], [], []]
    spans = detector.detect_turns(turns, None, hits)
    assert [[t[s.start : s.end] for s in sp if s.label == "PERSON"] for t, sp in zip(turns, spans, strict=True)] == [
        ["Vexlo"],
        ["vexlo"],
        ["Vexlo"],
    ]
