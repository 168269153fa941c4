"""Canaries in the run graph: ``canary_records`` (what the reader injects) and ``SplitCanaries``.

Canaries are carried as read units (``ReadRecords(inject=...)``, counted under ``canaries.injected``),
so they travel in the same fused stage as the records instead of joining them through a ``Flatten``
(which the local runner would materialize: the whole corpus in memory). Canonicalization and
minimization pass them through untouched, as if they joined after minimization; they are detected,
tokenized and given lineage like any record, and are then split off by their ``canary`` flag into a
separate output that the gate checks. They never reach the training data. Counters
``canaries.injected`` / ``canaries.written`` keep the run's reconciliation exact.
"""

from __future__ import annotations

import apache_beam as beam

from transforms.config import GatesConfig
from transforms.gates.canaries import canary_record, load_canaries
from transforms.record import Record

INJECTED = "canaries.injected"


def canary_records(cfg: GatesConfig) -> list[Record]:
    """The configured canary records (validated when the graph is built), flagged ``canary``."""
    return [canary_record(c) for c in load_canaries(cfg)]


class SplitCanaries(beam.PTransform):
    """Outputs ``records`` (real data) and ``canaries``."""

    def expand(self, records):
        return records | "Split" >> beam.Partition(lambda r, _n: 1 if r.canary else 0, 2)
