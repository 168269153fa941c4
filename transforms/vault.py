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

from transforms.counters import inc
from transforms.errors import IntegrityError
from transforms.record import VaultEntry

TOKEN_COLLISIONS = "integrity.token_collisions"


# One token's entries, merged: (entity_type, key_scope, key_id, ciphertexts, doc_ids, subject_refs, surfaces).
# Ids, ciphertexts of values and placeholders only, never a record's text; tuples and sets of primitives so
# the runner's shuffle buffer (held in memory on the local runner) stays compact.
Merged = tuple[str, str, str, set[bytes], set[str], set[str], set[tuple[str, str]]]


def merge_into(acc: Merged | None, e: VaultEntry) -> Merged:
    """Beam-free core: ``acc`` with one more entry (a new accumulator when ``acc`` is None)."""
    if acc is None:
        acc = (e.entity_type, e.key_scope, e.key_id, set(), set(), set(), set())
    acc[3].add(e.ciphertext)
    acc[4].add(e.doc_id)
    if e.subject_ref:
        acc[5].add(e.subject_ref)
    if e.surface:
        acc[6].add((e.doc_id, e.surface))
    return acc


def merge_merged(accs) -> Merged | None:
    out = None
    for acc in accs:
        if acc is None:
            continue
        if out is None:
            out = (*acc[:3], set(), set(), set(), set())
        for i in range(3, 7):
            out[i].update(acc[i])
    return out


def vault_row(token: str, acc: Merged, dataset_version: str) -> dict:
    """Beam-free core: the vault row of one token; two ciphertexts under it are a collision."""
    entity_type, key_scope, key_id, ciphertexts, doc_ids, subject_refs, surfaces = acc
    if len(ciphertexts) != 1:
        raise IntegrityError(f"token collision on {token}: {len(ciphertexts)} different values; run aborted")
    return {
        "token": token,
        "entity_type": entity_type,
        "ciphertext": next(iter(ciphertexts)),
        "key_scope": key_scope,
        "key_id": key_id,
        "dataset_version": dataset_version,
        "doc_ids": sorted(doc_ids),
        "subject_refs": sorted(subject_refs),
        "surfaces": [{"doc_id": d, "text": s} for d, s in sorted(surfaces)],
    }


def merge_entries(token: str, entries: list[VaultEntry], dataset_version: str) -> dict:
    """Beam-free core: one vault row from all entries of one token."""
    acc = None
    for e in entries:
        acc = merge_into(acc, e)
    return vault_row(token, acc, dataset_version)


class BuildVault(beam.PTransform):
    """Vault entries -> one row per token. Entries are combined per token (``CombinePerKey``, lifted:
    each worker merges its own entries before the shuffle), so what crosses the shuffle is one compact
    accumulator per token and worker, not one object per replaced value."""

    def __init__(self, dataset_version: str) -> None:
        super().__init__()
        self.dataset_version = dataset_version

    def expand(self, entries):
        return (
            entries
            | "KeyByToken" >> beam.Map(lambda e: (e.token, e))
            | "MergeByToken" >> beam.CombinePerKey(_MergeFn())
            | "Row" >> beam.ParDo(_RowFn(self.dataset_version))
        )


class _MergeFn(beam.CombineFn):
    def create_accumulator(self):
        return None

    def add_input(self, acc, entry: VaultEntry):
        return merge_into(acc, entry)

    def merge_accumulators(self, accs):
        return merge_merged(accs)

    def extract_output(self, acc):
        return acc


class _RowFn(beam.DoFn):
    def __init__(self, dataset_version: str) -> None:
        self.dataset_version = dataset_version

    def process(self, element):
        token, acc = element
        try:
            yield vault_row(token, acc, self.dataset_version)
        except IntegrityError:
            inc(TOKEN_COLLISIONS)
