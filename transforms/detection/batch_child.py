"""Whole batches of records detected in a child process beside the worker (``redact run``, one local worker).

On a worker with a second core the runner leaves idle, ``DetectPII`` shares its batches with one child
process that builds the same ``Detector`` from the same configuration and runs ``detect_batch`` (below)
on them, exactly as the worker runs it on the others: the same function on the same input, so the same
spans (a test compares them). The worker queues each batch for the child (``BatchChild.submit``); the
child is sent the oldest queued one as soon as it has answered the last (``IN_FLIGHT``), and whatever is
queued beyond ``SPARE`` the worker takes back, newest first, and detects itself (``spare``), so neither
side waits while there is work and the last batches of a bundle are split as evenly (``rest``).

This replaced the NER child (``ner_child.py``: spaCy alone in the child, everything else in the worker)
for ``redact run``: there the worker's share (Presidio's recognizers, our rules, rebuilding the child's
``Doc``s) was the larger one, most of all on chats' short turns, so the child idled while the worker
was the limit. Splitting whole batches balances by itself and sends only texts one way and spans
(offsets, labels, scores) back. ``redact detect`` still uses the NER child.

Failure never loses or changes a result: a batch the child fails on, or every batch it holds when it
ends or does not answer within ``RESULT_TIMEOUT_S``, is detected in the worker (a warning, no text). A
child that ended or timed out is not used again until a new user attaches (``ChildUsers``).

Privacy contract, as the NER child's: texts (and extra engines' hits) reach the child pickled over an
anonymous pipe, and spans or a failure's reason code come back over another (memory only;
``transforms/child_process.py``); the child logs nothing and reports a failure by its type name only.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from transforms import reasons
from transforms.detection.ner_child import RESULT_TIMEOUT_S, NerChild, _child_main
from transforms.errors import RecordError

log = logging.getLogger(__name__)

IN_FLIGHT = 1  # batches in the child's pipe: the one it runs; the rest stay where the worker can take them
SPARE = 2  # batches queued for the child beyond the one it runs; more are taken back by the worker

# A document: (text, extra engines' hits or None). A conversation: (turn texts, speakers, hits per turn or None).
Docs = list[tuple[str, Any]]
Convs = list[tuple[list[str], list[str], Any]]
# Per document its spans, per conversation its spans per turn; a failure as its reason code (a str).
Results = tuple[list[Any], list[Any]]


def reason_of(exc: BaseException) -> str:
    """The reason code a detection failure quarantines its record with."""
    return exc.reason if isinstance(exc, RecordError) else reasons.DETECT_ERROR


def detect_batch(detector, docs: Docs, convs: Convs) -> Results:
    """One batch, as the worker and the child both detect it: the documents in one ``detect_many`` (a
    failing call fails each of them), one spaCy pass over all the conversations' turns when the detector
    runs spaCy itself (``prefetch``), then each conversation (``detect_turns``, propagation across its
    turns). Never raises: a failure is its record's reason code."""
    doc_out: list[Any] = []
    if docs:
        hits = [h or [] for _, h in docs]
        try:
            found = detector.detect_many([t for t, _ in docs], ner_hits=hits if any(hits) else None)
            doc_out = [reason_of(f) if isinstance(f, RecordError) else f for f in found]
        except Exception as exc:  # fail closed: every document of the call
            doc_out = [reason_of(exc)] * len(docs)
    if len(convs) > 1 and not detector.overlapped:
        detector.prefetch([t for turns, _, _ in convs for t in turns])
    conv_out: list[Any] = []
    for turns, speakers, hits in convs:
        try:
            conv_out.append(detector.detect_turns(turns, speakers, ner_hits=hits))
        except Exception as exc:  # any failure (ours or a library's) quarantines the conversation
            conv_out.append(reason_of(exc))
    return doc_out, conv_out


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """What the child builds its ``Detector`` from: the worker's detection config and batch size."""

    cfg: Any  # transforms.config.DetectionConfig (pickled; the child imports it when it reads this)
    batch_size: int


def _serve(recv: Connection, send: Connection) -> None:
    from transforms.detection.detector import Detector

    spec: BatchSpec = recv.recv()
    detector = Detector(spec.cfg, batch_size=spec.batch_size)
    while True:
        docs, convs = recv.recv()  # EOFError once the worker closes the pipe (or has gone)
        try:
            out = ("ok", detect_batch(detector, docs, convs))
        except Exception as exc:  # the type name only: a message could quote a text
            out = ("error", type(exc).__name__)
        send.send(out)


class BatchChild:
    """The worker's side: batches queued for the child with the caller's own ``job`` (records, window...),
    given back with the child's ``Results``, or with ``None`` when the worker must detect them itself."""

    def __init__(self, spec: BatchSpec, timeout: float = RESULT_TIMEOUT_S) -> None:
        self.child = NerChild(
            spec,
            timeout,
            module=__name__,
            in_flight=IN_FLIGHT,
            name="the detection child process",
            instead="the worker detects its batches",
        )
        self._jobs: dict[int, tuple[object, tuple[Docs, Convs]]] = {}  # id(payload) -> (job, payload)
        self.sent = self.taken_back = 0  # batches queued for the child; of those, detected by the worker

    @property
    def alive(self) -> bool:
        return self.child.alive

    def close(self) -> None:
        """Stop the child (idempotent); what it still holds is given back by ``rest`` with no results."""
        self.child.close()

    def submit(self, job: object, docs: Docs, convs: Convs) -> bool:
        """Queue one batch (returns at once); False when the child is not used any more."""
        payload = (docs, convs)
        if not self.child.send(payload):
            return False
        self._jobs[id(payload)] = (job, payload)
        self.sent += 1
        return True

    def spare(self) -> object | None:
        """A batch queued beyond ``SPARE`` (the newest), taken back for the worker to detect, or None."""
        if self.child.outstanding <= IN_FLIGHT + SPARE:
            return None
        return self._take_back()

    def answered(self) -> Iterator[tuple[object, Results | None]]:
        """(job, results) of each batch whose answer has come, oldest first; never waits."""
        while self.child.outstanding and self.child.has_result():
            yield self._receive()

    def rest(self) -> Iterator[tuple[object, Results | None]]:
        """Everything outstanding (a bundle ends): queued batches are taken back (results ``None``: the
        worker detects each as it is given) while the child finishes the one it runs, which is waited for
        last, at most ``timeout`` seconds per batch."""
        while self.child.outstanding:
            job = self._take_back()
            yield (job, None) if job is not None else self._receive()

    def _take_back(self) -> object | None:
        payload = self.child.steal()
        if payload is None:
            return None
        self.taken_back += 1
        return self._jobs.pop(id(payload))[0]

    def _receive(self) -> tuple[object, Results | None]:
        payload, results = self.child.receive()
        docs, convs = payload
        if results is not None and not _fits(results, len(docs), len(convs)):
            log.warning("a detection child's answer did not fit its batch; the worker detects the batch")
            results = None
        return self._jobs.pop(id(payload))[0], results


def _fits(results: object, docs: int, convs: int) -> bool:
    """One result per document and per conversation, as ``detect_batch`` gives them."""
    return (
        isinstance(results, tuple)
        and len(results) == 2
        and all(isinstance(part, list) for part in results)
        and (len(results[0]), len(results[1])) == (docs, convs)
    )


def start_batch_child(cfg, batch_size: int) -> BatchChild | None:
    """A child for ``cfg``, or None when it cannot start (one warning; the worker detects everything)."""
    try:
        return BatchChild(BatchSpec(cfg, batch_size))
    except Exception as exc:  # e.g. no process or thread could be started
        log.warning(
            "the detection child process could not start (%s); the worker detects its batches", type(exc).__name__
        )
        return None


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:], serve=_serve))
