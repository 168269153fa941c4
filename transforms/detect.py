"""``DetectPII``: records -> records with spans; detection failures -> quarantine."""

from __future__ import annotations

import logging

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms import reasons
from transforms.config import DetectionConfig
from transforms.counters import NS
from transforms.errors import RecordError
from transforms.known_pii import add_known_spans
from transforms.record import Record, to_quarantine

log = logging.getLogger(__name__)


class DetectPII(beam.PTransform):
    """Outputs ``records`` (spans attached) and ``quarantine``."""

    def __init__(self, cfg: DetectionConfig, progress_every: int = 1000) -> None:
        super().__init__()
        self.cfg, self.progress_every = cfg, progress_every

    def expand(self, records):
        return records | "Detect" >> beam.ParDo(_DetectFn(self.cfg, self.progress_every)).with_outputs(
            "quarantine", main="records"
        )


class _DetectFn(beam.DoFn):
    def __init__(self, cfg: DetectionConfig, progress_every: int) -> None:
        self.cfg, self.progress_every = cfg, progress_every
        self.detected = Metrics.counter(NS, "detected")

    def setup(self) -> None:
        from transforms.detection.detector import Detector

        self.detector = Detector(self.cfg)
        self.seen = 0

    def process(self, record: Record):
        try:
            if record.turns is not None:
                record.turn_spans = self.detector.detect_turns(
                    [t.text for t in record.turns], [t.speaker for t in record.turns]
                )
            else:
                record.spans = self.detector.detect(record.text)
            add_known_spans(record)  # header addresses/names and speaker labels, wherever they recur
        except Exception as exc:  # any failure (ours or a library's) quarantines the record: fail closed
            reason = exc.reason if isinstance(exc, RecordError) else reasons.DETECT_ERROR
            Metrics.counter(NS, f"quarantined.{reason}").inc()
            yield beam.pvalue.TaggedOutput("quarantine", to_quarantine(record, reason, "detect"))
            return
        self.detected.inc()
        self.seen += 1
        if self.seen % self.progress_every == 0:
            log.info("detection: %d records on this worker", self.seen)
        yield record
