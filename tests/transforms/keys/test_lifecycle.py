"""Key lifecycle: KEK re-wrap keeps tokens, a new data key starts a new token space, shred destroys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transforms.errors import KeyAccessError, ShreddedScopeError
from transforms.keys import KeysetStore, ScopeKeys
from transforms.keys.lifecycle import rotate_data_key, rotate_kek, shred_scope

VALUES = [("PERSON", "katherine johnson"), ("EMAIL_ADDRESS", "kj@example.org")]  # synthetic


def _read_doc(path: str) -> dict:
    return json.loads(Path(path).read_text())


@pytest.fixture
def store(tmp_path) -> KeysetStore:
    return KeysetStore(str(tmp_path / "keys"))


def _tokens(keys: ScopeKeys) -> list[tuple[str, bytes]]:
    return [keys.tokenize(t, v) for t, v in VALUES]


def test_rotate_kek_keeps_tokens(store, kek_uri, tmp_path):
    before = _tokens(ScopeKeys.create(store, "s", kek_uri))
    new_kek = f"local://{tmp_path / 'kek2.json'}"
    doc = rotate_kek(store, "s", kek_uri, new_kek, operator="tester")
    assert doc.kek_uri == new_kek and doc.history[-1]["event"] == "kek_rotated"
    after = ScopeKeys.open(store, "s", new_kek)
    assert _tokens(after) == before
    with pytest.raises(KeyAccessError):
        ScopeKeys.open(store, "s", kek_uri)


def test_rotate_kek_with_wrong_current_kek_fails(store, kek_uri, tmp_path):
    ScopeKeys.create(store, "s", kek_uri)
    with pytest.raises(KeyAccessError, match="wrapped under KEK"):
        rotate_kek(store, "s", f"local://{tmp_path / 'x.json'}", f"local://{tmp_path / 'y.json'}")
    with pytest.raises(KeyAccessError, match="already wrapped"):
        rotate_kek(store, "s", kek_uri, kek_uri)


def test_rotate_data_key_starts_new_token_space(store, kek_uri):
    keys = ScopeKeys.create(store, "s", kek_uri)
    old = _tokens(keys)
    old_id, new_id = rotate_data_key(store, "s", kek_uri, operator="tester")
    assert str(old_id) == keys.key_id and new_id != old_id
    rotated = ScopeKeys.open(store, "s", kek_uri)
    assert rotated.key_id == str(new_id)
    new = _tokens(rotated)
    assert all(a[0] != b[0] for a, b in zip(old, new, strict=True))
    for (etype, value), (_, ct) in zip(VALUES, old, strict=True):  # old vault ciphertexts still reveal
        assert rotated.reveal(etype, ct) == value
    assert _tokens(ScopeKeys.open(store, "s", kek_uri)) == new  # deterministic in the new space
    doc = _read_doc(store.path("s"))
    assert doc["key_ids"] == [old_id, new_id] and doc["primary_key_id"] == new_id
    assert doc["history"][-1] == {**doc["history"][-1], "event": "data_key_rotated", "to_key_id": new_id}


def test_rotate_data_key_keeps_sealed_payloads(store, kek_uri):
    sealed = ScopeKeys.create(store, "s", kek_uri).seal(b"raw", "quarantine")
    rotate_data_key(store, "s", kek_uri)
    assert ScopeKeys.open(store, "s", kek_uri).unseal(sealed, "quarantine") == b"raw"


def test_rotate_shredded_scope_fails(store, kek_uri, tmp_path):
    ScopeKeys.create(store, "s", kek_uri)
    shred_scope(store, "s")
    with pytest.raises(ShreddedScopeError):
        rotate_data_key(store, "s", kek_uri)
    with pytest.raises(ShreddedScopeError):
        rotate_kek(store, "s", kek_uri, f"local://{tmp_path / 'k2.json'}")


def test_shred_makes_old_ciphertexts_unrecoverable(store, kek_uri):
    ScopeKeys.create(store, "s", kek_uri).tokenize(*VALUES[0])
    shred_scope(store, "s", operator="tester")
    text = Path(store.path("s")).read_text()
    assert "encryptedKeyset" not in text
    with pytest.raises(ShreddedScopeError):
        ScopeKeys.open(store, "s", kek_uri)
    assert json.loads(text)["status"] == "shredded"
    with pytest.raises(KeyAccessError, match="already has a keyset"):  # the tombstone keeps the name retired
        ScopeKeys.create(store, "s", kek_uri)


def test_rotate_kek_local_to_gcp_and_back(store, kek_uri, gcp_kms):
    before = _tokens(ScopeKeys.create(store, "s", kek_uri))
    gcp = gcp_kms.add_key("lifecycle")
    rotate_kek(store, "s", kek_uri, gcp)
    assert _tokens(ScopeKeys.open(store, "s", gcp)) == before
    gcp_kms.deny_decrypt.add(gcp)
    with pytest.raises(KeyAccessError, match="not authorized"):
        ScopeKeys.open(store, "s", gcp)
    with pytest.raises(KeyAccessError, match="not authorized"):
        rotate_kek(store, "s", gcp, kek_uri)
    assert _read_doc(store.path("s"))["kek_uri"] == gcp  # unchanged after the failure


def test_pseudonyms_all_keys_cover_tokens_from_before_a_data_key_rotation(tmp_path):
    from transforms.keys import KeysetStore, ScopeKeys
    from transforms.keys.lifecycle import rotate_data_key

    kek = f"local://{tmp_path / 'kek.json'}"
    store = KeysetStore(str(tmp_path / "keys"))
    before = ScopeKeys.open(store, "s", kek, create=True).tokenize("SUBJECT", "alice")[0]
    rotate_data_key(store, "s", kek)
    keys = ScopeKeys.open(store, "s", kek)
    after = keys.tokenize("SUBJECT", "alice")[0]
    assert before != after
    assert keys.pseudonyms_all_keys("SUBJECT", "alice") == {before, after}
    assert keys.pseudonyms_all_keys("SUBJECT", "bob").isdisjoint({before, after})
