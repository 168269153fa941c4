"""``AttachLineage``: fill the run-level lineage fields and the retention struct of every record.

Retention comes from the run's retention policy (``transforms/retention.py``; the embedded default
when the configuration names none): policy id and version, category label, ``expires_at`` computed
from the run's ingestion time, legal hold, and the consent value read by the parser.
"""

from __future__ import annotations

from dataclasses import replace

import apache_beam as beam

from transforms.context import RunContext
from transforms.record import Record
from transforms.retention import RetentionPolicy, default_policy


def attach_lineage(record: Record, ctx: RunContext, policy: RetentionPolicy | None = None) -> Record:
    """Beam-free core: a copy of ``record`` with run identity, model identity and retention."""
    lineage = replace(
        record.lineage,
        ingested_at=ctx.ingested_at,
        run_id=ctx.run_id,
        pipeline_version=ctx.pipeline_version,
        detector_config_sha256=ctx.detector_config_sha256,
        nlp_model_name=ctx.nlp_model_name,
        nlp_model_version=ctx.nlp_model_version,
        nlp_model_sha256=ctx.nlp_model_sha256,
    )
    out = replace(record, lineage=lineage)
    out.retention = (policy or default_policy()).retention_for(out, ctx.ingested_at)
    return out


class AttachLineage(beam.PTransform):
    def __init__(self, ctx: RunContext, policy: RetentionPolicy | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.policy = policy or default_policy()

    def expand(self, records):
        return records | "Lineage" >> beam.Map(attach_lineage, self.ctx, self.policy)
