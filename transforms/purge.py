"""Composite transforms of ``redact purge``: classify training rows, rebuild the vault and the
quarantine of the new version. Cores live in ``purge_rules`` (Beam-free)."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms import reasons
from transforms.counters import NS
from transforms.purge_rules import (
    KEEP,
    PurgeCriteria,
    classify,
    classify_quarantine,
    decision_row,
    rebuild_vault_row,
)
from transforms.schemas import kv_dict


class ClassifyRows(beam.PTransform):
    """Rows of one version -> ``kept`` (rows, unchanged), ``decisions`` (removed or held rows: ids only)
    and ``sources`` ((public uri, sha256, verdict) per row, for raw-source deletion)."""

    def __init__(self, criteria: PurgeCriteria, version: str, kind: str) -> None:
        super().__init__()
        self.criteria, self.version, self.kind = criteria, version, kind  # not "label": PTransform uses it

    def expand(self, rows):
        return rows | "Classify" >> beam.ParDo(_ClassifyFn(self.criteria, self.version, self.kind)).with_outputs(
            "decisions", "sources", main="kept"
        )


class _ClassifyFn(beam.DoFn):
    def __init__(self, criteria: PurgeCriteria, version: str, kind: str) -> None:
        self.criteria, self.version, self.kind = criteria, version, kind

    def process(self, row: dict):
        verdict, reason = classify(row, self.criteria)
        Metrics.counter(NS, f"purge.{self.kind}.{verdict}").inc()
        lin = row["lineage"]
        yield beam.pvalue.TaggedOutput("sources", (lin["source_uri"], lin["source_sha256"], verdict))
        if verdict != KEEP:
            yield beam.pvalue.TaggedOutput("decisions", decision_row(self.version, row, verdict, reason))
        if verdict != "purge":
            if self.kind == "current":
                for entity, n in kv_dict(row.get("entity_counts")).items():
                    Metrics.counter(NS, f"purge.entities.{entity}").inc(n)
            yield row


class FilterVault(beam.PTransform):
    """(vault rows, kept training rows) -> vault rows of the new version: a token survives only if a kept
    document uses it; ``doc_ids`` and ``subject_refs`` are narrowed to kept documents."""

    def __init__(self, new_version: str) -> None:
        super().__init__()
        self.new_version = new_version

    def expand(self, pcolls):
        vault, kept = pcolls
        docs = kept | "KeptDocs" >> beam.Map(lambda r: (r["doc_id"], r.get("subject_ref") or ""))
        uses = vault | "TokenUses" >> beam.FlatMap(lambda v: [(d, v["token"]) for d in v["doc_ids"]])
        live = {"tok": uses, "doc": docs} | "JoinDocs" >> beam.CoGroupByKey() | "Live" >> beam.FlatMap(_live_uses)
        by_token = vault | "ByToken" >> beam.Map(lambda v: (v["token"], v))
        return (
            {"row": by_token, "live": live}
            | "JoinTokens" >> beam.CoGroupByKey()
            | "Rebuild" >> beam.FlatMap(lambda kv, v: rebuild_vault_row(kv[0], kv[1], v), self.new_version)
        )


def _live_uses(element):
    doc_id, groups = element
    subjects = list(groups["doc"])
    if not subjects:
        return
    for token in groups["tok"]:
        yield token, (doc_id, subjects[0])


class FilterQuarantine(beam.PTransform):
    """(quarantine rows, decisions) -> quarantine rows not linked (by doc id) to a removed record and not
    themselves due (named subject, quarantine expiry). Every removal is counted as
    ``purge.quarantine.<reason>``, linked rows under ``purge.quarantine_linked_to_removed_record``."""

    def __init__(self, criteria: PurgeCriteria) -> None:
        super().__init__()
        self.criteria = criteria

    def expand(self, pcolls):
        quarantine, decisions = pcolls
        quarantine = quarantine | "NotDue" >> beam.ParDo(_QuarantineDueFn(self.criteria))
        removed = (
            decisions
            | "Removed" >> beam.Filter(lambda d: d["verdict"] == "purge")
            | "Key" >> beam.Map(lambda d: (d["doc_id"], 1))
        )
        keyed = quarantine | "ByDoc" >> beam.Map(lambda q: (q["doc_id"], q))
        return (
            {"q": keyed, "removed": removed} | "Join" >> beam.CoGroupByKey() | "Unlinked" >> beam.ParDo(_UnlinkedFn())
        )


class _UnlinkedFn(beam.DoFn):
    """Quarantine rows of a removed record go with it (counted under their own reason)."""

    def process(self, element):
        _doc_id, groups = element
        rows = list(groups["q"])
        if list(groups["removed"]):
            if rows:
                Metrics.counter(NS, f"purge.quarantine.{reasons.PURGE_QUARANTINE_LINKED}").inc(len(rows))
            return
        yield from rows


class _QuarantineDueFn(beam.DoFn):
    def __init__(self, criteria: PurgeCriteria) -> None:
        self.criteria = criteria

    def process(self, row: dict):
        reason = classify_quarantine(row, self.criteria)
        if reason is None:
            yield row
        else:
            Metrics.counter(NS, f"purge.quarantine.{reason}").inc()


class ScanQuarantine(beam.PTransform):
    """Quarantine rows of an older version -> ``(version, reason)`` for every row that is due."""

    def __init__(self, criteria: PurgeCriteria, version: str) -> None:
        super().__init__()
        self.criteria, self.version = criteria, version

    def expand(self, rows):
        return rows | "Due" >> beam.FlatMap(
            lambda r, c, v: [(v, reason)] if (reason := classify_quarantine(r, c)) else [], self.criteria, self.version
        )
