"""The worker's side of the NER child (``ner_child.py``): what it sent ahead and when it takes it back.

``Lookahead`` tracks the texts sent to the child and turns its answers into Presidio's artifacts (or,
when the child is busy, runs a queued chunk itself); ``Held`` keeps the batches a caller sent ahead until
they are due; ``Prepared`` keeps the casing it prepared them in; ``ChildUsers`` starts the child for a
detector's first user and stops it with its last; ``Waiting`` is ``Detector._nlp_batch``'s answer that
waits per text. Beam-free. Privacy: texts and their artifacts stay in this process's memory, bounded by
a few batches (see ``Lookahead``); nothing here logs a text.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Generic, TypeVar

from transforms.detection.ner_child import CHUNK_TEXTS, ChildSpec, NerChild

if TYPE_CHECKING:  # spaCy is imported when a child starts, not with this module
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

T = TypeVar("T")

log = logging.getLogger(__name__)

AHEAD_BATCHES = 2  # batches a caller sends ahead of the one it analyses
KEEP_BATCHES = AHEAD_BATCHES + 1  # untaken artifacts are dropped this many batches after they were sent


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
        if self._settle(texts, lambda: self._here(texts)) is None:
            self.ran_here += len(texts)
        return True

    def _receive_one(self) -> None:
        texts, payload = self.child.receive()
        if payload is None:  # the child failed on it or has gone (``NerChild.receive`` said so)
            self._settle(texts, None)
            return
        failure = self._settle(texts, lambda: self._docs_of(payload, texts))
        if failure is None:
            self.received += len(texts)
        else:
            log.warning("an NER child result could not be read (%s); spaCy runs in process for it", failure)

    def _docs_of(self, payload: bytes, texts: list[str]) -> list[Doc]:
        from spacy.tokens import DocBin

        docs = list(DocBin().from_bytes(payload).get_docs(self._vocab))
        if len(docs) != len(texts) or any(d.text != t for d, t in zip(docs, texts, strict=True)):
            raise ValueError("chunk mismatch")
        return docs

    def _settle(self, texts: list[str], docs: Callable[[], list[Doc]] | None) -> str | None:
        """A chunk is back (or was run here): its texts are no longer pending; with ``docs``, one ``Doc`` per
        text, their artifacts wait to be taken. Without, or when ``docs`` fails, nothing is kept: each of
        those texts then goes through spaCy on its own, in process. Returns why nothing was kept (an
        exception's type name only: a message could quote a text), or None."""
        marks = [self._pending.pop(t) for t in texts]
        why = "no result"
        if docs is not None:
            try:
                made = zip(texts, marks, docs(), strict=True)
                self._arrived.update({t: (mark, self._to_artifacts(d)) for t, mark, d in made})
                return None
            except Exception as exc:  # nothing of the chunk was kept (the update comes last)
                why = type(exc).__name__
        for t in texts:
            self._wanted.pop(t, None)
        return why


class Prepared:
    """The form (``prepare(text)``, the casing spaCy sees) of each text of a caller's last ``KEEP_BATCHES``
    batches sent ahead, so their analysis a few batches later does not prepare them again. Per caller
    thread, like ``Lookahead``'s batches: threads sharing one detector neither evict nor see each other's
    batches. ``prepare`` must be a pure function of the text (the detector's casing rules are fixed), so a
    form taken from here is the one ``prepare`` would return now; it is passed in, not held (the detector
    owns this object). Memory only; ``clear`` drops all."""

    def __init__(self) -> None:
        self._local = threading.local()

    def batch(self, prepare: Callable[[str], str]) -> Callable[[str], str]:
        """A new batch of the calling thread: ``prepare``, remembering what it prepared."""
        batches = getattr(self._local, "batches", None)
        if batches is None:
            batches = self._local.batches = deque(maxlen=KEEP_BATCHES)
        sent: dict[str, str] = {}
        batches.append(sent)

        def remembered(text: str) -> str:
            if text not in sent:
                sent[text] = prepare(text)
            return sent[text]

        return remembered

    def of(self, text: str, prepare: Callable[[str], str]) -> str:
        """``prepare(text)``: as prepared for one of the calling thread's kept batches, else now."""
        for sent in reversed(getattr(self._local, "batches", ())):
            prepared = sent.get(text)
            if prepared is not None:
                return prepared
        return prepare(text)

    def clear(self) -> None:
        self._local = threading.local()


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
    """Batches sent ahead to the NER child and analysed ``depth`` batches later (``redact detect``'s
    service): ``push`` returns those now due, oldest first; ``flush`` all the rest."""

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
