"""Driver of ``redact purge``: retention expiry, subject erasure and legal hold over a dataset root.

Order (see docs/purge.md): recover interrupted purges -> classify every complete version and write
the new version (Beam) -> card, manifest, publish -> delete raw sources (optional) -> delete old versions
that still hold removed rows (with their vault and quarantine) -> crypto-shred (optional) -> audit.
The published version stays intact and published until the new one is complete; intent markers make
a crash at any step finish correctly on the next run. ``dry_run`` writes nothing and reports.

Privacy contract: raw subject ids exist only in memory, long enough to tokenize them with each
version's key scope; logs, staging, manifests, cards and the audit event hold ids, hashes and counts
(a run's staging on a local runner also holds the vault's sorted runs: ciphertexts, doc ids; killed runs'
staging is deleted here and at each run's start).
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from pipelines import faults
from pipelines.audit import append_event, record_shred
from pipelines.beam_runner import run_beam
from pipelines.card import retention_summary, write_card
from pipelines.dataset import (
    CANARIES,
    CANARY_VAULT,
    QUARANTINE,
    TRAINING,
    VAULT,
    Layout,
    Manifest,
    complete_versions,
    delete_version,
    describe_outputs,
    now_iso,
    publish,
    published_version,
    unpublish,
    version_names,
    write_manifest,
)
from pipelines.locks import purge_lock, sweep_incomplete, sweep_staging
from pipelines.purge_cleanup import marker_dir, pending_markers, recover, remove_marker, write_marker
from pipelines.purge_graph import PurgeGraphSpec, build_purge_graph
from pipelines.purge_manifest import audit_event, derive_version, new_manifest
from pipelines.purge_plan import PurgePlan, plan_purge
from pipelines.purge_sources import SourceScan, deletable_sources, delete_sources, find_sources
from pipelines.storage import prepare_roots, secure_outputs
from transforms import fs
from transforms.config import RunConfig
from transforms.errors import ConfigError, InputError, IntegrityError, KeyAccessError
from transforms.keys import KeysetStore, ScopeKeys
from transforms.keys.lifecycle import shred_scope
from transforms.periods import format_instant
from transforms.permissions import modes_for
from transforms.purge_rules import PurgeCriteria
from transforms.subjects import subject_tokens_all_keys

log = logging.getLogger(__name__)


@dataclass
class PurgeRequest:
    dataset: str
    as_of: datetime
    subjects: list[str] = field(default_factory=list)  # raw ids: tokenized at once, never stored
    dry_run: bool = False
    shred_scope: str | None = None
    delete_sources: bool = False
    config: RunConfig = field(default_factory=RunConfig)
    kek_uri: str | None = None  # overrides the KEK URI recorded in the manifests
    beam_args: list[str] = field(default_factory=list)


def subject_refs(layout: Layout, versions: dict[str, Manifest], subjects: list[str], kek: str | None) -> dict:
    """scope -> SUBJECT tokens of the raw ids, computed as ``TokenizeRecords`` does."""
    if not subjects:
        return {}
    out: dict[str, frozenset[str]] = {}
    for scope, uri in sorted({(m.keys.scope, kek or m.keys.kek_uri or "") for m in versions.values()}):
        try:
            keys = ScopeKeys.open(KeysetStore(layout.keys), scope, uri)
        except KeyAccessError as exc:
            raise KeyAccessError(f"cannot match subjects in versions of scope {scope!r}: {exc}") from None
        # every key of the scope: versions written before a data-key rotation carry the old key's tokens
        out[scope] = frozenset(t for s in subjects for t in subject_tokens_all_keys(keys, s))
    return out


def _execute(spec: PurgeGraphSpec, beam_args: list[str]) -> dict[str, int]:
    return run_beam(lambda p: build_purge_graph(p, spec), beam_args, "purge pipeline")


def _check(req: PurgeRequest, layout: Layout) -> None:
    if (req.delete_sources or req.config.retention.delete_sources) and not req.config.retention.source_roots:
        raise ConfigError("deleting raw sources needs retention.source_roots in the config")
    if any(not s.strip() for s in req.subjects):
        raise ConfigError("--subject must not be empty")
    # Nothing to purge, and no lock file left in a mistyped root. Object stores have no folders: look
    # for the pointer or for any version instead of the training "folder".
    if not fs.exists(layout.current) and not version_names(layout):
        raise InputError(f"{req.dataset} has no published dataset version (training/CURRENT missing)")


def purge(req: PurgeRequest) -> dict:
    """Run a purge. Returns the report; raises ``RedactError`` on failure (previous version stays published).

    A real purge holds the purge lock (``pipelines/locks.py``): it refuses while a run is in flight, and
    runs refuse while it holds the lock. A dry run takes no lock and writes nothing."""
    layout = Layout.build(req.dataset, req.config.outputs)
    _check(req, layout)
    if req.dry_run:
        return _purge(req, layout)
    with purge_lock(layout):
        return _purge(req, layout)


def _purge(req: PurgeRequest, layout: Layout) -> dict:
    if not req.dry_run:
        prepare_roots(layout)
    recovered = [] if req.dry_run else recover(layout)
    # Versions of killed runs (no manifest) and failed runs, in every root: they hold rows too.
    incomplete = sweep_incomplete(layout, failed=True, dry_run=req.dry_run)
    if not req.dry_run:  # killed runs' staging: the vault's sorted runs hold ciphertexts of doc ids purged here
        sweep_staging(layout)
    current = published_version(layout)
    versions = complete_versions(layout)
    if current is not None and current not in versions:
        raise IntegrityError(f"published version {current} has no complete manifest")
    source = versions.get(current) if current else None
    scope = source.keys.scope if source else ""
    criteria = PurgeCriteria(req.as_of, subject_refs(layout, versions, req.subjects, req.kek_uri))
    new_version = derive_version(current, criteria) if current else None
    writes = not req.dry_run and new_version is not None
    staging = (
        fs.join(marker_dir(layout), f"staging-{new_version}") if writes else tempfile.mkdtemp(prefix="redact-purge-")
    )
    spec = PurgeGraphSpec(
        criteria=criteria,
        current=current or "",
        current_training=layout.files(TRAINING, current) if current else [],
        current_vault=layout.files(VAULT, current, scope) if current else [],
        current_quarantine=layout.files(QUARANTINE, current) if current else [],
        others={v: layout.files(TRAINING, v) for v in versions if v != current},
        others_quarantine={v: layout.files(QUARANTINE, v) for v in versions if v != current},
        staging=staging,
    )
    if writes:
        write_marker(layout, new_version, "create", scope)
        delete_version(layout, new_version)  # leftovers of an interrupted attempt
        spec = replace(
            spec,
            new_version=new_version,
            new_training_prefix=layout.prefix(TRAINING, new_version),
            new_vault_prefix=layout.prefix(VAULT, new_version, scope),
            new_quarantine_prefix=layout.prefix(QUARANTINE, new_version),
        )
    log.info("purge of %s as of %s (%s)", current, format_instant(req.as_of), "dry run" if req.dry_run else new_version)
    # Staging holds doc ids: emptied before the graph (an interrupted attempt's shards would be read
    # again and double the counts) and removed whatever happens.
    fs.delete_tree(staging)
    try:
        counters = _execute(spec, req.beam_args)
        decisions = fs.read_jsonl(fs.join(staging, "decisions*.jsonl"))
        sources = fs.read_jsonl(fs.join(staging, "sources*.jsonl"))
        quarantine_due = fs.read_jsonl(fs.join(staging, "quarantine_due*.jsonl"))
    finally:
        fs.delete_tree(staging)
    at = now_iso()
    plan = plan_purge(
        current=current,
        new_version=new_version,
        criteria=criteria,
        counters=counters,
        decisions=decisions,
        quarantine_due=quarantine_due,
        min_rows=req.config.gates.min_rows,
        at=at,
    )
    report = {
        "dry_run": req.dry_run,
        "as_of": format_instant(req.as_of),
        **plan.report(),
        "recovered": recovered,
        "incomplete_versions_deleted": incomplete,
        "pending_recovery": [f"{v}.{a}" for v, a, _ in pending_markers(layout)] if req.dry_run else [],
        "subjects": criteria.describe()["subjects"],
        "scope_shredded": None,
    }
    wanted = deletable_sources(sources, set(plan.deleted), current or "")
    do_sources = req.delete_sources or req.config.retention.delete_sources
    if req.dry_run:
        report["sources_to_delete"] = sorted(u for u, _ in wanted) if do_sources else []
        return report
    if new_version is not None:
        if plan.new_version is not None:
            plan.entry["to_version"] = new_version
            _finish_new_version(layout, source, plan, scope, counters, at)
        else:
            delete_version(layout, new_version)
        remove_marker(layout, new_version, "create")
    faults.checkpoint("purge.after_publish")
    if do_sources:
        scan = _find_sources(req, layout, versions, wanted, plan.deleted)
        report["sources_deleted"], report["sources_not_read"] = delete_sources(scan.found), scan.skipped
        report["sources_not_deleted"] = scan.missed
    else:
        report["sources_deleted"], report["sources_not_read"], report["sources_not_deleted"] = [], {}, []
    for v in plan.deleted:
        write_marker(layout, v, "delete", versions[v].keys.scope)
        faults.checkpoint("purge.mid_cleanup")
        delete_version(layout, v)
        remove_marker(layout, v, "delete")
    if req.shred_scope:
        shred_scope(KeysetStore(layout.keys), req.shred_scope, operator=_operator())
        record_shred(layout, req.shred_scope)
        report["scope_shredded"] = req.shred_scope
    report["audit"] = append_event(layout, "purge", audit_event(report, decisions, criteria, plan.policies))
    secure_outputs(layout)
    return report


def _finish_new_version(layout: Layout, source: Manifest, plan: PurgePlan, scope: str, counters, at: str) -> None:
    """Card, manifest, then the pointer: ``CURRENT`` moves to the new version, or, when the purge left
    fewer rows than the gate's minimum, is removed (retention wins; no published version is valid)."""
    new_version = plan.new_version
    carry_canaries(layout, source.version, new_version)
    outputs = describe_outputs(layout, new_version, scope, (TRAINING, VAULT, QUARANTINE, CANARIES, CANARY_VAULT))
    manifest = new_manifest(
        source,
        purge_id=uuid.uuid4().hex[:12],
        at=at,
        counters=counters,
        outputs=outputs,
        entry=plan.entry,
        retention=retention_summary(outputs["training"]),
    )
    if not plan.publish_new:
        manifest["gate"] = {
            "success": False,
            "gated_at": at,
            "failed": [f"gate_metrics: min_rows ({plan.kept_rows} rows left by the purge)"],
            "summary": None,
        }
    faults.checkpoint("purge.after_pipeline")
    manifest["outputs"]["card"] = [write_card(layout, new_version, manifest)]
    write_manifest(layout, new_version, manifest)
    if manifest["status"] != "complete":
        raise IntegrityError(f"purge output {new_version} does not reconcile; {source.version} stays published")
    faults.checkpoint("purge.after_manifest")
    if plan.publish_new:
        publish(layout, new_version)
    else:
        log.warning("the purge left %d rows: %s is not published; no version is published", plan.kept_rows, new_version)
        unpublish(layout)


def carry_canaries(layout: Layout, source: str, new_version: str) -> None:
    """Copy the source version's canary output and canary vault (synthetic records only) into the new
    version, so that ``redact gate`` on a purge-made version checks the canaries of the run it derives
    from (a purge removes rows; it never re-detects, so it has no canary output of its own)."""
    for kind in (CANARIES, CANARY_VAULT):
        for path in layout.files(kind, source):
            name = path.rstrip("/").rsplit("/", 1)[-1]
            dest = fs.join(layout.data_dir(kind, new_version), name)
            fs.write_bytes_atomic(dest, fs.read_bytes(path), mode=modes_for(kind).file)


def _find_sources(req: PurgeRequest, layout: Layout, versions: dict, wanted: set, deleted: list[str]) -> SourceScan:
    """Raw sources to delete, listed and read as ``redact run`` reads inputs (never an output root or
    a local KEK file, reads bounded by ``input.max_file_bytes``)."""
    policies = {versions[v].uri_policy for v in deleted} or {"hash"}
    keks = {req.kek_uri or "", req.config.keys.kek_uri or "", *(m.keys.kek_uri or "" for m in versions.values())}
    exclude = layout.output_roots() + [k[len("local://") :] for k in keks if k.startswith("local://")]
    roots = req.config.retention.source_roots
    return find_sources(roots, policies, wanted, max_bytes=req.config.input.max_file_bytes, exclude=exclude)


def _operator() -> str:
    from pipelines.audit import operator

    return operator()
