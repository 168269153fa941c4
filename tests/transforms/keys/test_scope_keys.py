"""``ScopeKeys``: determinism, the hard-to-misuse wrapper, and the crypto negative cases (``*_fails``)."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import pytest
import tink
from tink import daead

from transforms.errors import KeyAccessError, ShreddedScopeError
from transforms.keys import KeysetStore, ScopeKeys
from transforms.keys.lifecycle import shred_scope
from transforms.keys.scope_keys import TOKEN_MEMO_SIZE, token_ad

NAME = "grace hopper"  # synthetic test value


def _read_doc(path: str) -> dict:
    return json.loads(Path(path).read_text())


@pytest.fixture
def store(tmp_path) -> KeysetStore:
    return KeysetStore(str(tmp_path / "keys"))


@pytest.fixture
def keys(store, kek_uri) -> ScopeKeys:
    return ScopeKeys.create(store, "tenant-a", kek_uri)


def _edit(store: KeysetStore, scope: str, fn) -> None:
    path = store.path(scope)
    doc = _read_doc(path)
    fn(doc)
    with open(path, "w") as fh:
        fh.write(json.dumps(doc))


# -- determinism -------------------------------------------------------------------------------------
def test_same_key_same_token_across_opens(store, kek_uri, keys):
    token, ct = keys.tokenize("PERSON", NAME)
    again = ScopeKeys.open(store, "tenant-a", kek_uri)
    assert again.tokenize("PERSON", NAME) == (token, ct)
    assert len(token) == 16 and int(token, 16) >= 0
    assert again.reveal("PERSON", ct) == NAME


def test_token_memo_stays_small_and_answers_like_the_cipher(keys):
    # memory per worker: about 0.4 KB an entry, so the memo must stay small whatever the corpus holds
    values = [f"person {i:06d}" for i in range(3 * TOKEN_MEMO_SIZE)]
    first = [keys.tokenize("PERSON", v) for v in values]
    assert keys._memo.cache_info().currsize == TOKEN_MEMO_SIZE <= 4_096
    assert [keys.tokenize("PERSON", v) for v in values] == first  # evicted or remembered: same tokens
    assert first[:50] == [keys._tokenize("PERSON", v) for v in values[:50]]


def test_type_and_scope_change_the_token(store, kek_uri, keys):
    other = ScopeKeys.create(store, "tenant-b", kek_uri)
    tokens = {keys.tokenize("PERSON", NAME)[0], keys.tokenize("LOCATION", NAME)[0], other.tokenize("PERSON", NAME)[0]}
    assert len(tokens) == 3


def test_create_refuses_to_overwrite_fails(store, kek_uri, keys):
    with pytest.raises(KeyAccessError, match="already has a keyset"):
        ScopeKeys.create(store, "tenant-a", kek_uri)


def test_keyset_file_holds_no_cleartext_key(store, keys):
    text = Path(store.path("tenant-a")).read_text()
    doc = json.loads(text)
    assert doc["status"] == "active" and doc["key_ids"] == [int(keys.key_id)]
    for blob in (doc["daead"], doc["aead"]):
        assert "encryptedKeyset" in json.loads(blob)
        assert "keyData" not in blob and "value" not in json.loads(blob)


# -- the wrapper is hard to misuse -------------------------------------------------------------------
def test_pickling_the_key_wrapper_fails(keys):
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(keys)
    with pytest.raises(TypeError):
        copy.copy(keys)


def test_direct_construction_fails():
    with pytest.raises(TypeError, match=r"ScopeKeys\.open"):
        ScopeKeys(_token=object(), scope="x", kek_uri="local:///x", daead_handle=None, aead_handle=None)


def test_repr_has_ids_only(keys):
    text = repr(keys) + str(keys)
    assert "tenant-a" in text and keys.key_id in text
    assert "_daead" not in text and "primitive" not in text.lower()
    assert not any(name in dir(keys) for name in ("key", "raw_key", "key_bytes", "keyset", "handle"))


def test_beam_cannot_serialize_it(keys):
    from apache_beam.internal import pickler

    with pytest.raises(TypeError):
        pickler.dumps(keys)


# -- negative cases ----------------------------------------------------------------------------------
def test_wrong_associated_data_fails(keys):
    _, ct = keys.tokenize("PERSON", NAME)
    with pytest.raises(KeyAccessError, match="does not decrypt"):
        keys.reveal("EMAIL_ADDRESS", ct)


def test_wrong_associated_data_at_the_primitive_fails():
    prim = tink.new_keyset_handle(daead.deterministic_aead_key_templates.AES256_SIV).primitive(daead.DeterministicAead)
    ct = prim.encrypt_deterministically(b"x", token_ad("PERSON", "a"))
    for ad in (token_ad("PERSON", "b"), token_ad("LOCATION", "a"), b""):
        with pytest.raises(tink.TinkError):
            prim.decrypt_deterministically(ct, ad)


def test_token_from_another_scope_fails(store, kek_uri, keys):
    other = ScopeKeys.create(store, "tenant-b", kek_uri)
    _, ct = keys.tokenize("PERSON", NAME)
    with pytest.raises(KeyAccessError, match="tenant-b"):
        other.reveal("PERSON", ct)


def test_tampered_keyset_fails(store, kek_uri, keys):
    def flip(doc):
        blob = json.loads(doc["daead"])
        enc = blob["encryptedKeyset"]
        blob["encryptedKeyset"] = enc[:20] + ("A" if enc[20] != "A" else "B") + enc[21:]
        doc["daead"] = json.dumps(blob)

    _edit(store, "tenant-a", flip)
    with pytest.raises(KeyAccessError, match="tampered"):
        ScopeKeys.open(store, "tenant-a", kek_uri)


def test_swapped_keysets_fail(store, kek_uri, keys):
    _edit(store, "tenant-a", lambda d: d.update(daead=d["aead"], aead=d["daead"]))
    with pytest.raises(KeyAccessError, match="cannot unwrap"):
        ScopeKeys.open(store, "tenant-a", kek_uri)


def test_keyset_copied_to_another_scope_fails(store, kek_uri, keys):
    ScopeKeys.create(store, "tenant-b", kek_uri)

    def take_a(doc):
        a = _read_doc(store.path("tenant-a"))
        doc.update(daead=a["daead"], aead=a["aead"])

    _edit(store, "tenant-b", take_a)
    with pytest.raises(KeyAccessError, match="tenant-b"):
        ScopeKeys.open(store, "tenant-b", kek_uri)


def test_wrong_kek_fails(store, kek_uri, keys, tmp_path):
    other_kek = f"local://{tmp_path / 'other-kek.json'}"
    with pytest.raises(KeyAccessError, match="wrapped under KEK"):
        ScopeKeys.open(store, "tenant-a", other_kek)
    ScopeKeys.create(KeysetStore(str(tmp_path / "tmp-keys")), "x", other_kek)  # materialize the other KEK
    _edit(store, "tenant-a", lambda d: d.update(kek_uri=other_kek))  # a lying document does not help
    with pytest.raises(KeyAccessError, match="wrong KEK"):
        ScopeKeys.open(store, "tenant-a", other_kek)


def test_missing_local_kek_fails(store, kek_uri, keys, tmp_path):
    _edit(store, "tenant-a", lambda d: d.update(kek_uri=f"local://{tmp_path / 'gone.json'}"))
    with pytest.raises(KeyAccessError, match="not found"):
        ScopeKeys.open(store, "tenant-a", f"local://{tmp_path / 'gone.json'}")


def test_shredded_scope_fails(store, kek_uri, keys):
    shred_scope(store, "tenant-a", operator="test")
    with pytest.raises(ShreddedScopeError, match="shredded"):
        ScopeKeys.open(store, "tenant-a", kek_uri)
    doc = _read_doc(store.path("tenant-a"))
    assert doc["daead"] is None and doc["aead"] is None and doc["history"][-1]["event"] == "shredded"
    shred_scope(store, "tenant-a")  # idempotent


def test_unknown_scope_fails(store, kek_uri):
    with pytest.raises(KeyAccessError, match="redact keys create"):
        ScopeKeys.open(store, "nobody", kek_uri)


def test_sealed_payload_bound_to_context_fails(keys):
    sealed = keys.seal(b"raw record", "quarantine")
    assert keys.unseal(sealed, "quarantine") == b"raw record"
    with pytest.raises(KeyAccessError):
        keys.unseal(sealed, "other")
