"""Retention policy (Beam-free). The embedded default keeps records 365 days, consent not required.

The lineage/retention issue replaces this with YAML rules; the record fields are already typed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from transforms.record import Record, Retention

DEFAULT_POLICY_ID = "default"
DEFAULT_POLICY_VERSION = "1"
DEFAULT_RETENTION_DAYS = 365


def apply_default_policy(record: Record, ingested_at: str, consent: bool | None = None) -> Retention:
    start = datetime.fromisoformat(ingested_at.replace("Z", "+00:00"))
    expires = start + timedelta(days=DEFAULT_RETENTION_DAYS)
    return Retention(
        policy_id=DEFAULT_POLICY_ID,
        policy_version=DEFAULT_POLICY_VERSION,
        category=record.content_type,
        expires_at=expires.isoformat().replace("+00:00", "Z"),
        legal_hold=False,
        consent=consent,
    )
