"""Which training rows a purge removes (Beam-free).

A row is removed when its subject was named for erasure (``purge.subject_erasure``) or its
``retention.expires_at`` is at or before the as-of instant (``purge.expired``); erasure is reported
first when both apply. A row under legal hold is never removed: it is kept and reported as held with
the reason it would have gone for. Subjects are compared as SUBJECT tokens of the row's key scope, so
the raw subject id is never needed here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from transforms import reasons
from transforms.periods import format_instant, is_expired

KEEP, PURGE, HELD = "keep", "purge", "held"


@dataclass(frozen=True)
class PurgeCriteria:
    as_of: datetime
    subjects_by_scope: dict[str, frozenset[str]] = field(default_factory=dict)

    def describe(self) -> dict:
        return {
            "as_of": format_instant(self.as_of),
            "subjects": sum(len(v) for v in self.subjects_by_scope.values()),
        }


def classify(row: dict, criteria: PurgeCriteria) -> tuple[str, str | None]:
    """(verdict, reason): (keep, None), (purge, reason) or (held, reason)."""
    ret = row["retention"]
    scope = row["lineage"]["key_scope"]
    reason = None
    if row.get("subject_ref") and row["subject_ref"] in criteria.subjects_by_scope.get(scope, ()):
        reason = reasons.PURGE_SUBJECT
    elif is_expired(ret["expires_at"], criteria.as_of):
        reason = reasons.PURGE_EXPIRED
    if reason is None:
        return KEEP, None
    return (HELD, reason) if ret["legal_hold"] else (PURGE, reason)


def classify_quarantine(row: dict, criteria: PurgeCriteria) -> str | None:
    """Reason to remove a quarantine row (named subject, or past the quarantine expiry), else None.

    Quarantine rows hold sealed raw records; there is no legal hold on them (they are not dataset rows).
    Rows written before these columns existed carry neither and are kept (crypto-shred covers them)."""
    subject = row.get("subject_ref")
    if subject and subject in criteria.subjects_by_scope.get(row.get("key_scope", ""), ()):
        return reasons.PURGE_QUARANTINE_SUBJECT
    expires = row.get("expires_at")
    if expires and is_expired(expires, criteria.as_of):
        return reasons.PURGE_QUARANTINE_EXPIRED
    return None


def id_hash(value: str) -> str:
    """What audit logs record instead of an id that came from input (doc ids, subject tokens)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def decision_row(version: str, row: dict, verdict: str, reason: str | None) -> dict:
    """A staged decision: ids and hashes only (doc id kept for joins, hashed in the audit log)."""
    ret = row["retention"]
    return {
        "version": version,
        "doc_id": row["doc_id"],
        "verdict": verdict,
        "reason": reason,
        "policy": f"{ret['policy_id']}@{ret['policy_version']}",
    }


def rebuild_vault_row(token: str, groups: dict, version: str) -> list[dict]:
    """A vault row restricted to the live documents that still use the token (none -> dropped)."""
    live = list(groups["live"])
    rows = list(groups["row"])
    if not live or not rows:
        return []
    docs = sorted({d for d, _ in live})
    refs = sorted({s for _, s in live if s})
    surfaces = [s for s in rows[0].get("surfaces") or [] if s["doc_id"] in docs]  # stand-ins of kept docs only
    return [{**rows[0], "doc_ids": docs, "subject_refs": refs, "surfaces": surfaces, "dataset_version": version}]
