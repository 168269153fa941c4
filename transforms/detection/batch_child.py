"""Whole batches of records detected in a child process beside the worker (``redact run``, one local worker).

On a worker with a second core the runner leaves idle, ``DetectPII`` shares its batches with one child
process that builds the same ``Detector`` from the same configuration and runs ``detect_batch`` (below)
on them, exactly as the worker runs it on the others: the same function on the same input, so the same
spans (tests compare them). The worker queues each batch for the child (``BatchChild.submit``); once the
child has built its detector (it says so: a handshake), it is sent the oldest queued batch as soon as it
has answered the last (``IN_FLIGHT``); whatever is queued beyond ``SPARE`` the worker takes back, newest
first, and detects itself (``spare``). At a bundle's end the worker takes back what is still queued and
waits for what the child has (``rest``), so the two finish about together.

This replaced the NER child (``ner_child.py``: spaCy alone in the child, everything else in the worker)
for ``redact run``: there the worker's share (Presidio's recognizers, our rules, rebuilding the child's
``Doc``s) was the larger one, most of all on chats' short turns, and the child idled while the worker
was the limit. Whole batches balance by themselves, and only texts go one way and spans (offsets,
labels, scores) come back. ``redact detect`` still uses the NER child.

Failure never loses or changes a result: a batch the child fails on, an answer that is not the one for
its batch (each carries the batch's number) or does not fit it, and every batch the child holds when it
ends or does not answer within ``RESULT_TIMEOUT_S`` are detected in the worker (a warning, no text). A
child that ended, timed out or sent a wrong answer is stopped and not used again by its DoFn instance.

Privacy contract, as the NER child's: texts (and extra engines' hits) reach the child pickled over an
anonymous pipe, and spans or a failure's reason code come back over another (memory only;
``transforms/child_process.py``). The child runs the same detector code as the worker, which logs no
text; it reports a failure of its own by the exception's type name only.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from transforms import reasons
from transforms.detection.ordered_child import READY, OrderedChild, child_main
from transforms.errors import RecordError

if TYPE_CHECKING:
    from transforms.config import DetectionConfig

IN_FLIGHT = 1  # batches in the child's pipe: the one it runs; the rest stay where the worker can take them
SPARE = 2  # batches kept queued for the child beyond the one it runs; the worker takes back the others
RESULT_TIMEOUT_S = 1800.0  # for one batch (``DetectPII``'s batch size of records, long ones in chunks)

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
    turns). Never raises: a failure is its record's reason code; one result per document and per
    conversation, one span list per turn (else that record fails)."""
    doc_out: list[Any] = []
    if docs:
        hits = [h or [] for _, h in docs]
        try:
            found = detector.detect_many([t for t, _ in docs], ner_hits=hits if any(hits) else None)
            if len(found) != len(docs):
                raise RecordError(reasons.DETECT_ERROR, "one result per document expected")
            doc_out = [reason_of(f) if isinstance(f, RecordError) else f for f in found]
        except Exception as exc:  # fail closed: every document of the call
            doc_out = [reason_of(exc)] * len(docs)
    if len(convs) > 1 and not detector.overlapped:
        detector.prefetch([t for turns, _, _ in convs for t in turns])
    conv_out: list[Any] = []
    for turns, speakers, hits in convs:
        try:
            per_turn = detector.detect_turns(turns, speakers, ner_hits=hits)
            if len(per_turn) != len(turns):
                raise RecordError(reasons.DETECT_ERROR, "one result per turn expected")
            conv_out.append(per_turn)
        except Exception as exc:  # any failure (ours or a library's) quarantines the conversation
            conv_out.append(reason_of(exc))
    return doc_out, conv_out


def fits(results: object, docs: Docs, convs: Convs) -> bool:
    """Is ``results`` shaped as ``detect_batch``'s answer for this batch: a reason code or a span list per
    document, a reason code or one span list per turn per conversation?"""
    if not (isinstance(results, tuple) and len(results) == 2 and all(isinstance(p, list) for p in results)):
        return False
    doc_res, conv_res = results
    if len(doc_res) != len(docs) or len(conv_res) != len(convs):
        return False
    return all(isinstance(r, str | list) for r in doc_res) and all(
        isinstance(r, str) or (isinstance(r, list) and len(r) == len(turns))
        for r, (turns, _, _) in zip(conv_res, convs, strict=True)
    )


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """What the child builds its ``Detector`` from: the worker's detection config and batch size."""

    cfg: DetectionConfig
    batch_size: int


def _serve(recv: Connection, send: Connection) -> None:
    from transforms.detection.detector import Detector

    spec: BatchSpec = recv.recv()
    detector = Detector(spec.cfg, batch_size=spec.batch_size)
    send.send(READY)
    while True:
        number, docs, convs = recv.recv()  # EOFError once the worker closes the pipe (or has gone)
        try:
            out = ("ok", (number, detect_batch(detector, docs, convs)))
        except Exception as exc:  # the type name only: a message could quote a text
            out = ("error", type(exc).__name__)
        send.send(out)


class BatchChild:
    """The worker's side: batches queued for the child with the caller's own ``job`` (records, window...),
    given back with the child's ``Results``, or with ``None`` when the worker must detect them itself."""

    def __init__(self, spec: BatchSpec, timeout: float = RESULT_TIMEOUT_S, module: str = __name__) -> None:
        """``module``: the child's (tests run stand-ins that misbehave on purpose)."""
        self.child = OrderedChild(
            module,
            spec,
            timeout=timeout,
            in_flight=IN_FLIGHT,
            name="the detection child process",
            instead="the worker detects its batches",
            handshake=True,  # nothing waits on the child while it builds its detector
        )
        self._numbers = itertools.count()
        self._jobs: dict[int, object] = {}  # batch number -> the caller's job
        self.sent = self.taken_back = 0  # batches queued for the child; of those, detected by the worker

    @property
    def alive(self) -> bool:
        return self.child.alive

    @property
    def outstanding(self) -> int:
        """Batches queued or with the child whose results have not been given back."""
        return len(self._jobs)

    def close(self) -> None:
        """Stop the child (idempotent); what it still holds is given back by ``rest`` with no results."""
        self.child.close()

    def submit(self, job: object, docs: Docs, convs: Convs) -> bool:
        """Queue one batch (returns at once); False when the child is not used any more."""
        number = next(self._numbers)
        if not self.child.send((number, docs, convs)):
            return False
        self._jobs[number] = job
        self.sent += 1
        return True

    def spare(self) -> object | None:
        """A batch queued beyond ``SPARE`` (the newest), taken back for the worker to detect, or None."""
        return self._take_back() if self.child.queued > SPARE else None

    def answered(self) -> Iterator[tuple[object, Results | None]]:
        """(job, results) of each batch whose answer has come, oldest first; never waits for an answer."""
        while self.child.outstanding and self.child.has_result():
            yield self._receive()

    def rest(self) -> Iterator[tuple[object, Results | None]]:
        """Everything outstanding (a bundle ends): queued batches are taken back, newest first (results
        ``None``: the worker detects each as it is given), and what the child has is waited for, at most
        ``timeout`` seconds per batch."""
        while self.child.outstanding:
            job = self._take_back()
            yield (job, None) if job is not None else self._receive()

    def _take_back(self) -> object | None:
        chunk = self.child.steal()
        if chunk is None:
            return None
        self.taken_back += 1
        return self._jobs.pop(chunk[0])

    def _receive(self) -> tuple[object, Results | None]:
        (number, docs, convs), answer = self.child.receive()
        job = self._jobs.pop(number)
        if answer is None:
            return job, None
        if not (isinstance(answer, tuple) and len(answer) == 2 and answer[0] == number):
            why = "out of step"
        elif not fits(answer[1], docs, convs):
            why = "wrong shape"
        else:
            return job, answer[1]
        self.child.give_up("sent an answer that is not its batch's", why)  # nor any later one
        return job, None


def start_batch_child(cfg: DetectionConfig, batch_size: int) -> BatchChild | None:
    """A child for ``cfg``, or None when it cannot start (one warning; the worker detects everything)."""
    import logging

    try:
        return BatchChild(BatchSpec(cfg, batch_size))
    except Exception as exc:  # e.g. no process or thread could be started
        logging.getLogger(__name__).warning(
            "the detection child process could not start (%s); the worker detects its batches", type(exc).__name__
        )
        return None


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:], _serve))
