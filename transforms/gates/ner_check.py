"""The gate's NER residual check: which records and positions the model reads, and their shares.

``ner_check`` runs the check over the scan texts of every training row (``frames.ner_texts``): every
row when the version is small (exact shares), else the two-stage record sample and the character
positions of ``sampling`` (positions in sampled records judged by that record's scan, the others on
their own window, ``ner_scan.window``). ``NerJob`` runs it inline, or, when the run had several
workers, in one forked child process while the driver builds the other gate frames and imports Great
Expectations (the two halves of the gate's work overlap on two cores).

Privacy contract: the child inherits the texts through ``fork`` (no pickling to disk, no temp file) and
sends back only counts and offsets (``NerResidual``, ``NerShares``) over a pipe; a failure crosses as
the exception's type name only. The child is joined, or terminated if the driver gives up. Beam-free.
"""

from __future__ import annotations

import multiprocessing
import sys

from transforms.config import RunConfig
from transforms.errors import GateFailure
from transforms.gates import sampling
from transforms.gates.ner_scan import NerResidual, scan_length, shared_scanner

Cells = list[NerResidual | None]


def ner_check(texts: list[str], cfg: RunConfig, seed: str, n_process: int = 1) -> tuple[Cells, sampling.NerShares]:
    """Per row, the NER result (``None`` for rows outside the record sample), and the shares."""
    gcfg, total = cfg.gates, len(texts)
    rows = sampling.sample_order(total, gcfg.ner_sample_records, seed)
    scanner = shared_scanner(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file, tuple(gcfg.ner_labels))
    if rows is None:
        done = scanner.scan_many(texts, n_process=n_process)
        shares = sampling.ner_shares(
            [r.entities for r in done], [r.chars for r in done], [r.scanned_chars for r in done], total
        )
        return list(done), shares
    found: dict[int, NerResidual] = {}

    def count(picked: list[int]) -> list[int]:
        found.update(zip(picked, scanner.scan_many([texts[i] for i in picked], n_process=n_process), strict=True))
        return [found[i].entities for i in picked]

    chosen, entities, stage = sampling.staged_records(rows, total, gcfg.max_ner_record_fraction, count)
    lengths = [scan_length(x) for x in texts]

    def judge(positions: list[tuple[int, int]]) -> list[bool]:
        """A position in a record of the record sample: that record's scan; any other: its own window."""
        alone = [(row, off) for row, off in positions if row not in found]
        windows.extend(alone)
        windowed = dict(zip(alone, scanner.hits_at(texts, alone, n_process=n_process), strict=True))
        return [found[row].covers(off) if row in found else windowed[(row, off)] for row, off in positions]

    windows: list[tuple[int, int]] = []
    order = sampling.position_order(lengths, gcfg.ner_sample_records, seed)
    hits, char_stage = sampling.staged_positions(order, gcfg.max_ner_char_fraction, judge)
    shares = sampling.sampled_shares(
        [entities[i] for i in chosen],
        hits,
        total,
        sum(lengths),
        read=len(found),
        windows=len(windows),
        stage=stage,
        record_alpha=sampling.STAGE_ALPHA,
        char_stage=char_stage,
        char_alpha=sampling.STAGE_ALPHA,
    )
    return [found.get(i) for i in range(total)], shares


def _child(send, texts: list[str], cfg: RunConfig, seed: str, n_process: int) -> None:
    try:
        send.send(("ok", ner_check(texts, cfg, seed, n_process)))
    except BaseException as exc:  # the type name only: a message could quote a text
        send.send(("error", type(exc).__name__))
    finally:
        send.close()


class NerJob:
    """``ner_check`` started now and collected with ``result()``.

    ``processes <= 1`` (or not Linux, where ``fork`` is the safe default): computed inline by ``result()``. Otherwise one
    child process runs it, with spaCy using ``processes - 1`` processes inside it, while the caller works."""

    def __init__(self, texts: list[str], cfg: RunConfig, seed: str, processes: int = 1) -> None:
        self._args = (texts, cfg, seed)
        self._proc = self._recv = None
        self._done: tuple[Cells, sampling.NerShares] | None = None
        if processes > 1 and sys.platform == "linux":  # fork elsewhere is unsafe with native libraries
            ctx = multiprocessing.get_context("fork")
            self._recv, send = ctx.Pipe(duplex=False)
            self._proc = ctx.Process(target=_child, args=(send, *self._args, processes - 1), name="redact-gate-ner")
            self._proc.start()
            send.close()

    @property
    def parallel(self) -> bool:
        """Does a child process run the check (so the caller's work overlaps it)?"""
        return self._proc is not None

    def result(self) -> tuple[Cells, sampling.NerShares]:
        if self._done is None:
            self._done = ner_check(*self._args) if self._proc is None else self._collect()
        return self._done

    def _collect(self) -> tuple[Cells, sampling.NerShares]:
        try:
            status, payload = self._recv.recv()
        except EOFError:
            raise GateFailure("the gate's NER scan process ended without a result") from None
        finally:
            self._proc.join()  # it has sent (or died): it exits on its own
            self.close()
        if status != "ok":
            raise GateFailure(f"the gate's NER scan failed ({payload})")
        return payload

    def close(self) -> None:
        """Stop and join the child if it still runs (the caller gave up); idempotent."""
        if self._proc is None:
            return
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join()
        self._recv.close()
        self._proc = None

    def __enter__(self) -> NerJob:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
