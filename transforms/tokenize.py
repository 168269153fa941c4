"""``TokenizeRecords``: replace spans with deterministic tokens; emit vault entries.

Keys are unwrapped once per worker in ``setup()``. A record whose tokenization fails goes to
quarantine; it never reaches the training output half-redacted.
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms import reasons
from transforms.context import KeysRef
from transforms.counters import NS
from transforms.record import Record, to_quarantine


class TokenizeRecords(beam.PTransform):
    """Outputs ``records`` (redacted), ``vault`` (VaultEntry per replaced value) and ``quarantine``."""

    def __init__(self, keys: KeysRef) -> None:
        super().__init__()
        self.keys = keys

    def expand(self, records):
        return records | "Tokenize" >> beam.ParDo(_TokenizeFn(self.keys)).with_outputs(
            "vault", "quarantine", main="records"
        )


class _TokenizeFn(beam.DoFn):
    def __init__(self, keys: KeysRef) -> None:
        self.keys_ref = keys
        self.tokenized = Metrics.counter(NS, "tokenized")

    def setup(self) -> None:
        from transforms.redaction import Redactor

        self.redactor = Redactor(self.keys_ref.open())

    def process(self, record: Record):
        try:
            redacted, entries = self.redactor.redact_record(record)
        except Exception:  # any failure: quarantine the untouched raw record, never emit a partial one
            Metrics.counter(NS, f"quarantined.{reasons.TOKENIZE_ERROR}").inc()
            yield beam.pvalue.TaggedOutput("quarantine", to_quarantine(record, reasons.TOKENIZE_ERROR, "tokenize"))
            return
        self.tokenized.inc()
        for entity, n in redacted.entity_counts.items():
            # canary entities are counted apart so the run's entity statistics describe real data only
            Metrics.counter(NS, f"{'canary_entities' if record.canary else 'entities'}.{entity}").inc(n)
        for entry in entries:
            yield beam.pvalue.TaggedOutput("vault", entry)
        yield redacted
