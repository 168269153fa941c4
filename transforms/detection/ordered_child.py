"""A child process that answers, in order, each chunk of work it is sent (Beam-free).

The worker's side of a helper process: a feeder thread sends the ``spec`` and then each queued chunk
while fewer than ``in_flight`` are in the child's pipe; a reader thread takes every answer as soon as it
comes, so the child never waits for the worker to read. Chunks not sent yet stay here, where the caller
may take the newest back and do it itself (``steal``). Every wait is bounded (``timeout`` per answer,
polled every ``POLL_S`` for a child that ended); a child that ended, timed out or failed to start is
stopped and never used again, and its outstanding chunks come back without a result. The child itself
is a module whose ``__main__`` runs ``child_main`` with its own ``serve`` loop
(``ner_child.py``: spaCy's NER; ``batch_child.py``: whole batches of detection).

Privacy: chunks and answers travel pickled over anonymous pipes (memory only;
``transforms/child_process.py``); a failure is reported by its exception's type name only.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection

from transforms.child_process import exit_on_term, exited, spawn, stop

log = logging.getLogger(__name__)

POLL_S = 1.0  # between checks that the child still lives while waiting
READY = ("ready",)  # a child with a handshake says this once, when it is set up


def child_main(argv: list[str], serve: Callable[[Connection, Connection], None]) -> int:
    """A child's life (its module's ``__main__``): ``serve`` on the two pipes named by ``argv`` until the
    worker closes its side; a failure is sent as ``("fatal", its type name)`` only."""
    in_fd, out_fd = int(argv[0]), int(argv[1])
    exit_on_term()
    send = Connection(out_fd, readable=False)
    try:
        with Connection(in_fd, writable=False) as recv:
            serve(recv, send)
    except (SystemExit, EOFError, BrokenPipeError):  # stopped, or the worker closed its side
        pass
    except BaseException as exc:  # e.g. the model failed to load: the caller goes on without it
        with contextlib.suppress(OSError):
            send.send(("fatal", type(exc).__name__))
    finally:
        send.close()
    return 0


class _Channel:
    """What the worker's threads share about one child: chunks queued but not sent (``unsent``), sent but
    not answered, under one condition. At most ``limit`` chunks are in the pipe at a time, so the ones
    behind them stay in the worker, where it can take one back (``OrderedChild.steal``). With a
    handshake, nothing is sent before the child says it is ready."""

    def __init__(self, in_flight: int, ready: bool) -> None:
        self.limit = in_flight  # chunks in the pipe at a time
        self.ready = ready  # False until a child with a handshake has said ("ready",)
        self.cond = threading.Condition()
        self.unsent: deque[object] = deque()
        self.sent: deque[object] = deque()  # in the order the child answers
        self.answered = 0  # answers the reader has seen (of len(sent) + answered ever sent)
        self.closing = False

    def in_flight(self) -> int:
        return len(self.sent) - self.answered

    def may_send(self) -> bool:
        return self.ready and bool(self.unsent) and self.in_flight() < self.limit


def _feed(conn: Connection, channel: _Channel, spec: object, inbox: queue.SimpleQueue) -> None:
    """The worker's side of the child's input pipe (a thread): the spec, then each queued chunk as soon as
    fewer than the channel's ``limit`` are in the pipe (and the child is ready), while the worker goes on."""
    try:
        conn.send(spec)
        while True:
            with channel.cond:
                while not channel.closing and not channel.may_send():
                    channel.cond.wait(POLL_S)  # bounded waits; woken by ``send`` and the reader
                if channel.closing:
                    return
                chunk = channel.unsent.popleft()
                channel.sent.append(chunk)
            conn.send(chunk)
    except OSError:  # the child has gone; ``OrderedChild.receive`` reports that
        pass
    except Exception as exc:  # e.g. a chunk that cannot be pickled: the child is not used any more
        inbox.put(("gone", f"could not be sent a chunk, {type(exc).__name__}"))
    finally:
        conn.close()


def _drain(conn: Connection, inbox: queue.SimpleQueue, channel: _Channel) -> None:
    """The worker's side of the child's output pipe (a thread): results are read as soon as they come,
    so the child never waits for the worker to read before it runs the next chunk."""
    try:
        while True:
            answer = conn.recv()
            with channel.cond:
                if answer == READY and not channel.ready:  # the handshake: chunks may go now
                    channel.ready = True
                    channel.cond.notify_all()
                    continue
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


class OrderedChild:
    """One child process (``python -P -m module``) answering each chunk it is sent, in order.

    ``spec`` is the first thing the child reads; a chunk is whatever the caller sends (``send``, ``steal``
    and ``receive`` hand back the same object). At most ``in_flight`` chunks are in the child's pipe;
    the others wait here, where the caller may take one back. ``handshake``: the child says ``READY``
    once it is set up, and nothing is sent before, so a slow start keeps every chunk takeable. ``name``
    and ``instead`` word its warnings (what it is, and what the caller does without it)."""

    def __init__(
        self,
        module: str,
        spec: object,
        *,
        timeout: float,
        in_flight: int,
        name: str,
        instead: str,
        handshake: bool = False,
    ) -> None:
        self._timeout, self._name, self._instead = timeout, name, instead
        self._proc, results, feed = spawn(module)
        self._channel = _Channel(in_flight, ready=not handshake)
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()  # answers received (``_drain``)
        tag = module.rsplit(".", 1)[-1].replace("_", "-")
        threads = (
            threading.Thread(
                target=_feed, args=(feed, self._channel, spec, self._inbox), daemon=True, name=f"{tag}-feed"
            ),
            threading.Thread(
                target=_drain, args=(results, self._inbox, self._channel), daemon=True, name=f"{tag}-drain"
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

    def send(self, chunk: object) -> bool:
        """Queue one chunk (returns at once); False once the child is not used any more."""
        if not self.alive:
            return False
        with self._channel.cond:
            self._channel.unsent.append(chunk)
            self._channel.cond.notify_all()
        return True

    @property
    def outstanding(self) -> int:
        """Chunks queued or sent whose answer has not been taken with ``receive`` (nor stolen)."""
        with self._channel.cond:
            return len(self._channel.sent) + len(self._channel.unsent)

    @property
    def ready(self) -> bool:
        """Has the child said it is set up (always, without a handshake)? Chunks are sent only then."""
        with self._channel.cond:
            return self._channel.ready

    @property
    def queued(self) -> int:
        """Chunks not sent to the child yet (the ones ``steal`` can take back)."""
        with self._channel.cond:
            return len(self._channel.unsent)

    @property
    def in_flight(self) -> int:
        """Chunks in the child's pipe: sent, not answered yet."""
        with self._channel.cond:
            return self._channel.in_flight()

    def has_result(self) -> bool:
        """Has an answer (or the news that the child has gone) arrived, so ``receive`` will not wait?"""
        return not self._inbox.empty()

    def steal(self) -> object | None:
        """The newest queued chunk not sent to the child yet (the caller runs it itself), or ``None``."""
        with self._channel.cond:
            return self._channel.unsent.pop() if self._channel.unsent else None

    def receive(self) -> tuple[object, object | None]:
        """The oldest outstanding chunk and the child's answer (``None``: no result for it, after a
        failure). Waits at most ``timeout`` seconds; a child that ended or timed out is stopped."""
        if not self.alive:
            return self._oldest(answered=False), None
        answer = self._wait()
        if not (isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[0], str)):
            answer = ("gone", "unreadable answer")  # not one of the child's messages: not trusted any more
        status, payload = answer
        chunk = self._oldest(answered=status in ("ok", "error"))
        if status != "ok":
            if status != "error":  # gone, timed out or failed to start: never used again
                self.give_up(status, payload)
            else:
                log.warning("%s failed on a chunk (%s); %s for it", self._name, payload, self._instead)
            return chunk, None
        return chunk, payload

    def _oldest(self, answered: bool) -> object:
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

    def give_up(self, status: str, why: object) -> None:
        """Stop using the child (one warning: ``status`` and ``why`` must hold no text)."""
        log.warning("%s %s (%s); %s from now on", self._name, status, why, self._instead)
        self.close()

    def close(self) -> None:
        """Stop the child and its process group (idempotent); outstanding chunks get no result."""
        self.alive = False
        self._finalizer()
