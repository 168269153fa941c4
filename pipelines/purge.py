"""Driver of ``redact purge``: retention expiry, subject erasure and legal hold over a dataset root.

Order (see docs/purge.md): recover interrupted purges -> classify every complete version and write
the new version (Beam) -> card, manifest, publish -> delete raw sources (optional) -> delete old versions
that still hold removed rows (with their vault and quarantine) -> crypto-shred (optional) -> audit.
The published version stays intact and published until the new one is complete; intent markers make
a crash at any step finish correctly on the next run. ``dry_run`` writes nothing and reports.

Privacy contract: raw subject ids exist only in memory, long enough to tokenize them with each
version's key scope; logs, staging, manifests, cards and the audit event hold ids, hashes and counts.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from pipelines import faults
from pipelines.audit import append_event
from pipelines.beam_runner import run_beam
from pipelines.card import retention_summary, write_card
from pipelines.dataset import (
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
    write_manifest,
)
from pipelines.purge_cleanup import marker_dir, pending_markers, recover, remove_marker, write_marker
from pipelines.purge_graph import PurgeGraphSpec, build_purge_graph
from pipelines.purge_manifest import audit_event, derive_version, history_entry, new_manifest, tally
from pipelines.purge_sources import deletable_sources, delete_sources, find_sources
from transforms import fs
from transforms.config import RunConfig
from transforms.errors import ConfigError, InputError, IntegrityError, KeyAccessError
from transforms.keys import KeysetStore, ScopeKeys
from transforms.keys.lifecycle import shred_scope
from transforms.periods import format_instant
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
    if not fs.exists(layout.current):
        raise InputError(f"{req.dataset} has no published dataset version (training/CURRENT missing)")


def purge(req: PurgeRequest) -> dict:
    """Run a purge. Returns the report; raises ``RedactError`` on failure (previous version stays published)."""
    layout = Layout.build(req.dataset, req.config.outputs)
    _check(req, layout)
    recovered = [] if req.dry_run else recover(layout)
    current = published_version(layout)
    versions = complete_versions(layout)
    if current not in versions:
        raise IntegrityError(f"published version {current} has no complete manifest")
    source = versions[current]
    scope = source.keys.scope
    criteria = PurgeCriteria(req.as_of, subject_refs(layout, versions, req.subjects, req.kek_uri))
    new_version = derive_version(current, criteria)
    staging = (
        tempfile.mkdtemp(prefix="redact-purge-")
        if req.dry_run
        else fs.join(marker_dir(layout), f"staging-{new_version}")
    )
    spec = PurgeGraphSpec(
        criteria=criteria,
        current=current,
        current_training=layout.files(TRAINING, current),
        current_vault=layout.files(VAULT, current, scope),
        current_quarantine=layout.files(QUARANTINE, current),
        others={v: layout.files(TRAINING, v) for v in versions if v != current},
        others_quarantine={v: layout.files(QUARANTINE, v) for v in versions if v != current},
        staging=staging,
    )
    if not req.dry_run:
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
    counters = _execute(spec, req.beam_args)

    decisions = fs.read_jsonl(fs.join(staging, "decisions*.jsonl"))
    sources = fs.read_jsonl(fs.join(staging, "sources*.jsonl"))
    quarantine_due = fs.read_jsonl(fs.join(staging, "quarantine_due*.jsonl"))
    fs.delete_tree(staging)
    t = tally(decisions)
    empty = {"purge": {}, "held": {}}
    at = now_iso()
    entry = history_entry(at, current, None, criteria, t.get(current, empty))
    policies = sorted({d["policy"] for d in decisions})
    entry["policy"] = ", ".join(sorted({d["policy"] for d in decisions if d["version"] == current}))
    q_current = {k.split(".", 2)[2]: n for k, n in counters.items() if k.startswith("purge.quarantine.") and n}
    q_other = Counter(d["version"] for d in quarantine_due)
    removes_current = bool(entry["removed"]) or bool(q_current)
    deleted = sorted(
        {v for v, c in t.items() if c["purge"] and ((v == current and removes_current) or not c["held"])}
        # older versions whose quarantine still holds due raw records, unless a legal hold keeps the version
        | {v for v in q_other if v != current and not t.get(v, empty)["held"]}
        | ({current} if q_current else set())  # replaced by the new version, which holds everything kept
    )
    retained = sorted(v for v, c in t.items() if c["purge"] and c["held"] and v != current)
    report = {
        "dry_run": req.dry_run,
        "as_of": format_instant(req.as_of),
        "from_version": current,
        "new_version": new_version if removes_current else None,
        "published": False,
        "removed": entry["removed"],
        "held": dict(sorted(t.get(current, empty)["held"].items())),
        "versions": {v: {k: dict(sorted(c[k].items())) for k in ("purge", "held")} for v, c in sorted(t.items())},
        "versions_deleted": deleted,
        "quarantine_removed": dict(sorted(q_current.items())),
        "quarantine_due_in_older_versions": dict(sorted(q_other.items())),
        "versions_retained_for_legal_hold": retained,
        "recovered": recovered,
        "pending_recovery": [f"{v}.{a}" for v, a, _ in pending_markers(layout)] if req.dry_run else [],
        "subjects": criteria.describe()["subjects"],
        "scope_shredded": None,
    }
    wanted = deletable_sources(sources, set(deleted), current)
    do_sources = req.delete_sources or req.config.retention.delete_sources
    if req.dry_run:
        report["sources_to_delete"] = sorted(u for u, _ in wanted) if do_sources else []
        return report
    if removes_current:
        entry["to_version"] = new_version
        _finish_new_version(layout, source, new_version, scope, counters, entry, at)
        report["published"] = True
    else:
        delete_version(layout, new_version)
    remove_marker(layout, new_version, "create")
    faults.checkpoint("purge.after_publish")
    report["sources_deleted"] = _delete_sources(req, versions, wanted, deleted) if do_sources else []
    for v in deleted:
        write_marker(layout, v, "delete", versions[v].keys.scope)
        faults.checkpoint("purge.mid_cleanup")
        delete_version(layout, v)
        remove_marker(layout, v, "delete")
    if req.shred_scope:
        shred_scope(KeysetStore(layout.keys), req.shred_scope, operator=_operator())
        report["scope_shredded"] = req.shred_scope
    report["audit"] = append_event(layout, "purge", audit_event(report, decisions, criteria, policies))
    return report


def _finish_new_version(layout, source: Manifest, new_version, scope, counters, entry, at) -> None:
    outputs = describe_outputs(layout, new_version, scope, (TRAINING, VAULT, QUARANTINE))
    manifest = new_manifest(
        source,
        purge_id=uuid.uuid4().hex[:12],
        at=at,
        counters=counters,
        outputs=outputs,
        entry=entry,
        retention=retention_summary(outputs["training"]),
    )
    faults.checkpoint("purge.after_pipeline")
    manifest["outputs"]["card"] = [write_card(layout, new_version, manifest)]
    write_manifest(layout, new_version, manifest)
    if manifest["status"] != "complete":
        raise IntegrityError(f"purge output {new_version} does not reconcile; {source.version} stays published")
    faults.checkpoint("purge.after_manifest")
    publish(layout, new_version)


def _delete_sources(req: PurgeRequest, versions: dict, wanted: set, deleted: list[str]) -> list[str]:
    policies = {versions[v].uri_policy for v in deleted} or {"hash"}
    return delete_sources(find_sources(req.config.retention.source_roots, policies, wanted))


def _operator() -> str:
    from pipelines.audit import operator

    return operator()
