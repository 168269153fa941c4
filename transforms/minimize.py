"""``MinimizeRecords``: drop records without training consent (reason-coded, see ``consent``);
metadata is already restricted to the allow-list by the parsers."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.config import MinimizationConfig
from transforms.consent import consent_decision
from transforms.counters import NS
from transforms.record import Drop, Record


class MinimizeRecords(beam.PTransform):
    """Outputs ``records`` and ``drops``."""

    def __init__(self, cfg: MinimizationConfig) -> None:
        super().__init__()
        self.cfg = cfg

    def expand(self, records):
        return records | "Consent" >> beam.ParDo(_ConsentFn(self.cfg.consent_rule)).with_outputs(
            "drops", main="records"
        )


class _ConsentFn(beam.DoFn):
    def __init__(self, rule: str) -> None:
        self.rule = rule

    def process(self, record: Record):
        reason = consent_decision(record.retention.consent, self.rule)
        if reason is None:
            yield record
            return
        Metrics.counter(NS, f"dropped.{reason}").inc()
        yield beam.pvalue.TaggedOutput(
            "drops", Drop(reason, record.lineage.source_uri, record.lineage.source_record, record.doc_id)
        )
