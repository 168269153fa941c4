"""Authorized detokenization: token -> vault ciphertext -> value, through the scope keys (KEK decrypt).

Every call appends an audit event (operator, time, scope, token count, reason; never values).
"""

from __future__ import annotations

import pyarrow.parquet as pq

from pipelines.audit import append_event
from pipelines.layout import Layout
from transforms import fs
from transforms.keys import KeysetStore, ScopeKeys
from transforms.keys.tokens import parse_token


def find_vault_rows(layout: Layout, scope: str, tokens: set[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for path in fs.list_files(fs.join(layout.vault, scope, "*", "*.parquet")):
        with fs_open(path) as fh:
            table = pq.read_table(fh, columns=["token", "entity_type", "ciphertext"])
        for row in table.to_pylist():
            if row["token"] in tokens:
                found.setdefault(row["token"], row)
    return found


def fs_open(path: str):
    from apache_beam.io.filesystems import FileSystems

    return FileSystems.open(path, compression_type="uncompressed")


def reveal(layout: Layout, scope: str, kek_uri: str, tokens: list[str], reason: str) -> dict[str, str | None]:
    """Map each token to its (normalized) value, or None when the vault has no entry for it."""
    wanted = []
    for t in tokens:
        parse_token(t)  # ValueError for malformed input, handled by the caller
        wanted.append(t.strip())
    keys = ScopeKeys.open(KeysetStore(layout.keys), scope, kek_uri)
    rows = find_vault_rows(layout, scope, set(wanted))
    out: dict[str, str | None] = {}
    for t in wanted:
        row = rows.get(t)
        out[t] = keys.reveal(row["entity_type"], row["ciphertext"]) if row else None
    append_event(
        layout,
        "reveal",
        {
            "scope": scope,
            "key_id": keys.key_id,
            "tokens": len(wanted),
            "found": sum(v is not None for v in out.values()),
            "reason": reason,
        },
    )
    return out
