"""Writers: training rows, vault rows and sealed quarantine rows to Parquet with explicit schemas."""

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


class WriteParquet(beam.PTransform):
    """Rows (dicts) -> ``<prefix>-SSSSS-of-NNNNN.parquet`` with the given schema."""

    def __init__(self, prefix: str, schema, num_shards: int = 0) -> None:
        super().__init__()
        self.prefix, self.schema, self.num_shards = prefix, schema, num_shards

    def expand(self, rows):
        return rows | "Parquet" >> beam.io.WriteToParquet(
            self.prefix,
            self.schema,
            file_name_suffix=".parquet",
            num_shards=self.num_shards,
            codec="zstd",
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
