"""Key lifecycle operations on a scope's keyset document (create lives on ``ScopeKeys.create``).

* ``rotate_kek``: re-wrap the scope's keysets under a new KEK. The keysets themselves do not change,
  so tokens stay byte-identical and every vault ciphertext still reveals.
* ``rotate_data_key``: add a fresh AES256-SIV key (and a fresh AES256-GCM sealing key) and make them
  primary. Old keys stay in the keyset, so old tokens and sealed payloads still open, but new runs
  produce *different* tokens for the same values: a new token space (see docs/keys.md, migration).
* ``shred_scope`` is crypto-shredding: both wrapped keysets are removed from the document (a tombstone
  with status ``shredded`` stays so tools can say "shredded" instead of "missing"). Every vault
  ciphertext of the scope becomes unrecoverable. Copies of the keyset file outside this store (backups,
  object versions) are not reached: see SECURITY.md.

Key material exists only in memory inside these functions; every new wrapped keyset is unwrapped
again with the target KEK *before* the document is replaced, so a rotation never saves a keyset that
cannot be opened.
"""

from __future__ import annotations

import logging

import tink
from tink import aead, daead, secret_key_access
from tink.proto import tink_pb2

from transforms.errors import KeyAccessError, ShreddedScopeError
from transforms.keys.kek import open_kek
from transforms.keys.scope_keys import unwrap_keyset, wrap_keyset
from transforms.keys.store import KeysetFile, KeysetStore, now_iso

log = logging.getLogger(__name__)

_MAX_ID_DRAWS = 8


def shred_scope(store: KeysetStore, scope: str, *, operator: str = "unknown") -> None:
    doc = store.load(scope)
    if doc.status == "shredded":
        return
    doc.daead = None
    doc.aead = None
    doc.status = "shredded"
    doc.history.append({"event": "shredded", "at": now_iso(), "operator": operator})
    store.save(doc)


def _load_active(store: KeysetStore, scope: str, kek_uri: str) -> KeysetFile:
    doc = store.load(scope)
    if doc.status == "shredded" or doc.daead is None or doc.aead is None:
        raise ShreddedScopeError(f"scope {scope!r} was shredded: nothing to rotate")
    if doc.kek_uri != kek_uri:
        raise KeyAccessError(
            f"scope {scope!r} is wrapped under KEK {doc.kek_uri}, not {kek_uri} (pass --kek-uri {doc.kek_uri})"
        )
    return doc


def rotate_kek(
    store: KeysetStore,
    scope: str,
    kek_uri: str,
    new_kek_uri: str,
    *,
    operator: str = "unknown",
    gcp_kms_endpoint: str | None = None,
) -> KeysetFile:
    """Re-wrap the scope's keysets from ``kek_uri`` to ``new_kek_uri``. Tokens do not change.

    Needs decrypt on the old KEK and encrypt + decrypt on the new one (the result is verified).
    """
    doc = _load_active(store, scope, kek_uri)
    if new_kek_uri == kek_uri:
        raise KeyAccessError(f"scope {scope!r} is already wrapped under {kek_uri}")
    old = open_kek(kek_uri, create_local=False, gcp_kms_endpoint=gcp_kms_endpoint)
    new = open_kek(new_kek_uri, create_local=True, gcp_kms_endpoint=gcp_kms_endpoint)
    wrapped = {}
    for purpose in ("daead", "aead"):
        handle = unwrap_keyset(getattr(doc, purpose), old, scope, purpose)
        blob = wrap_keyset(handle, new, scope, purpose)
        unwrap_keyset(blob, new, scope, purpose)  # verify before replacing anything
        wrapped[purpose] = blob
    doc.daead, doc.aead = wrapped["daead"], wrapped["aead"]
    doc.kek_uri = new_kek_uri
    doc.history.append(
        {"event": "kek_rotated", "at": now_iso(), "from": kek_uri, "to": new_kek_uri, "operator": operator}
    )
    store.save(doc)
    log.info("scope %s re-wrapped under %s", scope, new_kek_uri)
    return doc


def rotate_data_key(
    store: KeysetStore,
    scope: str,
    kek_uri: str,
    *,
    operator: str = "unknown",
    gcp_kms_endpoint: str | None = None,
) -> tuple[int, int]:
    """Add a new primary token key (and sealing key). Returns (old primary id, new primary id).

    Starts a new token space: the same value gets a different token from now on. Old keys remain
    (enabled for decryption), so older vault entries and quarantine payloads still open.
    """
    doc = _load_active(store, scope, kek_uri)
    kek = open_kek(kek_uri, create_local=False, gcp_kms_endpoint=gcp_kms_endpoint)
    dh = unwrap_keyset(doc.daead, kek, scope, "daead")
    ah = unwrap_keyset(doc.aead, kek, scope, "aead")
    old_primary = dh.keyset_info().primary_key_id
    dh2 = _with_new_primary(dh, daead.deterministic_aead_key_templates.AES256_SIV)
    ah2 = _with_new_primary(ah, aead.aead_key_templates.AES256_GCM)
    new_primary = dh2.keyset_info().primary_key_id
    blobs = {"daead": wrap_keyset(dh2, kek, scope, "daead"), "aead": wrap_keyset(ah2, kek, scope, "aead")}
    for purpose, blob in blobs.items():
        unwrap_keyset(blob, kek, scope, purpose)  # verify before replacing anything
    doc.daead, doc.aead = blobs["daead"], blobs["aead"]
    known = doc.key_ids or ([doc.primary_key_id] if doc.primary_key_id is not None else [])
    doc.key_ids = [*known, new_primary]
    doc.primary_key_id = new_primary
    doc.history.append(
        {
            "event": "data_key_rotated",
            "at": now_iso(),
            "from_key_id": old_primary,
            "to_key_id": new_primary,
            "operator": operator,
        }
    )
    store.save(doc)
    log.info("scope %s: new primary token key %s (was %s)", scope, new_primary, old_primary)
    return old_primary, new_primary


def _with_new_primary(handle, template) -> tink.KeysetHandle:
    """A copy of ``handle``'s keyset plus one fresh key from ``template``, made primary.

    Tink's Python API has no keyset manager, so the keyset proto is edited in memory; the cleartext
    serialization never leaves this function.
    """
    keyset = tink_pb2.Keyset.FromString(tink.proto_keyset_format.serialize(handle, secret_key_access.TOKEN))
    used = {k.key_id for k in keyset.key}
    for _ in range(_MAX_ID_DRAWS):
        fresh = tink_pb2.Keyset.FromString(
            tink.proto_keyset_format.serialize(tink.new_keyset_handle(template), secret_key_access.TOKEN)
        )
        if fresh.primary_key_id not in used:
            break
    else:  # pragma: no cover - 2^-32 per draw
        raise KeyAccessError("could not draw a fresh key id")
    keyset.key.append(fresh.key[0])
    keyset.primary_key_id = fresh.primary_key_id
    return tink.proto_keyset_format.parse(keyset.SerializeToString(), secret_key_access.TOKEN)
