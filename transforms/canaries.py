"""Canary stages: ``InjectCanaries`` (synthetic records into the graph) and ``SplitCanaries``.

Canaries join the records after minimization, are detected, tokenized and given lineage like any
record, and are then split off by their ``canary`` flag into a separate output that the gate checks.
They never reach the training data. Counters ``canaries.injected`` / ``canaries.written`` keep the
run's reconciliation exact.
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.config import GatesConfig
from transforms.counters import NS
from transforms.gates.canaries import canary_record, load_canaries
from transforms.record import Record


class InjectCanaries(beam.PTransform):
    """PBegin -> the configured canary records (validated when the graph is built)."""

    def __init__(self, cfg: GatesConfig) -> None:
        super().__init__()
        self.records = [canary_record(c) for c in load_canaries(cfg)]

    def expand(self, pbegin):
        return pbegin | "Create" >> beam.Create(self.records) | "Count" >> beam.Map(_count, "canaries.injected")


class SplitCanaries(beam.PTransform):
    """Outputs ``records`` (real data) and ``canaries``."""

    def expand(self, records):
        return records | "Split" >> beam.Partition(lambda r, _n: 1 if r.canary else 0, 2)


def _count(record: Record, name: str) -> Record:
    Metrics.counter(NS, name).inc()
    return record
