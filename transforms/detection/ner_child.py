"""spaCy's NER in a child process, overlapped with the rest of detection (``Detector(ner_child=True)``).

This module is the child and the worker's pipes to it (``NerChild``); ``ner_ahead.py`` is the worker's
bookkeeping of what it sent ahead (``Lookahead``, ``Held``, ``ChildUsers``).

On a worker that has a second core the runner does not use (the local runner with one worker,
``redact detect``), spaCy and Presidio's recognizers can run at the same time: detection submits the
texts of a batch ahead (``ner_ahead.Lookahead.submit``), one child process runs the model's enabled components
over them in chunks of ``CHUNK_TEXTS``, and the worker analyses each text as soon as its chunk is back
(``Lookahead.take``) while the child runs the next ones. At most ``IN_FLIGHT`` chunks are in the
child's pipe; when the worker would wait for the child, it runs the newest chunk still queued on its
own side through its own pipeline instead (``Lookahead._run_here``), so the two share the NER when the
rules run out of work (on the bench corpus the worker's wait fell from about 5 to 1.6 s of 16 s). The child sends each chunk's ``Doc``s as a
``DocBin`` (its default token attributes: text, whitespace, tags, lemmas, morphology, parse, sentence
starts, entities; no user data, which nothing in detection sets or reads); the worker rebuilds them on its own vocabulary
(the same verified model) and makes Presidio's artifacts from them exactly as ``nlp.pipe`` in process
would, so spans are the same either way (a test compares them).

Failure never loses or changes a result: a chunk the child fails on, a child that ends, or one that
does not answer within ``RESULT_TIMEOUT_S`` gives no artifacts, and detection runs spaCy in process for
those texts (a warning each time, no text). A chunk failure leaves the child in use; a child that ended
or timed out is stopped and not used again by this detector until a new user attaches (``ChildUsers``:
the next ``DetectPII`` setup starts a fresh one).

Privacy contract: texts reach the child pickled over an anonymous pipe and come back as ``DocBin``
bytes over another (memory only; ``transforms/child_process.py``); the child logs nothing and sends a
failure as the exception's type name only. It ends when the worker closes its input pipe (also when
the worker dies), or is stopped with its process group (``close``; also when the detector is
garbage-collected).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from transforms.child_process import exit_on_term, exited, spawn, stop

if TYPE_CHECKING:  # spaCy is imported when a child starts, not with this module
    from spacy.language import Language

log = logging.getLogger(__name__)

CHUNK_TEXTS = 32  # texts per message: the worker waits for the first chunk of a batch only
IN_FLIGHT = 3  # chunks in the child's pipe at a time; the rest wait in the worker, which may run them itself
RESULT_TIMEOUT_S = 600.0  # for one chunk (at most CHUNK_TEXTS texts of at most ``chunk_chars`` each)
POLL_S = 1.0  # between checks that the child still lives while waiting


@dataclass(frozen=True, slots=True)
class ChildSpec:
    """What the child loads: the model (verified against ``hashes_file``), its enabled components and
    ``max_length``, as the worker's own pipeline has them. Plain values (the child imports no config)."""

    model: str
    hashes_file: str | None
    pipes: tuple[str, ...]
    max_length: int

    @classmethod
    def of(cls, nlp: Language, model: str, hashes_file: str | None) -> ChildSpec:
        return cls(model, hashes_file, tuple(nlp.pipe_names), nlp.max_length)


def _load(spec: ChildSpec):
    import spacy

    from transforms.detection.model_integrity import verify_model
    from transforms.detection.offline import ensure_offline

    ensure_offline()
    verify_model(spec.model, spec.hashes_file)
    nlp = spacy.load(spec.model)
    nlp.select_pipes(enable=list(spec.pipes))
    nlp.max_length = spec.max_length
    return nlp


def _serve(recv: Connection, send: Connection) -> None:
    from spacy.tokens import DocBin

    nlp = _load(recv.recv())
    while True:
        texts = recv.recv()  # EOFError once the worker closes the pipe (or has gone)
        try:
            bin_ = DocBin(docs=nlp.pipe(texts, batch_size=len(texts)))
            out = ("ok", bin_.to_bytes())
        except Exception as exc:  # the type name only: a message could quote a text
            out = ("error", type(exc).__name__)
        send.send(out)


def _child_main(argv: list[str], serve: Callable[[Connection, Connection], None] = _serve) -> int:
    """A child's life: ``serve`` (this module's spaCy loop, or another child module's) on the two pipes
    named by ``argv``, until the worker closes its side; a failure is sent as its type name only."""
    in_fd, out_fd = int(argv[0]), int(argv[1])
    exit_on_term()
    send = Connection(out_fd, readable=False)
    try:
        with Connection(in_fd, writable=False) as recv:
            serve(recv, send)
    except (SystemExit, EOFError, BrokenPipeError):  # stopped, or the worker closed its side
        pass
    except BaseException as exc:  # e.g. the model failed to load: the worker then runs spaCy itself
        with contextlib.suppress(OSError):
            send.send(("fatal", type(exc).__name__))
    finally:
        send.close()
    return 0


class _Channel:
    """What the worker's threads share about one child: chunks queued but not sent (``unsent``), sent but
    not answered, under one condition. At most ``IN_FLIGHT`` chunks are in the pipe at a time, so the
    ones behind them stay in the worker, where it can run one itself (``NerChild.steal``)."""

    def __init__(self, in_flight: int) -> None:
        self.limit = in_flight  # chunks in the pipe at a time
        self.cond = threading.Condition()
        self.unsent: deque[list[str]] = deque()
        self.sent: deque[list[str]] = deque()  # in the order the child answers
        self.answered = 0  # answers the reader has seen (of len(sent) + answered ever sent)
        self.closing = False

    def in_flight(self) -> int:
        return len(self.sent) - self.answered

    def may_send(self) -> bool:
        return bool(self.unsent) and self.in_flight() < self.limit


def _feed(conn: Connection, channel: _Channel, spec: ChildSpec) -> None:
    """The worker's side of the child's input pipe (a thread): the spec, then each queued chunk as soon as
    fewer than the channel's ``limit`` (``IN_FLIGHT``) are in the pipe, while the worker goes on analysing."""
    try:
        conn.send(spec)
        while True:
            with channel.cond:
                while not channel.closing and not channel.may_send():
                    channel.cond.wait(POLL_S)  # bounded waits; woken by ``send`` and the reader
                if channel.closing:
                    return
                texts = channel.unsent.popleft()
                channel.sent.append(texts)
            conn.send(texts)
    except OSError:  # the child has gone; ``NerChild.receive`` reports that
        pass
    finally:
        conn.close()


def _drain(conn: Connection, inbox: queue.SimpleQueue, channel: _Channel) -> None:
    """The worker's side of the child's output pipe (a thread): results are read as soon as they come,
    so the child never waits for the worker to read before it runs the next chunk."""
    try:
        while True:
            answer = conn.recv()
            with channel.cond:
                channel.answered += 1
                channel.cond.notify_all()
            inbox.put(answer)
    except (EOFError, OSError):  # the child has gone (or the pipe was closed)
        inbox.put(("gone", "ended"))
    except BaseException as exc:  # an answer that cannot be read: the child is not trusted any more
        inbox.put(("gone", f"unreadable answer, {type(exc).__name__}"))
    finally:
        conn.close()


def _shutdown(proc, channel: _Channel, threads: tuple[threading.Thread, ...]) -> None:
    with channel.cond:  # the feeder closes the pipe: the child's next read ends it
        channel.closing = True
        channel.cond.notify_all()
    stop(proc, wait=1.0)
    for thread in threads:  # their pipes fail or end once the child is gone (bounded regardless)
        if thread.is_alive():
            thread.join(5.0)


class NerChild:
    """One child process running the model's pipeline on chunks of texts, answering in order.

    The pipes, threads, timeouts and stealing are the same for any child that answers one message per
    message in order: ``module`` names another child (its ``__main__`` runs ``_child_main`` with its own
    ``serve``; ``batch_child.py``), ``spec`` is whatever that child reads first, and a "chunk" is then
    whatever it is sent (``send``, ``steal`` and ``receive`` hand back the same object); ``name`` and
    ``instead`` word its warnings."""

    def __init__(
        self,
        spec: object,
        timeout: float = RESULT_TIMEOUT_S,
        module: str = __name__,
        in_flight: int | None = None,
        name: str = "the NER child process",
        instead: str = "spaCy runs in process",
    ) -> None:
        self._timeout, self._name, self._instead = timeout, name, instead
        self._proc, results, feed = spawn(module)
        self._channel = _Channel(IN_FLIGHT if in_flight is None else in_flight)
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()  # answers received (``_drain``)
        threads = (
            threading.Thread(target=_feed, args=(feed, self._channel, spec), daemon=True, name="ner-child-feed"),
            threading.Thread(
                target=_drain, args=(results, self._inbox, self._channel), daemon=True, name="ner-child-drain"
            ),
        )
        self.alive = True
        self._finalizer = weakref.finalize(self, _shutdown, self._proc, self._channel, threads)
        try:
            for thread in threads:
                thread.start()
        except BaseException:
            self.close()
            raise

    def send(self, texts: list[str]) -> bool:
        """Queue one chunk (returns at once); False once the child is not used any more."""
        if not self.alive:
            return False
        with self._channel.cond:
            self._channel.unsent.append(texts)
            self._channel.cond.notify_all()
        return True

    @property
    def outstanding(self) -> int:
        """Chunks queued or sent whose answer has not been taken with ``receive`` (nor stolen)."""
        with self._channel.cond:
            return len(self._channel.sent) + len(self._channel.unsent)

    @property
    def in_flight(self) -> int:
        """Chunks in the child's pipe: sent, not answered yet."""
        with self._channel.cond:
            return self._channel.in_flight()

    def has_result(self) -> bool:
        """Has an answer (or the news that the child has gone) arrived, so ``receive`` will not wait?"""
        return not self._inbox.empty()

    def steal(self) -> list[str] | None:
        """The newest queued chunk not sent to the child yet (the worker runs it itself), or ``None``."""
        with self._channel.cond:
            return self._channel.unsent.pop() if self._channel.unsent else None

    def receive(self) -> tuple[list[str], bytes | None]:
        """The oldest outstanding chunk and its ``DocBin`` bytes (``None``: no result for it, after a
        failure). Waits at most ``timeout`` seconds; a child that ended or timed out is stopped."""
        if not self.alive:
            return self._oldest(answered=False), None
        status, payload = self._wait()
        texts = self._oldest(answered=status in ("ok", "error"))
        if status != "ok":
            if status != "error":  # gone, timed out or failed to start: never used again
                self._give_up(status, payload)
            else:
                log.warning("%s failed on a chunk (%s); %s for it", self._name, payload, self._instead)
            return texts, None
        return texts, payload

    def _oldest(self, answered: bool) -> list[str]:
        with self._channel.cond:
            ch = self._channel
            if ch.sent:
                if answered:  # its answer is taken: no longer counted
                    ch.answered -= 1
                return ch.sent.popleft()
            return ch.unsent.popleft()

    def _wait(self) -> tuple[str, object]:
        deadline = time.monotonic() + self._timeout
        while True:  # bounded: at most ``timeout`` seconds, in steps of ``POLL_S``
            try:
                return self._inbox.get(timeout=max(0.001, min(POLL_S, deadline - time.monotonic())))
            except queue.Empty:
                pass
            if exited(self._proc.pid, 0) and self._inbox.empty():
                return "gone", "ended"
            if time.monotonic() >= deadline:
                return "gone", f"no answer within {self._timeout:g} s"

    def _give_up(self, status: str, why: object) -> None:
        log.warning("%s %s (%s); %s from now on", self._name, status, why, self._instead)
        self.close()

    def close(self) -> None:
        """Stop the child and its process group (idempotent); outstanding chunks get no result."""
        self.alive = False
        self._finalizer()


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
