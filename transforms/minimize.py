"""``MinimizeRecords``: drop records without training consent (reason-coded, see ``consent``);
metadata is already restricted to the allow-list by the parsers.

Two sources of a consent drop: ``minimization.consent_rule`` and the consent requirement of the
retention rule that matches the record (``policy.retention_consent_required``).
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.config import MinimizationConfig
from transforms.consent import consent_decision, policy_consent_decision
from transforms.counters import NS
from transforms.record import Drop, Record
from transforms.retention import RetentionPolicy


def minimize_decision(record: Record, rule: str, policy: RetentionPolicy | None) -> str | None:
    """Beam-free core: a drop reason, or None to keep."""
    reason = consent_decision(record.retention.consent, rule)
    if reason is None and policy is not None:
        reason = policy_consent_decision(record.retention.consent, policy.terms_for(record)[1].consent)
    return reason


class MinimizeRecords(beam.PTransform):
    """Outputs ``records`` and ``drops``."""

    def __init__(self, cfg: MinimizationConfig, policy: RetentionPolicy | None = None) -> None:
        super().__init__()
        self.cfg, self.policy = cfg, policy

    def expand(self, records):
        return records | "Consent" >> beam.ParDo(_ConsentFn(self.cfg.consent_rule, self.policy)).with_outputs(
            "drops", main="records"
        )


class _ConsentFn(beam.DoFn):
    def __init__(self, rule: str, policy: RetentionPolicy | None) -> None:
        self.rule, self.policy = rule, policy

    def process(self, record: Record):
        if record.canary:  # synthetic recall probe injected by the reader: no consent applies, never dropped
            yield record
            return
        reason = minimize_decision(record, self.rule, self.policy)
        if reason is None:
            yield record
            return
        Metrics.counter(NS, f"dropped.{reason}").inc()
        yield beam.pvalue.TaggedOutput(
            "drops", Drop(reason, record.lineage.source_uri, record.lineage.source_record, record.doc_id)
        )
