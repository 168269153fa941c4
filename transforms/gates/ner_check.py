"""The gate's NER residual check: which records and positions the model reads, and their shares.

``ner_check`` runs the check on what ``ner_sample.collect`` kept of the training rows' scan texts
(``frames.ner_texts``): every row when the version is small (exact shares), else the two-stage record
sample and the character positions of ``sampling`` (positions in sampled records judged by that
record's scan, the others on their own window, ``ner_scan.window``, cut by the driver while it
streamed the texts), so neither the driver nor the child holds every text of a large version.
``NerJob`` runs it inline, or, when the machine has a second core (or the run had several workers),
in one child process while the driver imports Great Expectations and validates the other gate frames (the
two halves of the gate's work overlap on two cores). ``NerJob.ready`` starts that child before the
sample exists (``redact run``: before its pipeline), so its imports and model load overlap the
pipeline (at the lowest CPU priority when the pipeline's workers fill every core: ``yield_cores``); it
then waits for ``submit``.

The child is a fresh interpreter (``python -m transforms.gates.ner_check``), not a fork of the driver:
after a multi-worker run the driver holds gRPC's threads and locks (Beam's workers, a KMS client), and
a forked copy that forks again (spaCy's ``n_process`` workers) can abort in gRPC's fork handlers. The
fresh child imports spaCy and loads the verified model itself (about a second, overlapped).

Privacy contract: the sampled texts and windows reach the child pickled over an anonymous pipe
(memory only: no file, no temp file, no argument or environment variable), and it sends back only
counts and offsets (``NerResidual``, ``NerShares``) over another pipe; a failure crosses as the
exception's type name only, a timeout as a fixed message. The child and spaCy's workers inside it form one process group,
stopped as a whole when the driver gives up (``NerJob.close``). Beam-free.
"""

from __future__ import annotations

import contextlib
import importlib
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from transforms.child_process import (
    STOP_GRACE_S,
    at_lowest_priority,
    exit_on_term,
    exited,
    spawn,
    stop,
    usable_cores,
)
from transforms.errors import GateFailure
from transforms.gates import sampling
from transforms.gates.ner_sample import NerSample, from_texts
from transforms.gates.ner_scan import NerResidual, shared_scanner

if TYPE_CHECKING:  # the child process does not import the configuration's modules (``NerSpec``)
    from transforms.config import RunConfig

Cells = list[NerResidual | None]
RESULT_TIMEOUT_S = 3600.0  # the scan reads a bounded sample (or a small version): far below this
POLL_S = 1.0  # between checks that the child still lives while waiting for its result
CHILD_SCAN = "transforms.gates.ner_check:ner_check"  # what the child runs, ``module:function`` (tests swap it)
CHILD_WARM = "transforms.gates.ner_check:warm_up"  # what it runs before the sample arrives (tests swap it)


@dataclass(frozen=True, slots=True)
class NerSpec:
    """What the check reads of the run's configuration: plain values, so the child process unpickles it
    without importing the configuration's modules (Presidio, Tink: a second of start-up)."""

    model: str
    hashes_file: str | None
    labels: tuple[str, ...]
    sample_records: int
    max_record_fraction: float
    max_char_fraction: float

    @classmethod
    def of(cls, cfg: RunConfig) -> NerSpec:
        g = cfg.gates
        return cls(
            cfg.detection.nlp.name,
            cfg.detection.nlp.hashes_file,
            tuple(g.ner_labels),
            g.ner_sample_records,
            g.max_ner_record_fraction,
            g.max_ner_char_fraction,
        )


def ner_check(
    sample: NerSample | list[str], spec: NerSpec, seed: str, n_process: int = 1
) -> tuple[Cells, sampling.NerShares]:
    """Per row, the NER result (``None`` for rows outside the record sample), and the shares.

    ``sample``: what the check reads (``ner_sample.collect``), or every row's scan text."""
    if not isinstance(sample, NerSample):
        sample = from_texts(sample, spec.sample_records, seed)
    total = sample.total
    scanner = shared_scanner(spec.model, spec.hashes_file, spec.labels)
    if sample.rows is None:
        done = scanner.scan_many(sample.all_texts(), n_process=n_process)
        shares = sampling.ner_shares(
            [r.entities for r in done], [r.chars for r in done], [r.scanned_chars for r in done], total
        )
        return list(done), shares
    found: dict[int, NerResidual] = {}

    def count(picked: list[int]) -> list[int]:
        texts = [sample.texts[i] for i in picked]
        found.update(zip(picked, scanner.scan_many(texts, n_process=n_process), strict=True))
        return [found[i].entities for i in picked]

    chosen, entities, stage = sampling.staged_records(sample.rows, total, spec.max_record_fraction, count)

    def judge(positions: list[tuple[int, int]]) -> list[bool]:
        """A position in a record of the record sample: that record's scan; any other: its own window."""
        alone = [(row, off) for row, off in positions if row not in found]
        windows.extend(alone)
        hits = scanner.hits_in(sample.windows_of(alone), n_process=n_process)
        windowed = dict(zip(alone, hits, strict=True))
        return [found[row].covers(off) if row in found else windowed[(row, off)] for row, off in positions]

    windows: list[tuple[int, int]] = []
    hits, char_stage = sampling.staged_positions(sample.positions, spec.max_char_fraction, judge)
    shares = sampling.sampled_shares(
        [entities[i] for i in chosen],
        hits,
        total,
        sample.total_chars,
        read=len(found),
        windows=len(windows),
        stage=stage,
        record_alpha=sampling.STAGE_ALPHA,
        char_stage=char_stage,
        char_alpha=sampling.STAGE_ALPHA,
    )
    return [found.get(i) for i in range(total)], shares


def warm_up(spec: NerSpec) -> None:
    """What the check will need, loaded before its sample arrives: the verified model, scipy's distributions."""
    import scipy.stats  # noqa: F401  (the sampled bounds; a few tenths of a second)

    shared_scanner(spec.model, spec.hashes_file, spec.labels)


def _target(name: str):
    module, _, attr = name.partition(":")
    return getattr(importlib.import_module(module), attr)


def _child_main(argv: list[str]) -> int:
    """The child: read ``(spec, n_process, yield_cores)`` from one pipe and warm up, then ``(sample,
    seed)``; send the outcome on the other pipe. The input pipe closing first (the driver gave up) ends it
    quietly."""
    target, warm, in_fd, out_fd = argv[0], argv[1], int(argv[2]), int(argv[3])
    exit_on_term()  # spaCy's ``finally`` then stops its workers itself
    send = Connection(out_fd, readable=False)
    try:
        with Connection(in_fd, writable=False) as recv:
            spec, n_process, yield_cores = recv.recv()
            if yield_cores:  # beside workers that fill every core: wait for an idle one (their tail, the
                # launcher's serial steps) instead of taking CPU from them. numpy and scipy's BLAS start
                # their thread pools first, here, so the scan's native threads keep the child's priority
                import numpy  # noqa: F401
                import scipy.linalg  # noqa: F401

                at_lowest_priority(_target(warm), spec)
            else:
                _target(warm)(spec)
            sample, seed = recv.recv()
        send.send(("ok", _target(target)(sample, spec, seed, n_process)))
    except (SystemExit, EOFError):  # stopped by the driver, or it gave up before sending the sample
        pass
    except BaseException as exc:  # the type name only: a message could quote a text
        with contextlib.suppress(OSError):  # the driver has stopped reading
            send.send(("error", type(exc).__name__))
    finally:
        send.close()
    return 0


def _feed(conn: Connection, args: tuple) -> None:
    """The driver's side of the child's input pipe, after the header (a thread: the pipe holds 64 KiB,
    the sample more)."""
    try:
        conn.send(args)
    except OSError:  # the child has gone; ``result`` reports that
        pass
    finally:
        conn.close()


def overlaps(processes: int = 1) -> bool:
    """Should a job started before it is needed (``redact run``'s early child) get a child process? Yes with
    several workers or a second core: the child's model load and scan then overlap other work. A job
    started when it is needed (``NerJob(child=None)``) gets one only with several workers; on one worker
    it runs inline, in a process that has the model already (``redact gate``, purge, tests)."""
    return processes > 1 or usable_cores() > 1


class NerJob:
    """``ner_check(sample, ...)`` started now and collected with ``result()``.

    Inline (computed by ``result()``) off Linux, or when ``child`` is false, or (``child=None``) when
    ``processes <= 1`` (``overlaps`` says when an early job should ask for a child). Otherwise one child process (a fresh interpreter,
    see the module's docstring) runs it, with spaCy using ``max(1, processes - 1)`` processes inside it,
    while the caller works. ``NerJob.ready(cfg, ...)`` starts the child before the sample exists: it
    imports spaCy and loads the model meanwhile, then waits for ``submit(sample, seed)``.

    The child leads its own process group, spaCy's workers included: ``close`` (the caller gave up, or
    after the result) sends SIGTERM to the whole group (the child turns it into ``SystemExit``, so spaCy's
    cleanup runs), then SIGKILL after ``STOP_GRACE_S``; nothing outlives the job or keeps the caller's
    stdout open. ``result()`` waits at most ``timeout`` seconds (a bounded poll loop), then fails the gate."""

    def __init__(
        self,
        sample: NerSample | list[str] | None,
        cfg: RunConfig,
        seed: str | None,
        processes: int = 1,
        timeout: float = RESULT_TIMEOUT_S,
        child: bool | None = None,
        yield_cores: bool = False,
    ) -> None:
        self._spec = NerSpec.of(cfg)
        self._yield_cores = yield_cores
        self._args: tuple[NerSample | list[str], str] | None = None
        self._timeout = timeout
        self._proc: subprocess.Popen | None = None
        self._recv: Connection | None = None
        self._feed: Connection | None = None
        self._feeder: threading.Thread | None = None
        self._done: tuple[Cells, sampling.NerShares] | GateFailure | None = None
        self._started = False
        if child is None:  # a run whose workers have finished: the check overlaps the driver's work
            child = processes > 1
        if child and sys.platform == "linux":  # ``waitid`` and process groups: Linux-checked
            self._start(max(1, processes - 1))
        if sample is not None:
            self.submit(sample, seed)

    @classmethod
    def ready(
        cls,
        cfg: RunConfig,
        processes: int = 1,
        timeout: float = RESULT_TIMEOUT_S,
        child: bool | None = None,
        yield_cores: bool = False,
    ) -> NerJob:
        """A job without its sample yet: its child (if it has one) starts and loads the model now.
        ``yield_cores``: the child warms up at the lowest CPU priority (``at_lowest_priority``), for a
        caller whose other processes fill every core meanwhile; its scan runs at its own priority."""
        return cls(None, cfg, None, processes, timeout, child, yield_cores)

    def submit(self, sample: NerSample | list[str], seed: str) -> None:
        """Give the job what it checks (once); a child gets it through a thread (``_feed``)."""
        if self._args is not None:
            raise RuntimeError("NerJob.submit called twice")
        self._args = (sample, seed)
        if self._feed is not None:
            feed, self._feed = self._feed, None
            self._feeder = threading.Thread(target=_feed, args=(feed, self._args), daemon=True)
            self._feeder.start()

    def _start(self, n_process: int) -> None:
        self._started = True
        self._proc, self._recv, self._feed = spawn(__name__, CHILD_SCAN, CHILD_WARM)
        # the header is a few hundred bytes: the empty pipe takes it without blocking; a child that has
        # gone already is reported by ``result``
        with contextlib.suppress(OSError):
            self._feed.send((self._spec, n_process, self._yield_cores))

    @property
    def parallel(self) -> bool:
        """Does a child process run the check (so the caller's work overlaps it)?"""
        return self._proc is not None

    def result(self) -> tuple[Cells, sampling.NerShares]:
        """The check's outcome; a failure is raised again on every later call (never re-run inline)."""
        if isinstance(self._done, GateFailure):
            raise self._done
        if self._done is None:
            if self._args is None:
                raise RuntimeError("NerJob.result called before submit")
            try:
                if not self._started:
                    sample, seed = self._args
                    self._done = ner_check(sample, self._spec, seed)
                elif self._proc is None:
                    raise GateFailure("the gate's NER scan was stopped before its result")
                else:
                    self._done = self._collect()
            except GateFailure as exc:
                self._done = exc
                raise
        return self._done

    def _collect(self) -> tuple[Cells, sampling.NerShares]:
        deadline = time.monotonic() + self._timeout
        try:
            while not self._recv.poll(max(0.0, min(POLL_S, deadline - time.monotonic()))):
                if exited(self._proc.pid, 0) and not self._recv.poll(0):  # spaCy's workers may hold the pipe
                    raise GateFailure("the gate's NER scan process ended without a result")
                if time.monotonic() >= deadline:
                    raise GateFailure(f"the gate's NER scan did not finish within {self._timeout:g} s")
            status, payload = self._recv.recv()
        except EOFError:
            raise GateFailure("the gate's NER scan process ended without a result") from None
        finally:
            self.close(wait=STOP_GRACE_S)  # after a result it exits on its own
        if status != "ok":
            raise GateFailure(f"the gate's NER scan failed ({payload})")
        return payload

    def close(self, wait: float = 0.0) -> None:
        """Stop the child's whole process group if it still runs, and reap the child; idempotent.

        ``wait``: seconds the child may take to exit on its own first (it has sent its result)."""
        if self._proc is None:
            return
        proc, self._proc = self._proc, None
        if self._feed is not None:  # never submitted: the closed pipe tells a waiting child to end
            self._feed.close()
            self._feed = None
        stop(proc, wait)
        self._recv.close()
        if self._feeder is not None:
            self._feeder.join(STOP_GRACE_S)  # its write fails once the child is gone (bounded regardless)

    def __enter__(self) -> NerJob:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
