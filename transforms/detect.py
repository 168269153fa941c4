"""``DetectPII``: records -> records with spans; detection failures -> quarantine."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import BoundedWindow
from apache_beam.utils.shared import Shared
from apache_beam.utils.timestamp import Timestamp
from apache_beam.utils.windowed_value import WindowedValue

from transforms.config import DetectionConfig
from transforms.counters import NS
from transforms.detection.batch_child import (
    BatchChild,
    Convs,
    Docs,
    Results,
    detect_batch,
    reason_of,
    start_batch_child,
)
from transforms.known_pii import add_known_spans
from transforms.record import Record, to_quarantine

log = logging.getLogger(__name__)

DEFAULT_BATCH = 64  # records per spaCy batch


class DetectPII(beam.PTransform):
    """Outputs ``records`` (spans attached) and ``quarantine``.

    Records are batched (``BatchElements``) so spaCy sees ``batch_size`` documents per ``nlp.pipe``
    call; a conversation's turns go through spaCy together. The detector (spaCy + Presidio) is built
    once per worker process (``Shared``), whatever the number of DoFn instances or stages using it.
    ``ner_child``: the first DoFn instance set up in a worker process shares its batches with a
    detection child process that builds the same detector (``batch_child.py``), for a worker with a core
    the runner leaves idle; the spans are the same."""

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
_CHILD_SLOT = threading.Lock()  # held by the DoFn instance that runs this process's detection child
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
    _child: BatchChild | None = None  # this instance's detection child (``ner_child``), from setup to teardown

    def __init__(
        self, cfg: DetectionConfig, progress_every: int = 1000, batch_size: int = DEFAULT_BATCH, ner_child: bool = False
    ) -> None:
        self.cfg, self.progress_every, self.batch_size, self.ner_child = cfg, progress_every, batch_size, ner_child
        self.detected = Metrics.counter(NS, "detected")
        self._shared = _SHARED

    def setup(self) -> None:
        # One child per worker process, for the first instance set up: its batches never reach another
        # instance's bundles, and instances on threads (which share one core's worth of Python) do not
        # start one each.
        if self.ner_child and _CHILD_SLOT.acquire(blocking=False):
            self._start_child()  # first: it builds while we do
        try:
            self.detector = self._shared.acquire(self._build, tag=self.cfg.sha256())
        except BaseException:  # Beam does not tear down a DoFn whose setup failed: the child and slot go now
            self.teardown()
            raise
        self.seen = 0

    def teardown(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            try:
                child.close()
            finally:
                _CHILD_SLOT.release()

    def _build(self):
        from transforms.detection.detector import Detector

        prebuilt = _PREBUILT.pop((self.cfg.sha256(), self.batch_size), None)
        if prebuilt is not None:
            return prebuilt
        _PREBUILT.clear()  # built for other settings: never taken in this worker, so not kept either
        return Detector(self.cfg, batch_size=self.batch_size)

    def start_bundle(self) -> None:
        if self._child is not None and self._child.outstanding:  # left by a bundle that failed: the
            self._child.close()  # runner retries its records, so none of them may come out here
            self._start_child()

    def _start_child(self) -> None:
        """A detection child for this instance, which holds ``_CHILD_SLOT``; the slot goes back when none
        could start (the worker then detects every batch)."""
        self._child = start_batch_child(self.cfg, self.batch_size)
        if self._child is None:
            _CHILD_SLOT.release()

    def process(self, batch: list[Record], window=beam.DoFn.WindowParam, timestamp=beam.DoFn.TimestampParam):
        """Never mutates an input record: every output is a copy with spans attached.

        With a detection child (``batch_child.py``) the batch is queued for it; the worker emits the
        batches the child has answered, then detects those queued beyond what the child needs next
        (newest first). Outputs keep their own batch's window and timestamp."""
        child = self._child
        if child is None or not child.submit((batch, window, timestamp), *_payload(batch)):
            yield from self._rest()  # a child that stopped: the batches it held are detected here
            yield from self._emit(batch)
            return
        for job, results in child.answered():
            yield from self._emit(*job, results=results)
        while (job := child.spare()) is not None:
            yield from self._emit(*job)

    def finish_bundle(self):
        yield from self._rest()

    def _rest(self):
        for job, results in self._child.rest() if self._child is not None else ():
            yield from self._emit(*job, results=results)

    def _emit(self, batch: list[Record], window=None, timestamp=None, results: Results | None = None):
        """The batch's records, each a copy with its spans (``results``: the child's; None: detected here,
        now, by the same ``detect_batch``), or to quarantine with the reason its detection failed."""
        docs = [r for r in batch if r.turns is None]
        chats = [r for r in batch if r.turns is not None]
        doc_results, chat_results = results if results is not None else detect_batch(self.detector, *_payload(batch))
        found = dict(zip(map(id, docs), doc_results, strict=True))
        found.update(zip(map(id, chats), chat_results, strict=True))
        for record in batch:
            res = found[id(record)]
            if isinstance(res, str):  # the reason code its detection failed with
                out: Record | Exception | None = None
                reason = res
            else:
                out = _with_spans(record, **{"turn_spans" if record.turns is not None else "spans": res})
                reason = reason_of(out) if isinstance(out, Exception) else None
            if reason is not None:
                Metrics.counter(NS, f"quarantined.{reason}").inc()
                quarantined = to_quarantine(record, reason, "detect")
                yield beam.pvalue.TaggedOutput("quarantine", _windowed(quarantined, window, timestamp))
                continue
            self.detected.inc()
            self.seen += 1
            if self.seen % self.progress_every == 0:
                log.info("detection: %d records on this worker", self.seen)
            yield _windowed(out, window, timestamp)


def _payload(batch: list[Record]) -> tuple[Docs, Convs]:
    """What ``detect_batch`` reads of a batch: documents, then conversations, in the batch's order."""
    docs = [(r.text, r.ner_hits[0] if r.ner_hits else None) for r in batch if r.turns is None]
    convs = [
        ([t.text for t in r.turns], [t.speaker for t in r.turns], r.ner_hits) for r in batch if r.turns is not None
    ]
    return docs, convs


def _windowed(value: object, window: BoundedWindow | None, timestamp: Timestamp | None) -> object:
    """``value`` in the window and at the timestamp of the batch it came from (a batch the child detected
    leaves with a later element, or from ``finish_bundle``); as is when that batch is the current one."""
    return value if window is None else WindowedValue(value, timestamp, [window])


def _with_spans(record: Record, **spans) -> Record | Exception:
    out = replace(record, ner_hits=None, **spans)
    try:
        add_known_spans(out)  # header addresses/names and speaker labels, wherever they recur
    except Exception as exc:
        return exc
    return out
