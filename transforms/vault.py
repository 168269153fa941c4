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
    """Vault entries -> one row per token. The shuffle by token carries compact tuples (ids and
    ciphertexts only): on the local runner it is held in memory, about 110 bytes per replaced value."""

    def __init__(self, dataset_version: str) -> None:
        super().__init__()
        self.dataset_version = dataset_version

    def expand(self, entries):
        return (
            entries
            | "KeyByToken" >> beam.Map(compact)
            | "GroupByToken" >> beam.GroupByKey()
            | "Merge" >> beam.ParDo(_MergeFn(self.dataset_version))
        )


class _MergeFn(beam.DoFn):
    def __init__(self, dataset_version: str) -> None:
        self.dataset_version = dataset_version

    def process(self, element):
        token, entries = element
        try:
            yield vault_row(token, list(entries), self.dataset_version)
        except IntegrityError:
            inc(TOKEN_COLLISIONS)
