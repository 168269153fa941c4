"""``DetectPII``: records -> records with spans; detection failures -> quarantine."""

from __future__ import annotations

import logging
from dataclasses import replace

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import BoundedWindow
from apache_beam.utils.shared import Shared
from apache_beam.utils.timestamp import Timestamp
from apache_beam.utils.windowed_value import WindowedValue

from transforms import reasons
from transforms.config import DetectionConfig
from transforms.counters import NS
from transforms.detection.ner_ahead import AHEAD_BATCHES, Held
from transforms.errors import RecordError
from transforms.known_pii import add_known_spans
from transforms.record import Record, to_quarantine

log = logging.getLogger(__name__)

DEFAULT_BATCH = 64  # records per spaCy batch


class DetectPII(beam.PTransform):
    """Outputs ``records`` (spans attached) and ``quarantine``.

    Records are batched (``BatchElements``) so spaCy sees ``batch_size`` documents per ``nlp.pipe``
    call; a conversation's turns go through spaCy together. The detector (spaCy + Presidio) is built
    once per worker process (``Shared``), whatever the number of DoFn instances or stages using it.
    ``ner_child``: spaCy runs in a child process ahead of the rest of detection (``Detector``'s
    ``ner_child``), for a worker with a core the runner leaves idle; the spans are the same."""

    def __init__(
        self, cfg: DetectionConfig, progress_every: int = 1000, batch_size: int = DEFAULT_BATCH, ner_child: bool = False
    ) -> None:
        super().__init__()
        self.cfg, self.progress_every, self.batch_size, self.ner_child = cfg, progress_every, batch_size, ner_child

    def expand(self, records):
        return (
            records
            | "Batch" >> beam.BatchElements(min_batch_size=self.batch_size, max_batch_size=self.batch_size)
            | "Detect"
            >> beam.ParDo(_DetectFn(self.cfg, self.progress_every, self.batch_size, self.ner_child)).with_outputs(
                "quarantine", main="records"
            )
        )


_SHARED = Shared()  # one handle per process; pickled with the DoFn, so every copy finds the same detector
_PREBUILT: dict[tuple[str, int], object] = {}  # (config sha256, batch size) -> a detector built ahead (prebuild)
# What a prebuilt detector runs once, so its lazy caches are filled too: a fixed sentence, no one's data.
_WARM_TEXT = "Please call the front desk at extension 4 on Monday, or write to the office."


def prebuild(cfg: DetectionConfig | None = None, batch_size: int = DEFAULT_BATCH) -> None:
    """Build (and run once) the detector for ``cfg`` now, for a process that forks workers later
    (``pipelines.warm_workers``): each fork's ``DetectPII`` with the same config and batch size takes it
    instead of building its own. Any failure leaves nothing behind; the worker then builds as usual and
    meets the same error there, where it is reported."""
    from transforms.detection.detector import Detector

    cfg = cfg or DetectionConfig()
    try:
        detector = Detector(cfg, batch_size=batch_size)
        detector.detect_many([_WARM_TEXT])
    except Exception:  # reported by the worker that builds it again
        return
    _PREBUILT[(cfg.sha256(), batch_size)] = detector


class _DetectFn(beam.DoFn):
    _held: Held | None = None  # (batch, window, timestamp) sent to the NER child, not analysed yet

    def __init__(
        self, cfg: DetectionConfig, progress_every: int = 1000, batch_size: int = DEFAULT_BATCH, ner_child: bool = False
    ) -> None:
        self.cfg, self.progress_every, self.batch_size, self.ner_child = cfg, progress_every, batch_size, ner_child
        self.detected = Metrics.counter(NS, "detected")
        self._shared = _SHARED

    def setup(self) -> None:
        self.detector = self._shared.acquire(self._build, tag=self.cfg.sha256())
        if self.ner_child:  # the child runs while a DoFn using it is set up
            self.detector.attach_child()
        self.seen = 0

    def teardown(self) -> None:
        detector = getattr(self, "detector", None)  # None: setup failed before it had one
        if self.ner_child and detector is not None:
            detector.detach_child()

    def _build(self):
        from transforms.detection.detector import Detector

        prebuilt = _PREBUILT.pop((self.cfg.sha256(), self.batch_size), None)
        if prebuilt is not None:
            return prebuilt
        _PREBUILT.clear()  # built for other settings: never taken in this worker, so not kept either
        return Detector(self.cfg, batch_size=self.batch_size)

    def start_bundle(self) -> None:
        self._held = Held(AHEAD_BATCHES)

    def process(self, batch: list[Record], window=beam.DoFn.WindowParam, timestamp=beam.DoFn.TimestampParam):
        """Never mutates an input record: every output is a copy with spans attached.

        With an NER child (``overlapped``), a batch's texts go to the child at once and the batch is
        analysed ``AHEAD_BATCHES`` batches later (or at the bundle's end), so the child always has work
        queued; its outputs keep their own window and timestamp."""
        if self._held is None:
            self._held = Held(AHEAD_BATCHES)
        if not self.detector.overlapped:  # in process (or the child stopped: what it had is analysed here)
            for held in self._held.flush():
                yield from self._detect(*held)
            yield from self._detect(batch)
            return
        chats = [[t.text for t in r.turns] for r in batch if r.turns is not None]
        self.detector.send_ahead([r.text for r in batch if r.turns is None], chats)
        for held in self._held.push((batch, window, timestamp)):
            yield from self._detect(*held)

    def finish_bundle(self):
        for held in self._held.flush() if self._held is not None else []:
            yield from self._detect(*held)

    def _detect(self, batch: list[Record], window=None, timestamp=None):
        docs = [r for r in batch if r.turns is None]
        results = detect_documents(self.detector, docs) if docs else []
        chats = [r for r in batch if r.turns is not None]
        if len(chats) > 1 and not self.detector.overlapped:  # one spaCy pass over all their turns
            self.detector.prefetch([t.text for r in chats for t in r.turns])
        by_id = {id(r): res for r, res in zip(docs, results, strict=True)}
        for record in batch:
            res = by_id.get(id(record)) if record.turns is None else detect_conversation(self.detector, record)
            if isinstance(res, Exception):
                reason = res.reason if isinstance(res, RecordError) else reasons.DETECT_ERROR
                Metrics.counter(NS, f"quarantined.{reason}").inc()
                out = to_quarantine(record, reason, "detect")
                yield beam.pvalue.TaggedOutput("quarantine", _windowed(out, window, timestamp))
                continue
            self.detected.inc()
            self.seen += 1
            if self.seen % self.progress_every == 0:
                log.info("detection: %d records on this worker", self.seen)
            yield _windowed(res, window, timestamp)


def _windowed(value: object, window: BoundedWindow | None, timestamp: Timestamp | None) -> object:
    """``value`` in the window and at the timestamp of the batch it came from (a held batch's outputs
    leave with a later element, or from ``finish_bundle``); as is when that batch is the current one."""
    return value if window is None else WindowedValue(value, timestamp, [window])


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
