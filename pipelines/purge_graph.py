"""The Beam graph of ``redact purge``.

Reads the published version (all columns) and every other complete version (the columns purge needs),
classifies each row, and unless this is a dry run writes the new version: kept training rows
unchanged, the vault narrowed to kept documents, the quarantine without rows linked to removed records.
Decisions (ids, verdicts, reason codes) and (source, verdict) pairs go to a staging prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import apache_beam as beam

from pipelines.graph import write_jsonl
from transforms import fs
from transforms.purge import ClassifyRows, FilterQuarantine, FilterVault, ScanQuarantine
from transforms.purge_rules import PurgeCriteria
from transforms.schemas import QUARANTINE_SCHEMA, TRAINING_SCHEMA, VAULT_SCHEMA
from transforms.write import WriteParquet

SCAN_COLUMNS = ["doc_id", "subject_ref", "lineage", "retention"]
QUARANTINE_SCAN_COLUMNS = None  # all columns: files of older runs may lack subject_ref/expires_at


@dataclass(frozen=True)
class PurgeGraphSpec:
    criteria: PurgeCriteria
    current: str
    current_training: list[str]  # files
    current_vault: list[str]
    current_quarantine: list[str]
    others: dict[str, list[str]]  # version -> training files
    staging: str
    others_quarantine: dict[str, list[str]] = field(default_factory=dict)  # version -> quarantine files
    new_version: str | None = None  # None: dry run, nothing written
    new_training_prefix: str | None = None
    new_vault_prefix: str | None = None
    new_quarantine_prefix: str | None = None


def _read(p, label: str, files: list[str], columns: list[str] | None = None):
    if not files:
        return p | f"Empty{label}" >> beam.Create([])
    return p | f"Files{label}" >> beam.Create(files) | f"Read{label}" >> beam.io.ReadAllFromParquet(columns=columns)


def build_purge_graph(p: beam.Pipeline, spec: PurgeGraphSpec) -> None:
    current = _read(p, "Current", spec.current_training) | "ClassifyCurrent" >> ClassifyRows(
        spec.criteria, spec.current, "current"
    )
    decisions = [current.decisions]
    sources = [current.sources | "TagCurrent" >> beam.Map(lambda s, v: (v, *s), spec.current)]
    for i, (version, files) in enumerate(sorted(spec.others.items())):
        other = _read(p, f"Other{i}", files, SCAN_COLUMNS) | f"ClassifyOther{i}" >> ClassifyRows(
            spec.criteria, version, "other"
        )
        decisions.append(other.decisions)
        sources.append(other.sources | f"TagOther{i}" >> beam.Map(lambda s, v: (v, *s), version))
    due = [
        _read(p, f"OtherQ{i}", files, QUARANTINE_SCAN_COLUMNS)
        | f"ScanQuarantine{i}" >> ScanQuarantine(spec.criteria, v)
        for i, (v, files) in enumerate(sorted(spec.others_quarantine.items()))
        if files
    ]
    if due:
        write_jsonl(
            due
            | "AllDueQuarantine" >> beam.Flatten()
            | "DueRows" >> beam.MapTuple(lambda v, r: {"version": v, "reason": r}),
            fs.join(spec.staging, "quarantine_due"),
            "QuarantineDue",
        )
    all_decisions = decisions | "AllDecisions" >> beam.Flatten()
    write_jsonl(all_decisions, fs.join(spec.staging, "decisions"), "Decisions")
    distinct = sources | "AllSources" >> beam.Flatten() | "DistinctSources" >> beam.Distinct()
    write_jsonl(distinct | "SourceDicts" >> beam.MapTuple(_source_row), fs.join(spec.staging, "sources"), "Sources")
    # The quarantine is filtered (and its removals counted) in a dry run too: the dry run reports
    # exactly what the real purge removes; only the writes below are skipped.
    quarantine = _read(p, "Quarantine", spec.current_quarantine)
    kept_quarantine = (quarantine, current.decisions) | "FilterQuarantine" >> FilterQuarantine(spec.criteria)
    if spec.new_training_prefix is None:
        return
    current.kept | "WriteTraining" >> WriteParquet(spec.new_training_prefix, TRAINING_SCHEMA)
    vault = _read(p, "Vault", spec.current_vault)
    (
        (vault, current.kept)
        | "FilterVault" >> FilterVault(spec.new_version)
        | "WriteVault" >> WriteParquet(spec.new_vault_prefix, VAULT_SCHEMA)
    )
    kept_quarantine | "WriteQuarantine" >> WriteParquet(spec.new_quarantine_prefix, QUARANTINE_SCHEMA)


def _source_row(version: str, uri: str, sha256: str, verdict: str) -> dict:
    return {"version": version, "uri": uri, "sha256": sha256, "verdict": verdict}
