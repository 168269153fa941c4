"""``DetectPII``: records -> records with spans; detection failures -> quarantine."""

from __future__ import annotations

import logging
from dataclasses import replace

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.utils.shared import Shared

from transforms import reasons
from transforms.config import DetectionConfig
from transforms.counters import NS
from transforms.errors import RecordError
from transforms.known_pii import add_known_spans
from transforms.record import Record, to_quarantine

log = logging.getLogger(__name__)


class DetectPII(beam.PTransform):
    """Outputs ``records`` (spans attached) and ``quarantine``.

    Records are batched (``BatchElements``) so spaCy sees ``batch_size`` documents per ``nlp.pipe``
    call; a conversation's turns go through spaCy together. The detector (spaCy + Presidio) is built
    once per worker process (``Shared``), whatever the number of DoFn instances or stages using it."""

    def __init__(self, cfg: DetectionConfig, progress_every: int = 1000, batch_size: int = 64) -> None:
        super().__init__()
        self.cfg, self.progress_every, self.batch_size = cfg, progress_every, batch_size

    def expand(self, records):
        return (
            records
            | "Batch" >> beam.BatchElements(min_batch_size=self.batch_size, max_batch_size=self.batch_size)
            | "Detect"
            >> beam.ParDo(_DetectFn(self.cfg, self.progress_every, self.batch_size)).with_outputs(
                "quarantine", main="records"
            )
        )


_SHARED = Shared()  # one handle per process; pickled with the DoFn, so every copy finds the same detector


class _DetectFn(beam.DoFn):
    def __init__(self, cfg: DetectionConfig, progress_every: int = 1000, batch_size: int = 64) -> None:
        self.cfg, self.progress_every, self.batch_size = cfg, progress_every, batch_size
        self.detected = Metrics.counter(NS, "detected")
        self._shared = _SHARED

    def setup(self) -> None:
        self.detector = self._shared.acquire(self._build, tag=self.cfg.sha256())
        self.seen = 0

    def _build(self):
        from transforms.detection.detector import Detector

        return Detector(self.cfg, batch_size=self.batch_size)

    def process(self, batch: list[Record]):
        """Never mutates an input record: every output is a copy with spans attached."""
        docs = [r for r in batch if r.turns is None]
        results = detect_documents(self.detector, docs) if docs else []
        chats = [r for r in batch if r.turns is not None]
        if len(chats) > 1:  # one spaCy pass over all their turns instead of one per conversation
            self.detector.prefetch([t.text for r in chats for t in r.turns])
        by_id = {id(r): res for r, res in zip(docs, results, strict=True)}
        for record in batch:
            res = by_id.get(id(record)) if record.turns is None else detect_conversation(self.detector, record)
            if isinstance(res, Exception):
                reason = res.reason if isinstance(res, RecordError) else reasons.DETECT_ERROR
                Metrics.counter(NS, f"quarantined.{reason}").inc()
                yield beam.pvalue.TaggedOutput("quarantine", to_quarantine(record, reason, "detect"))
                continue
            self.detected.inc()
            self.seen += 1
            if self.seen % self.progress_every == 0:
                log.info("detection: %d records on this worker", self.seen)
            yield res


def detect_documents(detector, records: list[Record]) -> list[Record | Exception]:
    """Documents in one batch (``Detector.detect_many``): a copy of each with spans, or its failure."""
    hits = [r.ner_hits[0] if r.ner_hits else [] for r in records]
    try:
        found = detector.detect_many([r.text for r in records], ner_hits=hits if any(hits) else None)
    except Exception as exc:  # a failing batch fails each of its records (fail closed)
        return [exc] * len(records)
    out: list[Record | Exception] = []
    for record, spans in zip(records, found, strict=True):
        out.append(spans if isinstance(spans, RecordError) else _with_spans(record, spans=spans))
    return out


def detect_conversation(detector, record: Record) -> Record | Exception:
    """One conversation (``Detector.detect_turns``, propagation across turns): a copy, or its failure."""
    try:
        turn_spans = detector.detect_turns(
            [t.text for t in record.turns], [t.speaker for t in record.turns], ner_hits=record.ner_hits
        )
        return _with_spans(record, turn_spans=turn_spans)
    except Exception as exc:  # any failure (ours or a library's) quarantines the record: fail closed
        return exc


def _with_spans(record: Record, **spans) -> Record | Exception:
    out = replace(record, ner_hits=None, **spans)
    try:
        add_known_spans(out)  # header addresses/names and speaker labels, wherever they recur
    except Exception as exc:
        return exc
    return out
