"""Writers: training rows, vault rows and sealed quarantine rows to Parquet with explicit schemas.

Memory: each open Parquet file buffers its rows as Arrow record batches until a row group is full
(``ROW_GROUP_BYTES`` of uncompressed Arrow data, plus one batch of ``RECORD_BATCH_ROWS`` rows as Python
values), then writes the row group and frees the buffer. Beam's default (64 MiB) kept a worker's memory
growing with the corpus up to a corpus of about 25 MB of text, and made every reader that decodes one
row group at a time (the gate, the card, the vault collision check) hold that much.
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.context import KeysRef
from transforms.counters import NS
from transforms.doc_ids import sealed_item_doc_id
from transforms.keys.sealing import seal_quarantine_row
from transforms.record import QuarantineItem
from transforms.schemas import QUARANTINE_SCHEMA, TRAINING_SCHEMA, VAULT_SCHEMA, quarantine_row, training_row
from transforms.subjects import subject_token

ROW_GROUP_BYTES = 16 << 20  # uncompressed Arrow bytes buffered per open file before a row group is written
RECORD_BATCH_ROWS = 1000  # rows converted from Python values to Arrow at a time (Beam's default)


class WriteParquet(beam.PTransform):
    """Rows (dicts) -> ``<prefix>-SSSSS-of-NNNNN.parquet`` with the given schema, in row groups of about
    ``ROW_GROUP_BYTES`` of uncompressed data (``row_group_bytes``; the last one smaller)."""

    def __init__(self, prefix: str, schema, num_shards: int = 0, row_group_bytes: int = ROW_GROUP_BYTES) -> None:
        super().__init__()
        self.prefix, self.schema, self.num_shards = prefix, schema, num_shards
        self.row_group_bytes = row_group_bytes

    def expand(self, rows):
        return rows | "Parquet" >> beam.io.WriteToParquet(
            self.prefix,
            self.schema,
            file_name_suffix=".parquet",
            num_shards=self.num_shards,
            codec="zstd",
            row_group_buffer_size=self.row_group_bytes,
            record_batch_size=RECORD_BATCH_ROWS,
        )


class WriteTraining(beam.PTransform):
    """Redacted records -> training-schema Parquet, counted under ``counter`` (the canary output too)."""

    def __init__(self, prefix: str, counter: str = "written") -> None:
        super().__init__()
        self.prefix, self.counter = prefix, counter

    def expand(self, records):
        return (
            records
            | "Count" >> beam.ParDo(_CountFn(self.counter))
            | "ToRow" >> beam.Map(training_row)
            | "Write" >> WriteParquet(self.prefix, TRAINING_SCHEMA)
        )


class WriteVault(beam.PTransform):
    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def expand(self, rows):
        return rows | "Write" >> WriteParquet(self.prefix, VAULT_SCHEMA)


class WriteQuarantine(beam.PTransform):
    """Seals each raw payload under the scope's AEAD key, then writes it. Nothing raw touches disk."""

    def __init__(self, prefix: str, keys: KeysRef, run_id: str, expires_at: str | None = None) -> None:
        super().__init__()
        self.prefix, self.keys, self.run_id, self.expires_at = prefix, keys, run_id, expires_at

    def expand(self, items):
        return (
            items
            | "Seal" >> beam.ParDo(_SealFn(self.keys, self.run_id, self.expires_at))
            | "Write" >> WriteParquet(self.prefix, QUARANTINE_SCHEMA)
        )


class _SealFn(beam.DoFn):
    def __init__(self, keys: KeysRef, run_id: str, expires_at: str | None) -> None:
        self.keys_ref, self.run_id, self.expires_at = keys, run_id, expires_at

    def setup(self) -> None:
        self.keys = self.keys_ref.open()

    def process(self, item: QuarantineItem):
        item = sealed_item_doc_id(self.keys, item)  # the input id only as a keyed token
        subject = None
        if item.subject_raw and item.subject_raw.strip():  # same SUBJECT token as the training rows get
            subject = subject_token(self.keys, item.subject_raw)
        row = quarantine_row(
            item,
            b"",
            self.keys.scope,
            self.keys.key_id,
            self.run_id,
            subject_ref=subject,
            expires_at=self.expires_at,
        )
        yield seal_quarantine_row(self.keys, row, item.payload)  # AAD binds the row's doc_id, reason, stage, ...


class _CountFn(beam.DoFn):
    def __init__(self, name: str) -> None:
        self.counter = Metrics.counter(NS, name)

    def process(self, element):
        self.counter.inc()
        yield element
