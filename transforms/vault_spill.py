"""Beam-free cores of the vault's external sort ("spill"): sorted run files, a k-way merge, token groups.

On runners that hold a shuffle in memory (the local FnApiRunner behind the DirectRunner, the embedded
portable job service) a ``GroupByKey`` by token would keep every vault entry of the corpus in the
process. Instead each worker buffers at most ``SPILL_ENTRIES`` distinct entries, sorts them by token and
writes them as one sorted run (Parquet, row groups of ``RUN_ROWS``); one merge reads every run a batch
at a time (``heapq.merge``) and hands consecutive entries of one token to ``vault_row``. Memory: one
buffer per worker and one batch per open run (at most ``MAX_FAN_IN`` open at once; more runs are merged
in passes), whatever the corpus size.

Privacy contract: a run holds exactly what the vault holds (tokens, AES-SIV ciphertexts, key scope and
id, doc ids, subject refs and placeholders), never a record's text or a plaintext value. Runs live under
the run's staging folder (restricted, deleted by the driver when the run ends, success or failure; a
killed run's by the next run's start or a purge: ``pipelines.locks.sweep_staging``);
their names are random (``uuid4``), never derived from values. A bundle that fails and is retried may
leave runs behind: only the paths a committed bundle emitted are merged, and the staging folder's
deletion removes the rest.
"""

from __future__ import annotations

import heapq
import itertools
import os
import uuid
from collections.abc import Iterable, Iterator
from operator import itemgetter

import pyarrow as pa
import pyarrow.parquet as pq

from transforms import fs

# One keyed vault entry as ``transforms.vault.compact`` makes it: (token, Compact).
Keyed = tuple[str, tuple]

SPILL_ENTRIES = 50_000  # distinct entries a worker buffers before writing a run (about 25 MB of Python)
RUN_ROWS = 1_024  # rows per row group, read back one at a time: what one open run costs at merge time
MAX_FAN_IN = 32  # runs merged at once; more are merged in passes into intermediate runs

RUN_SCHEMA = pa.schema(
    [
        pa.field("token", pa.string(), nullable=False),
        pa.field("entity_type", pa.string(), nullable=False),
        pa.field("ciphertext", pa.binary(), nullable=False),
        pa.field("key_scope", pa.string(), nullable=False),
        pa.field("key_id", pa.string(), nullable=False),
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("subject_ref", pa.string()),
        pa.field("surface", pa.string()),
    ]
)

_token = itemgetter(0)


def new_run_path(prefix: str) -> str:
    """A fresh run file under ``prefix``; the name is random, never derived from what the run holds."""
    return fs.join(prefix, f"run-{uuid.uuid4().hex}.parquet")


def sort_run(entries: Iterable[Keyed]) -> list[Keyed]:
    """Entries sorted by token (only the token: the other fields may be ``None``)."""
    return sorted(entries, key=_token)


def _open_write(path: str):
    if fs.is_remote(path):
        from apache_beam.io.filesystems import CompressionTypes, FileSystems

        return FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED)
    os.makedirs(os.path.dirname(os.path.abspath(path)), mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # restricted, like the vault
    return os.fdopen(fd, "wb")


def _table(chunk: list[Keyed]) -> pa.Table:
    """A non-empty chunk of keyed entries as one Arrow table in ``RUN_SCHEMA``."""
    columns = [[k[0] for k in chunk], *(list(col) for col in zip(*(k[1] for k in chunk), strict=True))]
    arrays = [pa.array(c, type=f.type) for c, f in zip(columns, RUN_SCHEMA, strict=True)]
    return pa.Table.from_arrays(arrays, schema=RUN_SCHEMA)


def write_run(path: str, entries: Iterable[Keyed]) -> int:
    """Write entries already sorted by token as one run, ``RUN_ROWS`` per row group, streaming (the
    entries may come from a merge). Returns how many were written."""
    n = 0
    with _open_write(path) as fh, pq.ParquetWriter(fh, RUN_SCHEMA, compression="zstd") as writer:
        it = iter(entries)
        while chunk := list(itertools.islice(it, RUN_ROWS)):
            writer.write_table(_table(chunk), row_group_size=RUN_ROWS)
            n += len(chunk)
    return n


def read_run(path: str) -> Iterator[Keyed]:
    """A run's entries in file order (sorted by token), one row group (``RUN_ROWS``) decoded at a time.

    Row group by row group, not ``ParquetFile.iter_batches``: its reader keeps about 4 MB per open file
    whatever the batch size, which a merge of ``MAX_FAN_IN`` runs would pay that many times."""
    with fs.open_read(path) as fh:
        pf = pq.ParquetFile(fh)
        for i in range(pf.num_row_groups):
            group = pf.read_row_group(i, use_threads=False)
            columns = [group.column(c).to_pylist() for c in range(group.num_columns)]
            del group
            for token, *rest in zip(*columns, strict=True):
                yield token, tuple(rest)
            del columns  # before the next row group is decoded


def merge_runs(paths: list[str], scratch: str, fan_in: int = MAX_FAN_IN) -> Iterator[Keyed]:
    """All entries of the runs at ``paths``, sorted by token. With more than ``fan_in`` runs, groups of
    ``fan_in`` are first merged into intermediate runs under ``scratch`` (so at most ``fan_in`` runs
    are open at once)."""
    if fan_in < 2:
        raise ValueError("fan_in must be at least 2")
    paths = sorted(paths)
    while len(paths) > fan_in:
        merged = []
        for i in range(0, len(paths), fan_in):
            group = paths[i : i + fan_in]
            if len(group) == 1:
                merged.append(group[0])
                continue
            out = new_run_path(scratch)
            write_run(out, heapq.merge(*(read_run(p) for p in group), key=_token))
            merged.append(out)
        paths = merged
    return heapq.merge(*(read_run(p) for p in paths), key=_token)


def token_groups(merged: Iterable[Keyed]) -> Iterator[tuple[str, list[tuple]]]:
    """Consecutive entries of one token (input sorted by token) -> ``(token, [Compact, ...])``."""
    for token, group in itertools.groupby(merged, key=_token):
        yield token, [entry for _, entry in group]
