"""The main job's Beam graph: read -> detect -> tokenize -> lineage -> write (training, vault, quarantine)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import apache_beam as beam

from pipelines.dataset import CANARIES, CANARY_VAULT, QUARANTINE, TRAINING, VAULT, Layout
from transforms import fs
from transforms.canaries import INJECTED, SplitCanaries, canary_records
from transforms.canonicalize import CanonicalizeRecords
from transforms.config import RunConfig
from transforms.context import KeysRef, RunContext
from transforms.detect import DetectPII
from transforms.lineage import AttachLineage
from transforms.minimize import MinimizeRecords
from transforms.progress import ReportProgress
from transforms.purge_rules import id_hash
from transforms.read import ReadRecords
from transforms.retention import RetentionPolicy, default_policy
from transforms.tokenize import TokenizeRecords
from transforms.vault import BuildVault
from transforms.write import WriteQuarantine, WriteTraining, WriteVault


@dataclass(frozen=True)
class GraphSpec:
    patterns: list[str]
    cfg: RunConfig
    ctx: RunContext
    keys: KeysRef
    layout: Layout
    policy: RetentionPolicy = field(default_factory=default_policy)
    ner_child: bool = False  # a detection child process beside each worker, sharing its batches (batch_child.py)
    # the vault by external sort in the staging folder instead of a GroupByKey (runners that would hold
    # the shuffle in memory: ``pipelines.beam_runner.shuffles_in_memory``); same rows either way
    vault_spill: bool = False


def build_graph(p: beam.Pipeline, spec: GraphSpec) -> None:
    cfg, ctx, layout = spec.cfg, spec.ctx, spec.layout
    # The record path, from parsing to the training writer, is one fused stage on every runner (no Flatten,
    # GroupByKey or side input on it): the local runner materializes the data between stages, so anything
    # joining this path would hold the whole corpus in memory. Canaries join as read units for that reason.
    read = p | "ReadRecords" >> ReadRecords(
        spec.patterns,
        cfg.input,
        spec.policy,
        cfg.retention.uri_policy,
        exclude=never_read(layout, cfg.keys.kek_uri),
        inject=canary_records(cfg.gates),
        inject_counter=INJECTED,
    )
    (read.sources, read.records, read.quarantine, read.drops) | "Progress" >> ReportProgress()
    canonical = read.records | "Canonicalize" >> CanonicalizeRecords(cfg.canonicalization.special_tokens)
    minimized = canonical | "Minimize" >> MinimizeRecords(cfg.minimization, spec.policy)
    to_detect = minimized.records
    failed_ner = []
    if cfg.detection.engines:  # extra NER engines (docs/engines.md); the default graph is unchanged
        from transforms.ner import RunNerEngines

        ner = to_detect | "RunNerEngines" >> RunNerEngines(cfg.detection.engines)
        to_detect, failed_ner = ner.records, [ner.quarantine]
    detected = to_detect | "DetectPII" >> DetectPII(cfg.detection, cfg.progress_every, ner_child=spec.ner_child)
    tokenized = detected.records | "TokenizeRecords" >> TokenizeRecords(spec.keys, cfg.replacement)
    real, canary = (
        tokenized.records | "AttachLineage" >> AttachLineage(ctx, spec.policy) | "SplitCanaries" >> SplitCanaries()
    )
    real | "WriteTraining" >> WriteTraining(layout.prefix(TRAINING, ctx.version))
    # Canary records, in the training schema, beside (never inside) the training output.
    canary | "WriteCanaries" >> WriteTraining(layout.prefix(CANARIES, ctx.version), counter="canaries.written")
    # Canary tokens go to their own vault next to the canary output: the real vault references real records only.
    staging = layout.staging(ctx.run_id)
    spill = spec.vault_spill
    real_vault, canary_vault = tokenized.vault | "SplitCanaryVault" >> beam.Partition(lambda e, _: int(e.canary), 2)
    (
        real_vault
        | "BuildVault" >> BuildVault(ctx.version, fs.join(staging, "vault-runs") if spill else None)
        | "WriteVault" >> WriteVault(layout.prefix(VAULT, ctx.version, ctx.key_scope))
    )
    (
        canary_vault
        | "BuildCanaryVault" >> BuildVault(ctx.version, fs.join(staging, "canary-vault-runs") if spill else None)
        | "WriteCanaryVault" >> WriteVault(layout.prefix(CANARY_VAULT, ctx.version))
    )
    (
        (read.quarantine, *failed_ner, detected.quarantine, tokenized.quarantine)
        | "AllQuarantine" >> beam.Flatten()
        | "WriteQuarantine"
        >> WriteQuarantine(
            layout.prefix(QUARANTINE, ctx.version),
            spec.keys,
            ctx.run_id,
            quarantine_expiry(ctx.ingested_at, cfg.retention.quarantine_days),
        )
    )
    write_jsonl(read.sources | "SourceRows" >> beam.MapTuple(_source_row), fs.join(staging, "sources"), "Sources")
    drops = (read.drops, minimized.drops) | "AllDrops" >> beam.Flatten()
    write_jsonl(drops | "DropRows" >> beam.Map(_drop_row), fs.join(staging, "drops"), "Drops")


def never_read(layout: Layout, kek_uri: str) -> list[str]:
    """Paths the reader must never open, whatever the inputs match: every output root and the local KEK."""
    return layout.output_roots() + ([kek_uri[len("local://") :]] if kek_uri.startswith("local://") else [])


def write_jsonl(rows, prefix: str, label: str) -> None:
    """Small bookkeeping outputs (dicts) as JSON Lines; no file at all when there are no rows."""
    (
        rows
        | f"{label}Json" >> beam.Map(lambda r: json.dumps(r, sort_keys=True))
        # skip_if_empty: Beam's S3 uploader cannot complete a zero-byte object (empty multipart upload)
        | f"Write{label}" >> beam.io.WriteToText(prefix, file_name_suffix=".jsonl", skip_if_empty=True)
    )


def _source_row(uri: str, sha256: str, items: int) -> dict:
    return {"uri": uri, "sha256": sha256, "items": items}


def _drop_row(d) -> dict:
    """Dropped records are listed by a hash of their id: ids of people who did not consent stay out."""
    return {
        "reason": d.reason,
        "source_uri": d.source_uri,
        "source_record": d.source_record,
        "doc_id_sha256": id_hash(d.doc_id) if d.doc_id else "",
    }


def quarantine_expiry(ingested_at: str, days: int) -> str:
    """Quarantined raw records are kept for ``retention.quarantine_days`` (purge enforces it)."""
    start = datetime.fromisoformat(ingested_at.replace("Z", "+00:00"))
    return (start + timedelta(days=days)).isoformat().replace("+00:00", "Z")
