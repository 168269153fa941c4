"""spaCy's NER in a child process, overlapped with the rest of detection (``Detector(ner_child=True)``).

This module is the child (``_serve``) and the worker's handle on it (``NerChild``; its pipes and threads
are ``ordered_child.py``'s); ``ner_ahead.py`` is the worker's bookkeeping of what it sent ahead
(``Lookahead``, ``Held``, ``ChildUsers``). ``redact run`` shares whole batches with another child instead
(``batch_child.py``).

On a machine with a second core (``redact detect``), spaCy and Presidio's recognizers can run at the same
time: detection submits the texts of a batch ahead (``ner_ahead.Lookahead.submit``), one child process runs
the model's enabled components over them in chunks of ``CHUNK_TEXTS``, and the worker analyses each text as
soon as its chunk is back (``Lookahead.take``) while the child runs the next ones. At most ``IN_FLIGHT``
chunks are in the child's pipe; when the worker would wait for the child, it runs the newest chunk still
queued on its own side through its own pipeline instead (``Lookahead._run_here``), so the two share the NER
when the rules run out of work (on the bench corpus the worker's wait fell from about 5 to 1.6 s of 16 s). The
child sends each chunk's ``Doc``s as a ``DocBin`` (its default token attributes: text, whitespace, tags,
lemmas, morphology, parse, sentence starts, entities; no user data, which nothing in detection sets or reads);
the worker rebuilds them on its own vocabulary (the same verified model) and makes Presidio's artifacts from
them exactly as ``nlp.pipe`` in process would, so spans are the same either way (a test compares them).

Failure never loses or changes a result: a chunk the child fails on, a child that ends, or one that
does not answer within ``RESULT_TIMEOUT_S`` gives no artifacts, and detection runs spaCy in process for
those texts (a warning each time, no text). A chunk failure leaves the child in use; a child that ended
or timed out is stopped and not used again by this detector until a new user attaches (``ChildUsers``,
``Detector.attach_child``).

Privacy contract: texts reach the child pickled over an anonymous pipe and come back as ``DocBin``
bytes over another (memory only; ``transforms/child_process.py``); the child logs nothing and sends a
failure as the exception's type name only. It ends when the worker closes its input pipe (also when
the worker dies), or is stopped with its process group (``close``; also when the detector is
garbage-collected).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from transforms.detection.ordered_child import OrderedChild, child_main

if TYPE_CHECKING:  # spaCy is imported when a child starts, not with this module
    from spacy.language import Language

CHUNK_TEXTS = 32  # texts per message: the worker waits for the first chunk of a batch only
IN_FLIGHT = 3  # chunks in the child's pipe at a time; the rest wait in the worker, which may run them itself
RESULT_TIMEOUT_S = 600.0  # for one chunk (at most CHUNK_TEXTS texts of at most ``chunk_chars`` each)


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


class NerChild(OrderedChild):
    """The NER child: the model's pipeline over chunks of texts, each answered as ``("ok", DocBin bytes)``."""

    def __init__(self, spec: ChildSpec, timeout: float = RESULT_TIMEOUT_S) -> None:
        super().__init__(
            __name__,
            spec,
            timeout=timeout,
            in_flight=IN_FLIGHT,
            name="the NER child process",
            instead="spaCy runs in process",
        )


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:], _serve))
