"""``TokenizeRecords``: replace spans in the configured replacement mode; emit vault entries.

Keys are unwrapped once per worker in ``setup()``. A record whose tokenization fails goes to
quarantine; it never reaches the training output half-redacted.
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms import reasons
from transforms.context import KeysRef
from transforms.counters import NS
from transforms.doc_ids import redact_with_doc_id
from transforms.record import Record, to_quarantine
from transforms.replacement.config import ReplacementConfig


class TokenizeRecords(beam.PTransform):
    """Outputs ``records`` (redacted), ``vault`` (VaultEntry per replaced value) and ``quarantine``."""

    def __init__(self, keys: KeysRef, replacement: ReplacementConfig | None = None) -> None:
        super().__init__()
        self.keys = keys
        self.replacement = replacement or ReplacementConfig()

    def expand(self, records):
        return records | "Tokenize" >> beam.ParDo(_TokenizeFn(self.keys, self.replacement)).with_outputs(
            "vault", "quarantine", main="records"
        )


class _TokenizeFn(beam.DoFn):
    def __init__(self, keys: KeysRef, replacement: ReplacementConfig) -> None:
        self.keys_ref = keys
        self.replacement = replacement
        self.tokenized = Metrics.counter(NS, "tokenized")
        self.collisions = Metrics.counter(NS, "replacement.surrogate_collisions")
        self.fallbacks = Metrics.counter(NS, "replacement.token_fallbacks")

    def setup(self) -> None:
        from transforms.redaction import Redactor

        self.redactor = Redactor(self.keys_ref.open(), self.replacement)

    def process(self, record: Record):
        try:
            redacted, entries = redact_with_doc_id(self.redactor, record)
        except Exception:  # any failure: quarantine the untouched raw record, never emit a partial one
            Metrics.counter(NS, f"quarantined.{reasons.TOKENIZE_ERROR}").inc()
            yield beam.pvalue.TaggedOutput("quarantine", to_quarantine(record, reasons.TOKENIZE_ERROR, "tokenize"))
            return
        self.tokenized.inc()
        self.collisions.inc(self.redactor.last_state.collisions)
        self.fallbacks.inc(self.redactor.last_state.fallbacks)
        for entity, n in redacted.entity_counts.items():
            # canary entities are counted apart so the run's entity statistics describe real data only
            Metrics.counter(NS, f"{'canary_entities' if record.canary else 'entities'}.{entity}").inc(n)
        for entry in entries:
            yield beam.pvalue.TaggedOutput("vault", entry)
        yield redacted
