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


def merge_entries(token: str, entries: list[VaultEntry], dataset_version: str) -> dict:
    """Beam-free core: one vault row from all entries of one token."""
    ciphertexts = {e.ciphertext for e in entries}
    if len(ciphertexts) != 1:
        raise IntegrityError(f"token collision on {token}: {len(ciphertexts)} different values; run aborted")
    first = entries[0]
    return {
        "token": token,
        "entity_type": first.entity_type,
        "ciphertext": first.ciphertext,
        "key_scope": first.key_scope,
        "key_id": first.key_id,
        "dataset_version": dataset_version,
        "doc_ids": sorted({e.doc_id for e in entries}),
        "subject_refs": sorted({e.subject_ref for e in entries if e.subject_ref}),
        "surfaces": [
            {"doc_id": d, "text": s} for d, s in sorted({(e.doc_id, e.surface) for e in entries if e.surface})
        ],
    }


class BuildVault(beam.PTransform):
    def __init__(self, dataset_version: str) -> None:
        super().__init__()
        self.dataset_version = dataset_version

    def expand(self, entries):
        return (
            entries
            | "KeyByToken" >> beam.Map(lambda e: (e.token, e))
            | "GroupByToken" >> beam.GroupByKey()
            | "Merge" >> beam.ParDo(_MergeFn(self.dataset_version))
        )


class _MergeFn(beam.DoFn):
    def __init__(self, dataset_version: str) -> None:
        self.dataset_version = dataset_version

    def process(self, element):
        token, entries = element
        try:
            yield merge_entries(token, list(entries), self.dataset_version)
        except IntegrityError:
            inc(TOKEN_COLLISIONS)
