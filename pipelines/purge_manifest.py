"""Manifest, purge-history entry and audit event of a purge (Beam-free; ids, hashes and counts only)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter

from pipelines.dataset import Manifest
from transforms import PIPELINE_VERSION
from transforms.purge_rules import PurgeCriteria, id_hash
from transforms.schemas import SCHEMA_VERSION

_PURGE_SUFFIX = re.compile(r"(-p[0-9a-f]{8})+$")
# Carried over unchanged from the source version: the rows were produced under these identities.
_INHERITED = (
    "config_sha256",
    "detector_config_sha256",
    "nlp_model",
    "keys",
    "inputs",
    "retention_policy",
    "uri_policy",
    "card_meta",
)


def derive_version(current: str, criteria: PurgeCriteria) -> str:
    """Deterministic name of the version a purge makes, so a re-run after a crash rewrites the same one."""
    subjects = sorted(s for refs in criteria.subjects_by_scope.values() for s in refs)
    key = json.dumps([current, criteria.describe()["as_of"], subjects])
    return f"{_PURGE_SUFFIX.sub('', current)}-p{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def tally(decisions: list[dict]) -> dict[str, dict[str, Counter]]:
    """version -> {"purge": Counter(reason), "held": Counter(reason)}."""
    out: dict[str, dict[str, Counter]] = {}
    for d in decisions:
        out.setdefault(d["version"], {"purge": Counter(), "held": Counter()})[d["verdict"]][d["reason"]] += 1
    return out


def history_entry(at: str, current: str, new_version: str | None, criteria: PurgeCriteria, t: dict) -> dict:
    return {
        "at": at,
        "from_version": current,
        "to_version": new_version,
        "as_of": criteria.describe()["as_of"],
        "subjects": criteria.describe()["subjects"],
        "removed": dict(sorted(t["purge"].items())),
        "held": sum(t["held"].values()),
    }


def new_manifest(
    source: Manifest,
    *,
    purge_id: str,
    at: str,
    counters: dict[str, int],
    outputs: dict[str, list[dict]],
    entry: dict,
    retention: dict,
) -> dict:
    rows = {name: sum(f.get("rows", 0) for f in files) for name, files in outputs.items()}
    read = sum(counters.get(f"purge.current.{v}", 0) for v in ("keep", "held", "purge"))
    kept = counters.get("purge.current.keep", 0) + counters.get("purge.current.held", 0)
    removed = entry["removed"]
    src_rows, src_q = source.rows("training"), source.rows("quarantine")
    checks = {
        "read_equals_written_purged": read == kept + sum(removed.values()),
        "training_rows_equal_written": rows.get("training", 0) == kept,
        "read_equals_source_rows": read == src_rows,
        "quarantine_rows_within_source": rows.get("quarantine", 0) <= src_q,
    }
    ok = all(checks.values())
    inherited = source.to_dict()
    return {
        **{k: inherited.get(k) for k in _INHERITED},
        # a shred recorded in the source version stays recorded in every version derived from it
        **({"shredded": inherited["shredded"]} if inherited.get("shredded") else {}),
        "status": "complete" if ok else "failed",
        "failures": [] if ok else ["counts do not reconcile"],
        "produced_by": "purge",
        "run_id": purge_id,
        "created_at": at,
        "derived_from": source.version,
        "source_run_id": source.data_run_id,
        "pipeline_version": PIPELINE_VERSION,
        "code": {"pipeline_version": PIPELINE_VERSION, "schema_version": SCHEMA_VERSION},
        "outputs": outputs,
        "counts": {
            "files": source.counts.get("files", 0),
            "read": read,
            "written": kept,
            "purged": removed,
            "purged_total": sum(removed.values()),
            "held": entry["held"],
            "quarantined": {},
            "quarantined_total": rows.get("quarantine", 0),
            "dropped": removed,
            "dropped_total": sum(removed.values()),
            "vault_tokens": rows.get("vault", 0),
        },
        "entities": {k.split(".", 2)[2]: v for k, v in sorted(counters.items()) if k.startswith("purge.entities.")},
        "reconciliation": {"ok": ok, "checks": checks},
        "retention_summary": retention,
        "purge": entry,
        "purge_history": [*source.purge_history, entry],
        "gate": None,
        "gate_inherited": (g := source.gate or source.gate_inherited) and g.to_dict(),
    }


def audit_event(report: dict, decisions: list[dict], criteria: PurgeCriteria, policies: list[str]) -> dict:
    """The purge audit event: counts by reason, record id hashes, policy versions. Never values."""
    subjects = sorted(id_hash(s) for refs in criteria.subjects_by_scope.values() for s in refs)
    return {
        **{k: report[k] for k in report if k not in ("records",)},
        "policy_versions": policies,
        "subject_ref_sha256": subjects,
        "records": [
            {
                "version": d["version"],
                "doc_id_sha256": id_hash(d["doc_id"]),
                "verdict": d["verdict"],
                "reason": d["reason"],
            }
            for d in sorted(decisions, key=lambda d: (d["version"], d["doc_id"], d["verdict"]))
        ],
    }
