"""``BuildVault``: one vault row per token, with collision detection.

Two different ciphertexts under one token means two values share a 64-bit pseudonym: the run fails
rather than silently merging two people. Inside the pipeline the collision is a typed outcome, not an
exception whose text a runner may mangle: the token gets no vault row and ``TOKEN_COLLISIONS`` is
counted; the driver (``pipelines/run.py``) reads the counter and aborts the run with ``IntegrityError``.
``surfaces`` lists, per document, what the text holds instead of the token in the indexed, surrogate and
date_shift modes (``reveal`` maps it back).
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.transforms.window import GlobalWindows

from transforms import fs
from transforms.counters import inc
from transforms.errors import IntegrityError
from transforms.record import VaultEntry
from transforms.vault_spill import SPILL_ENTRIES, merge_runs, new_run_path, sort_run, token_groups, write_run

TOKEN_COLLISIONS = "integrity.token_collisions"


# One vault entry as the shuffle carries it: (entity_type, ciphertext, key_scope, key_id, doc_id, subject_ref,
# surface). Ids, the ciphertext of a value and a placeholder, never a record's text; a tuple of primitives
# (about a third of the encoded size of a ``VaultEntry``), since the local runner holds the shuffle in memory.
Compact = tuple[str, bytes, str, str, str, str | None, str | None]


def compact(e: VaultEntry) -> tuple[str, Compact]:
    return e.token, (e.entity_type, e.ciphertext, e.key_scope, e.key_id, e.doc_id, e.subject_ref, e.surface)


def vault_row(token: str, entries: list[Compact], dataset_version: str) -> dict:
    """Beam-free core: one vault row from all entries of one token; two ciphertexts are a collision."""
    ciphertexts = {e[1] for e in entries}
    if len(ciphertexts) != 1:
        raise IntegrityError(f"token collision on {token}: {len(ciphertexts)} different values; run aborted")
    entity_type, ciphertext, key_scope, key_id = entries[0][:4]
    return {
        "token": token,
        "entity_type": entity_type,
        "ciphertext": ciphertext,
        "key_scope": key_scope,
        "key_id": key_id,
        "dataset_version": dataset_version,
        "doc_ids": sorted({e[4] for e in entries}),
        "subject_refs": sorted({e[5] for e in entries if e[5]}),
        "surfaces": [{"doc_id": d, "text": s} for d, s in sorted({(e[4], e[6]) for e in entries if e[6]})],
    }


class BuildVault(beam.PTransform):
    """Vault entries -> one row per token, in one of two ways (same rows either way):

    * ``spill_prefix=None``: a ``GroupByKey`` by token carrying compact tuples (ids and ciphertexts
      only). Runners that shuffle outside the workers' memory (Dataflow, Flink, Spark) spread it over
      workers; a local runner would hold it in memory, about 110 bytes per replaced value.
    * ``spill_prefix`` set (local runners, ``pipelines.beam_runner.shuffles_in_memory``): an external
      sort. ``SpillRuns``, fused into the record path, writes sorted runs of at most ``SPILL_ENTRIES``
      entries under ``spill_prefix`` and emits their paths only; the paths are gathered (tiny) and
      ``MergeRuns`` merges the runs by token (``transforms.vault_spill``), yielding rows one at a time.
      Memory stays flat in corpus size; the merge is one process, so remote runners keep the shuffle.
      ``spill_prefix`` must lie in the run's staging folder (restricted; deleted when the run ends, or swept after a killed one):
      the runs hold what the vault holds, never text or plaintext values.
    """

    def __init__(self, dataset_version: str, spill_prefix: str | None = None) -> None:
        super().__init__()
        self.dataset_version = dataset_version
        self.spill_prefix = spill_prefix

    def expand(self, entries):
        if self.spill_prefix is not None:
            return (
                entries
                | "SpillRuns" >> beam.ParDo(_SpillFn(self.spill_prefix))
                | "KeyRuns" >> beam.Map(lambda path: (0, path))
                | "GatherRuns" >> beam.GroupByKey()
                | "MergeRuns" >> beam.ParDo(_MergeRunsFn(self.dataset_version, self.spill_prefix))
            )
        return (
            entries
            | "KeyByToken" >> beam.Map(compact)
            | "GroupByToken" >> beam.GroupByKey()
            | "Merge" >> beam.ParDo(_MergeFn(self.dataset_version))
        )


def _row_or_collision(token: str, entries: list[Compact], dataset_version: str):
    try:
        yield vault_row(token, entries, dataset_version)
    except IntegrityError:
        inc(TOKEN_COLLISIONS)


class _MergeFn(beam.DoFn):
    def __init__(self, dataset_version: str) -> None:
        self.dataset_version = dataset_version

    def process(self, element):
        token, entries = element
        yield from _row_or_collision(token, list(entries), self.dataset_version)


class _SpillFn(beam.DoFn):
    """Buffers distinct compact entries (``vault_row`` reads sets, so duplicates change nothing) and
    writes a sorted run when ``bound`` are held and at the end of each bundle; emits run paths only."""

    def __init__(self, prefix: str, bound: int | None = None) -> None:
        self.prefix, self.bound = prefix, bound or SPILL_ENTRIES

    def start_bundle(self) -> None:
        self.buffer: set[tuple[str, Compact]] = set()

    def process(self, entry: VaultEntry):
        self.buffer.add(compact(entry))
        if len(self.buffer) >= self.bound:
            yield self._spill()

    def finish_bundle(self):
        if self.buffer:
            yield GlobalWindows.windowed_value(self._spill())

    def _spill(self) -> str:
        path = new_run_path(self.prefix)
        write_run(path, sort_run(self.buffer))
        self.buffer = set()
        return path


class _MergeRunsFn(beam.DoFn):
    """All run paths -> vault rows, token by token; intermediate runs (many runs) go under ``prefix``."""

    def __init__(self, dataset_version: str, prefix: str) -> None:
        self.dataset_version, self.prefix = dataset_version, prefix

    def process(self, element):
        _, paths = element
        for token, entries in token_groups(merge_runs(list(paths), fs.join(self.prefix, "merged"))):
            yield from _row_or_collision(token, entries, self.dataset_version)
