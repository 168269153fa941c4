"""``ScopeKeys``: the unwrapped keys of one key scope, hard to misuse.

* Built only from an encrypted keyset document + the KEK (``ScopeKeys.open``); no raw key accessor.
* Refuses pickling (Beam must rebuild it in ``DoFn.setup()``), ``repr`` shows ids only.
* ``tokenize``: Tink deterministic AEAD (AES256-SIV) over the normalized value, associated data binding
  entity type and scope. The pseudonym is the first 64 bits of the SIV, so it is deterministic per
  (scope, key, type, value) and reversible only through the vault ciphertext + KEK.
* ``seal``/``unseal``: randomized AEAD (AES256-GCM) for raw payloads such as quarantined records.

Leaks by design: equal values give equal tokens (equality and frequency are visible).
"""

from __future__ import annotations

import logging
from functools import lru_cache

import tink
from tink import aead, daead, secret_key_access
from tink.proto import tink_pb2

from transforms.errors import KeyAccessError, ShreddedScopeError
from transforms.keys.kek import open_kek
from transforms.keys.store import KeysetFile, KeysetStore, now_iso, validate_scope, wrap_ad

log = logging.getLogger(__name__)

daead.register()
aead.register()

TOKEN_HEX_CHARS = 16  # 64-bit pseudonyms
_TINK_PREFIX = 5
# Memoised (entity type, value) -> token per worker. An AES-SIV call costs about 1 us and a memo hit
# 0.2 us, while an entry costs about 0.4 KB: a memo of 65,536 entries held 25 MB per worker (full from a
# corpus of about 8 MB of text) to save well under a CPU-second per 10 MB. A small memo keeps the values
# that recur close together (a name across a conversation) at about 2 MB.
TOKEN_MEMO_SIZE = 4_096


def token_ad(entity_type: str, scope: str) -> bytes:
    return f"redact-token/v1|type={entity_type}|scope={scope}".encode()


def seal_ad(context: str, scope: str) -> bytes:
    return f"redact-seal/v1|ctx={context}|scope={scope}".encode()


class ScopeKeys:
    """Primitives for one scope. Construct with ``ScopeKeys.open`` or ``ScopeKeys.create``."""

    __slots__ = ("_aead", "_daead", "_daead_handle", "_memo", "kek_uri", "key_id", "scope")

    def __init__(self, *, _token: object, scope: str, kek_uri: str, daead_handle, aead_handle) -> None:
        if _token is not _CONSTRUCT:
            raise TypeError("use ScopeKeys.open() or ScopeKeys.create()")
        self.scope = scope
        self.kek_uri = kek_uri
        self.key_id = str(daead_handle.keyset_info().primary_key_id)
        self._daead = daead_handle.primitive(daead.DeterministicAead)
        self._daead_handle = daead_handle  # only for pseudonyms_all_keys (old token spaces)
        self._aead = aead_handle.primitive(aead.Aead)
        # Values recur (names across a corpus): memoise per worker. Lives only in this process's memory
        # (the object refuses pickling), like the primitives themselves.
        self._memo = lru_cache(maxsize=TOKEN_MEMO_SIZE)(self._tokenize)

    # -- construction -------------------------------------------------------------------------------
    @classmethod
    def create(cls, store: KeysetStore, scope: str, kek_uri: str, *, gcp_kms_endpoint: str | None = None) -> ScopeKeys:
        """Create a new keyset for ``scope`` wrapped under ``kek_uri``. Refuses to overwrite."""
        validate_scope(scope)
        if store.exists(scope):
            raise KeyAccessError(f"scope {scope!r} already has a keyset under {store.root}")
        kek = open_kek(kek_uri, gcp_kms_endpoint=gcp_kms_endpoint)
        dh = tink.new_keyset_handle(daead.deterministic_aead_key_templates.AES256_SIV)
        ah = tink.new_keyset_handle(aead.aead_key_templates.AES256_GCM)
        doc = KeysetFile(
            scope=scope,
            kek_uri=kek_uri,
            created_at=now_iso(),
            daead=wrap_keyset(dh, kek, scope, "daead"),
            aead=wrap_keyset(ah, kek, scope, "aead"),
            primary_key_id=dh.keyset_info().primary_key_id,
            key_ids=[dh.keyset_info().primary_key_id],
            history=[{"event": "created", "at": now_iso(), "key_id": dh.keyset_info().primary_key_id}],
        )
        store.save(doc)
        log.info("created keyset for scope %s (key id %s)", scope, doc.primary_key_id)
        return cls(_token=_CONSTRUCT, scope=scope, kek_uri=kek_uri, daead_handle=dh, aead_handle=ah)

    @classmethod
    def open(
        cls,
        store: KeysetStore,
        scope: str,
        kek_uri: str,
        *,
        create: bool = False,
        gcp_kms_endpoint: str | None = None,
    ) -> ScopeKeys:
        """Unwrap the scope's keysets with the KEK (one KMS call per keyset).

        The configured ``kek_uri`` must equal the one recorded in the keyset document: the document is
        not trusted to choose the KEK (otherwise whoever can write it could substitute keys).
        """
        validate_scope(scope)
        if create and not store.exists(scope):
            return cls.create(store, scope, kek_uri, gcp_kms_endpoint=gcp_kms_endpoint)
        doc = store.load(scope)
        if doc.status == "shredded" or doc.daead is None or doc.aead is None:
            raise ShreddedScopeError(f"scope {scope!r} was shredded: its tokens cannot be revealed")
        if doc.kek_uri != kek_uri:
            raise KeyAccessError(
                f"scope {scope!r} is wrapped under KEK {doc.kek_uri}, not {kek_uri} (pass --kek-uri {doc.kek_uri})"
            )
        kek = open_kek(kek_uri, create_local=False, gcp_kms_endpoint=gcp_kms_endpoint)
        dh = unwrap_keyset(doc.daead, kek, scope, "daead")
        ah = unwrap_keyset(doc.aead, kek, scope, "aead")
        return cls(_token=_CONSTRUCT, scope=scope, kek_uri=kek_uri, daead_handle=dh, aead_handle=ah)

    # -- tokens -------------------------------------------------------------------------------------
    def tokenize(self, entity_type: str, normalized_value: str) -> tuple[str, bytes]:
        """Return (pseudonym hex, ciphertext). Same inputs give the same outputs in every run."""
        return self._memo(entity_type, normalized_value)

    def _tokenize(self, entity_type: str, normalized_value: str) -> tuple[str, bytes]:
        ct = self._daead.encrypt_deterministically(normalized_value.encode("utf-8"), token_ad(entity_type, self.scope))
        return ct[_TINK_PREFIX : _TINK_PREFIX + TOKEN_HEX_CHARS // 2].hex(), ct

    def pseudonyms_all_keys(self, entity_type: str, normalized_value: str) -> set[str]:
        """The value's pseudonym under every enabled token key of the scope, not only the primary.

        After ``redact keys rotate --data-key`` older dataset versions carry tokens of the previous key;
        erasure must find those too."""
        keyset = tink_pb2.Keyset.FromString(
            tink.proto_keyset_format.serialize(self._daead_handle, secret_key_access.TOKEN)
        )
        out = set()
        for key in keyset.key:
            if key.status != tink_pb2.ENABLED:
                continue
            single = tink_pb2.Keyset(primary_key_id=key.key_id, key=[key])
            prim = tink.proto_keyset_format.parse(single.SerializeToString(), secret_key_access.TOKEN).primitive(
                daead.DeterministicAead
            )
            ct = prim.encrypt_deterministically(normalized_value.encode("utf-8"), token_ad(entity_type, self.scope))
            out.add(ct[_TINK_PREFIX : _TINK_PREFIX + TOKEN_HEX_CHARS // 2].hex())
        return out

    def reveal(self, entity_type: str, ciphertext: bytes) -> str:
        """Decrypt a vault ciphertext. Fails if type or scope differ from those it was made with."""
        try:
            return self._daead.decrypt_deterministically(ciphertext, token_ad(entity_type, self.scope)).decode("utf-8")
        except tink.TinkError:
            raise KeyAccessError(
                f"ciphertext does not decrypt in scope {self.scope!r} as {entity_type} "
                "(other scope, other type, rotated-out key or tampered vault)"
            ) from None

    # -- sealed payloads (quarantine) ---------------------------------------------------------------
    def seal(self, payload: bytes, context: str) -> bytes:
        return self._aead.encrypt(payload, seal_ad(context, self.scope))

    def unseal(self, ciphertext: bytes, context: str) -> bytes:
        try:
            return self._aead.decrypt(ciphertext, seal_ad(context, self.scope))
        except tink.TinkError:
            raise KeyAccessError(f"sealed payload does not open in scope {self.scope!r}") from None

    # -- hygiene ------------------------------------------------------------------------------------
    def __reduce__(self):
        raise TypeError("ScopeKeys holds key material and cannot be pickled; open it in DoFn.setup()")

    def __getstate__(self):
        raise TypeError("ScopeKeys holds key material and cannot be pickled; open it in DoFn.setup()")

    def __repr__(self) -> str:
        return f"ScopeKeys(scope={self.scope!r}, key_id={self.key_id}, kek_uri={self.kek_uri!r})"


_CONSTRUCT = object()


def wrap_keyset(handle, kek: aead.Aead, scope: str, purpose: str) -> str:
    """Tink encrypted-keyset JSON of ``handle`` under the KEK, bound to (scope, purpose). Keys package only."""
    return tink.json_proto_keyset_format.serialize_encrypted(handle, kek, wrap_ad(scope, purpose))


def unwrap_keyset(data: str, kek: aead.Aead, scope: str, purpose: str):
    """Inverse of ``wrap_keyset``. Keys package only: callers outside it use ``ScopeKeys``."""
    try:
        return tink.json_proto_keyset_format.parse_encrypted(data, kek, wrap_ad(scope, purpose))
    except tink.TinkError:
        raise KeyAccessError(
            f"cannot unwrap the {purpose} keyset of scope {scope!r}: wrong KEK, not authorized, or tampered keyset"
        ) from None
