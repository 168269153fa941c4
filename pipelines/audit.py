"""Append-only audit log: one small JSON object per event under ``OUT/audit/<kind>/``.

One object per event works the same on local disk and object stores (no appends, no locking).
Events hold who/when/what-kind/counts/ids, never plaintext values.

Privacy and trust contract:
* ``operator`` is the OS uid of the process (not ``$USER``, which anyone can set) with the account
  name from the password database as a hint, plus the cloud identity the KMS client ran as when the
  command used a KMS KEK (what the client already resolved; no extra network call), else ``unknown``.
* Free-text reasons (``--reason``) are never stored verbatim (they may name a person): only
  ``reason_sha256`` (domain-separated SHA-256) and ``reason_chars``. Whoever knows the reason given
  (the ticket) can check it against the log; the log alone does not disclose it.
* Shredding a scope is recorded here and in the manifest of every dataset version of the scope, so a
  keyset file restored from a backup cannot silently undo it (``refuse_if_shredded``).
* Files and folders are owner-only (``transforms.permissions``: kind ``audit``).
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import time
import uuid

from pipelines.dataset import Layout, mark_scope_shredded, shred_markers
from transforms import fs, permissions
from transforms.errors import ShreddedScopeError
from transforms.keys.kek import kms_identity
from transforms.periods import now_iso

_REASON_DOMAIN = b"redact-audit-reason/v1|"


def operator() -> str:
    """``uid=<n>(<name>)``: the OS identity of this process (the name is a hint from the password database)."""
    ident = operator_identity()
    return f"uid={ident['uid']}({ident['user']})"


def operator_identity(kek_uri: str | None = None) -> dict:
    uid = os.geteuid()
    try:
        user = pwd.getpwuid(uid).pw_name
    except KeyError:
        user = "unknown"
    return {"uid": uid, "user": user, "cloud": kms_identity(kek_uri) if kek_uri else "unknown"}


def reason_fields(reason: str | None) -> dict:
    """What the audit keeps of a free-text reason: a domain-separated SHA-256 and the length."""
    text = (reason or "").strip()
    return {
        "reason_sha256": hashlib.sha256(_REASON_DOMAIN + text.encode("utf-8")).hexdigest(),
        "reason_chars": len(text),
    }


def append_event(layout: Layout, kind: str, event: dict, *, kek_uri: str | None = None) -> str:
    at = now_iso()
    doc = {"kind": kind, "at": at, "operator": operator_identity(kek_uri), **event}
    folder = fs.join(layout.audit, kind)
    permissions.ensure_dir(folder, "audit", root=layout.audit)
    # names sort in time order, also within one second (nanoseconds), and never collide (random suffix)
    path = fs.join(folder, f"{at.replace(':', '')}-{time.time_ns() % 10**9:09d}-{uuid.uuid4().hex[:8]}.json")
    fs.write_text_atomic(path, json.dumps(doc, sort_keys=True) + "\n", mode=permissions.modes_for("audit").file)
    return path


# -- crypto-shredding, recorded where a restored keyset file cannot undo it ---------------------------
def record_shred(layout: Layout, scope: str, *, reason: str | None = None, already: bool = False) -> str:
    """Audit event ``keys/shred`` plus a shred marker in the manifest of every version of ``scope``."""
    event = {"action": "shred", "scope": scope, "already_shredded": already}
    if reason is not None and reason.strip():
        event.update(reason_fields(reason))
    path = append_event(layout, "keys", event)
    mark_scope_shredded(layout, scope, {"at": now_iso(), "audit_event": path.rsplit("/", 1)[-1]})
    return path


def shredded_at(layout: Layout, scope: str) -> str | None:
    """When ``scope`` was shredded according to the audit log or any manifest, else None."""
    for path in fs.list_files(fs.join(layout.audit, "keys", "*.json")) if fs.exists(layout.audit) else []:
        try:
            doc = json.loads(fs.read_text(path))
        except ValueError:
            continue
        if doc.get("action") == "shred" and doc.get("scope") == scope:
            return doc.get("at", "?")
    markers = shred_markers(layout, scope)
    return markers[0].get("at", "?") if markers else None


def refuse_if_shredded(layout: Layout, scope: str) -> None:
    """Fail closed when the audit log or a manifest says ``scope`` was shredded, whatever the keyset
    file says (it may have been restored from a backup, or recreated)."""
    at = shredded_at(layout, scope)
    if at is not None:
        raise ShreddedScopeError(
            f"scope {scope!r} was shredded at {at} (audit log / manifests); refusing to use it even though "
            "a keyset file may be present again (restored from a backup?)"
        )
