"""spaCy's NER in a child process, overlapped with the rest of detection (``Detector(ner_child=True)``).

On a worker that has a second core the runner does not use (the local runner with one worker,
``redact detect``), spaCy and Presidio's recognizers can run at the same time: detection submits the
texts of a batch ahead (``Lookahead.submit``), one child process runs the model's enabled components
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
import signal
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Generic, TypeVar

from transforms.child_process import exited, spawn, stop

if TYPE_CHECKING:  # spaCy is imported when a child starts, not with this module
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

T = TypeVar("T")

log = logging.getLogger(__name__)

CHUNK_TEXTS = 32  # texts per message: the worker waits for the first chunk of a batch only
IN_FLIGHT = 3  # chunks in the child's pipe at a time; the rest wait in the worker, which may run them itself
AHEAD_BATCHES = 2  # batches a caller sends ahead of the one it analyses (``DetectPII``)
KEEP_BATCHES = AHEAD_BATCHES + 1  # untaken artifacts are dropped this many batches after they were sent
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


def _child_main(argv: list[str]) -> int:
    in_fd, out_fd = int(argv[0]), int(argv[1])
    signal.signal(signal.SIGTERM, _exit_on_term)
    send = Connection(out_fd, readable=False)
    try:
        with Connection(in_fd, writable=False) as recv:
            _serve(recv, send)
    except (SystemExit, EOFError, BrokenPipeError):  # stopped, or the worker closed its side
        pass
    except BaseException as exc:  # e.g. the model failed to load: the worker then runs spaCy itself
        with contextlib.suppress(OSError):
            send.send(("fatal", type(exc).__name__))
    finally:
        send.close()
    return 0


def _exit_on_term(_signum, _frame) -> None:
    raise SystemExit(128 + signal.SIGTERM)


class _Channel:
    """What the worker's threads share about one child: chunks queued but not sent (``unsent``), sent but
    not answered, under one condition. At most ``IN_FLIGHT`` chunks are in the pipe at a time, so the
    ones behind them stay in the worker, where it can run one itself (``NerChild.steal``)."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.unsent: deque[list[str]] = deque()
        self.sent: deque[list[str]] = deque()  # in the order the child answers
        self.answered = 0  # answers the reader has seen (of len(sent) + answered ever sent)
        self.closing = False

    def in_flight(self) -> int:
        return len(self.sent) - self.answered


def _feed(conn: Connection, channel: _Channel, spec: ChildSpec) -> None:
    """The worker's side of the child's input pipe (a thread): the spec, then each queued chunk as soon as
    fewer than ``IN_FLIGHT`` are in the pipe, while the worker goes on analysing."""
    try:
        conn.send(spec)
        while True:
            with channel.cond:
                while not channel.closing and not (channel.unsent and channel.in_flight() < IN_FLIGHT):
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
    """One child process running the model's pipeline on chunks of texts, answering in order."""

    def __init__(self, spec: ChildSpec, timeout: float = RESULT_TIMEOUT_S) -> None:
        self._timeout = timeout
        self._proc, results, feed = spawn(__name__)
        self._channel = _Channel()
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
                log.warning("the NER child process failed on a chunk (%s); spaCy runs in process for it", payload)
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
        log.warning("the NER child process %s (%s); spaCy runs in process from now on", status, why)
        self.close()

    def close(self) -> None:
        """Stop the child and its process group (idempotent); outstanding chunks get no result."""
        self.alive = False
        self._finalizer()


class Lookahead:
    """Texts submitted ahead to a ``NerChild``; their artifacts taken in any order, received in order.

    ``to_artifacts(doc)``: Presidio's artifacts of a ``Doc`` (the NLP engine's own conversion);
    ``vocab``: the worker's vocabulary the ``Doc``s are rebuilt on. Each ``submit`` of a text counts one
    ``take`` of it. Artifacts stay until taken as often, or until their caller (a thread: Beam may run
    several DoFn copies on threads sharing one detector) has started ``KEEP_BATCHES`` more batches since
    it last asked for them (a text its batch did not ask for after all); results already back are read
    at each ``new_batch``, so neither they nor the artifacts pile up: memory holds a few batches'."""

    def __init__(
        self,
        child: NerChild,
        to_artifacts: Callable[[Doc], object],
        vocab: Vocab,
        chunk: int = CHUNK_TEXTS,
        here: Callable[[list[str]], list[Doc]] | None = None,
    ) -> None:
        self.child, self._to_artifacts, self._vocab, self._chunk = child, to_artifacts, vocab, chunk
        self._here = here  # the worker's own pipeline, for chunks it runs instead of waiting
        self._batch: dict[int, int] = {}  # caller thread -> its batch number
        self._pending: dict[str, tuple[int, int]] = {}  # sent, not received: text -> (thread, batch)
        self._arrived: dict[str, tuple[tuple[int, int], object]] = {}  # received, not taken: text -> (mark, artifacts)
        self._wanted: dict[str, int] = {}  # takes still expected per text
        self._lock = threading.Lock()
        self.received = 0  # texts whose artifacts came from the child
        self.ran_here = 0  # texts of chunks the worker ran itself while the child was busy

    @property
    def alive(self) -> bool:
        return self.child.alive

    def _mark(self) -> tuple[int, int]:
        thread = threading.get_ident()
        return thread, self._batch.get(thread, 0)

    def new_batch(self) -> None:
        """The calling thread starts a batch: results already back are read, and what this thread's batches
        ``KEEP_BATCHES`` or more back left untaken is dropped."""
        with self._lock:
            thread, batch = self._mark()
            self._batch[thread] = batch + 1
            while self.child.outstanding and self.child.has_result():
                self._receive_one()
            for text in [
                t for t, ((th, b), _) in self._arrived.items() if th == thread and b <= batch + 1 - KEEP_BATCHES
            ]:
                del self._arrived[text]
                self._wanted.pop(text, None)

    def submit(self, texts: Iterable[str], again: bool = True) -> None:
        """Send the texts not already on their way (in chunks, in this order); returns at once. ``again``:
        a text already on its way is expected to be taken once more, now (else it is not counted twice)."""
        with self._lock:
            mark, new = self._mark(), []
            for t in dict.fromkeys(texts):
                if t in self._pending or t in self._arrived:
                    if again:
                        self._wanted[t] = self._wanted.get(t, 0) + 1
                        if t in self._pending:
                            self._pending[t] = mark
                        else:
                            self._arrived[t] = (mark, self._arrived[t][1])
                    continue
                new.append(t)
            for i in range(0, len(new), self._chunk):
                chunk = new[i : i + self._chunk]
                if not self.child.send(chunk):
                    return
                for t in chunk:
                    self._pending[t], self._wanted[t] = mark, 1

    def take(self, text: str) -> object | None:
        """The artifacts of a submitted ``text`` (waiting for its chunk), or ``None``: not submitted, or
        no result for it (the caller then runs spaCy in process, with the same outcome)."""
        with self._lock:
            while text not in self._arrived and text in self._pending:
                if not self.child.has_result() and self._run_here():
                    continue  # rather than wait, the worker ran the newest chunk the child had not got yet
                self._receive_one()
            got = self._arrived.get(text)
            if got is None:
                return None
            left = self._wanted.get(text, 1) - 1
            if left <= 0:
                del self._arrived[text]
                self._wanted.pop(text, None)
            else:
                self._wanted[text] = left
            return got[1]

    def _run_here(self) -> bool:
        """Run the newest chunk not sent to the child yet through the worker's own pipeline; False when
        there is none (or no pipeline here). Same model, same components: the same artifacts."""
        texts = self.child.steal() if self._here is not None else None
        if texts is None:
            return False
        marks = [self._pending.pop(t) for t in texts]
        try:
            docs = self._here(texts)
            for t, mark, d in zip(texts, marks, docs, strict=True):
                self._arrived[t] = (mark, self._to_artifacts(d))
            self.ran_here += len(texts)
        except Exception:  # nothing kept: each of these texts then runs through spaCy on its own
            for t in texts:
                self._wanted.pop(t, None)
        return True

    def _receive_one(self) -> None:
        from spacy.tokens import DocBin

        texts, payload = self.child.receive()
        marks = [self._pending.pop(t) for t in texts]
        if payload is None:
            for t in texts:
                self._wanted.pop(t, None)
            return
        try:
            docs = list(DocBin().from_bytes(payload).get_docs(self._vocab))
            if len(docs) != len(texts) or any(d.text != t for d, t in zip(docs, texts, strict=True)):
                raise ValueError("chunk mismatch")
            for t, mark, d in zip(texts, marks, docs, strict=True):
                self._arrived[t] = (mark, self._to_artifacts(d))
            self.received += len(texts)
        except Exception as exc:  # nothing kept: those texts run in process
            for t in texts:
                self._wanted.pop(t, None)
            log.warning("an NER child result could not be read (%s); spaCy runs in process for it", type(exc).__name__)


def start_lookahead(nlp_engine, model: str, hashes_file: str | None) -> Lookahead | None:
    """A child for Presidio's spaCy engine ``nlp_engine`` (its pipeline as configured, its own conversion
    of a ``Doc`` to artifacts), or ``None`` when it cannot start (one warning; spaCy then runs in process)."""
    nlp, to_artifacts = nlp_engine.nlp["en"], nlp_engine._doc_to_nlp_artifact  # as ``process_batch`` converts
    try:
        child = NerChild(ChildSpec.of(nlp, model, hashes_file))
    except Exception as exc:  # e.g. no process or thread could be started
        log.warning("the NER child process could not start (%s); spaCy runs in process", type(exc).__name__)
        return None
    return Lookahead(
        child,
        lambda doc: to_artifacts(doc, "en"),
        nlp.vocab,
        here=lambda texts: list(nlp.pipe(texts, batch_size=len(texts))),
    )


class ChildUsers:
    """The ``Lookahead`` of a detector's NER child, started for its first user (``attach``; again after a
    child stopped) and stopped with its last (``detach``), so no idle child outlives a pipeline."""

    def __init__(self, start: Callable[[], Lookahead | None]) -> None:
        self._start, self._users, self._lock = start, 0, threading.Lock()
        self.ahead: Lookahead | None = None

    def attach(self) -> None:
        with self._lock:
            self._users += 1
            if self.ahead is None or not self.ahead.alive:
                self.ahead = self._start()

    def detach(self) -> None:
        with self._lock:
            self._users = max(0, self._users - 1)
            if self._users == 0:
                self._stop()

    def close(self) -> None:
        with self._lock:
            self._users = 0
            self._stop()

    def _stop(self) -> None:
        ahead, self.ahead = self.ahead, None
        if ahead is not None:
            ahead.child.close()


class Held(Generic[T]):
    """Batches sent ahead to the NER child and analysed ``depth`` batches later (``DetectPII``, ``redact
    detect``): ``push`` returns those now due, oldest first; ``flush`` all the rest."""

    def __init__(self, depth: int = AHEAD_BATCHES) -> None:
        self.depth, self._items = depth, deque()

    def push(self, item: T) -> list[T]:
        self._items.append(item)
        return [self._items.popleft() for _ in range(len(self._items) - self.depth)]

    def flush(self) -> list[T]:
        out, self._items = list(self._items), deque()
        return out


class Waiting:
    """``Detector._nlp_batch``'s answer when a child runs spaCy: ``get(i)`` gives text ``i``'s artifacts,
    waiting for its chunk only when asked (``known``: those at hand; ``todo``: text -> its indexes), and
    hands each to ``keep(text, artifacts)`` (the detector's memo) once."""

    def __init__(self, known: dict, todo: dict[str, list[int]], lookahead: Lookahead, keep: Callable) -> None:
        self._known, self._lookahead, self._keep = known, lookahead, keep
        self._text_of = {i: t for t, where in todo.items() for i in where}
        self._where = todo

    def get(self, i: int) -> object | None:
        if i in self._known or i not in self._text_of:
            return self._known.get(i)
        text = self._text_of[i]
        art = self._lookahead.take(text)
        if art is not None:
            self._keep(text, art)
        for j in self._where[text]:  # None too: spaCy then runs in process for this text, once per index
            self._known[j] = art
            del self._text_of[j]
        return art


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
