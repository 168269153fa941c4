"""Sealing quarantined raw records: the associated data binds the row's own columns.

Privacy contract: a quarantine row's ``sealed_payload`` (the raw record, AES256-GCM under the scope's
sealing key) opens only together with the very ``doc_id``, ``reason``, ``stage``, ``source_uri``,
``source_record`` and ``run_id`` written beside it (and the scope, bound by ``ScopeKeys.seal``). Moving a
payload to another row, or editing those columns (e.g. relabelling a ``parse`` failure as something a
purge rule treats differently), makes it fail to open instead of misattributing raw personal data.

The associated data is a JSON array (unambiguous whatever the values contain), never written itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from transforms.keys.scope_keys import ScopeKeys

QUARANTINE_AD_VERSION = "quarantine/v2"
QUARANTINE_BOUND = ("doc_id", "reason", "stage", "source_uri", "source_record", "run_id")


def quarantine_context(row: Mapping) -> str:
    """The sealing context of a quarantine row, from the columns it binds."""
    values = [row.get(name) or "" for name in QUARANTINE_BOUND]
    return QUARANTINE_AD_VERSION + "|" + json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def seal_quarantine_row(keys: ScopeKeys, row: dict, payload: bytes) -> dict:
    """``row`` with ``sealed_payload`` set: the payload sealed under the row's own columns."""
    row["sealed_payload"] = keys.seal(payload, quarantine_context(row))
    return row


def unseal_quarantine_row(keys: ScopeKeys, row: Mapping) -> bytes:
    """The raw payload of a quarantine row; ``KeyAccessError`` if any bound column was changed."""
    return keys.unseal(row["sealed_payload"], quarantine_context(row))
