"""Conformance of the cipher behind tokens: Tink deterministic AEAD ``AES256_SIV`` (RFC 5297).

What goes through Tink and what does not (honestly):
* Tink's AesSivKey accepts only 64-byte keys (AES-256-SIV, the exact size the tokenizer uses). The
  Wycheproof 512-bit groups therefore run through Tink itself (a keyset built from the raw vector key,
  RAW output prefix, so the output is exactly SIV || C).
* Tink rejects 32/48-byte keys (tested below). The Wycheproof 256/384-bit groups, RFC 5297 A.1 and A.2
  (256-bit keys; A.2 also has three AD components while Tink's API takes exactly one AD) and the
  empty-AD regression (256-bit key) run through ``cryptography``'s AESSIV as the reference. They are
  tied to Tink by a differential test: on 64-byte keys Tink equals the reference with one AD component,
  including an empty AD (which Tink must not drop: the CVE-2023-2975 class of bug).
"""

from __future__ import annotations

import json

import pytest
import tink
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tink import daead, secret_key_access
from tink.proto import aes_siv_pb2, tink_pb2

from transforms.keys.scope_keys import token_ad

daead.register()

AES_SIV_TYPE_URL = "type.googleapis.com/google.crypto.tink.AesSivKey"


def tink_siv(key: bytes, prefix=tink_pb2.RAW) -> daead.DeterministicAead:
    """A Tink DeterministicAead over exactly ``key`` (cleartext keyset built in memory)."""
    key_data = tink_pb2.KeyData(
        type_url=AES_SIV_TYPE_URL,
        value=aes_siv_pb2.AesSivKey(version=0, key_value=key).SerializeToString(),
        key_material_type=tink_pb2.KeyData.SYMMETRIC,
    )
    keyset = tink_pb2.Keyset(
        primary_key_id=42,
        key=[tink_pb2.Keyset.Key(key_data=key_data, status=tink_pb2.ENABLED, key_id=42, output_prefix_type=prefix)],
    )
    handle = tink.proto_keyset_format.parse(keyset.SerializeToString(), secret_key_access.TOKEN)
    return handle.primitive(daead.DeterministicAead)


def _wycheproof(shared_dir) -> list[tuple[int, dict]]:
    doc = json.loads((shared_dir / "vectors" / "aes_siv_cmac_test.json").read_text())
    assert doc["algorithm"] == "AES-SIV-CMAC"
    cases = [(g["keySize"], t) for g in doc["testGroups"] for t in g["tests"]]
    assert len(cases) == doc["numberOfTests"] == 442
    return cases


def test_wycheproof_512_bit_groups_through_tink(shared_dir):
    cases = [t for size, t in _wycheproof(shared_dir) if size == 512]
    valid = invalid = 0
    for t in cases:
        key, msg, ad, ct = (bytes.fromhex(t[k]) for k in ("key", "msg", "aad", "ct"))
        siv = tink_siv(key)
        if t["result"] == "valid":
            assert siv.encrypt_deterministically(msg, ad) == ct, t["tcId"]
            assert siv.decrypt_deterministically(ct, ad) == msg, t["tcId"]
            valid += 1
        else:
            with pytest.raises(tink.TinkError):
                siv.decrypt_deterministically(ct, ad)
            invalid += 1
    assert (valid, invalid) == (39, 108)


@pytest.mark.parametrize("size", [256, 384])
def test_wycheproof_smaller_keys_are_rejected_by_tink_fails(shared_dir, size):
    key = next(bytes.fromhex(t["key"]) for s, t in _wycheproof(shared_dir) if s == size)
    with pytest.raises(tink.TinkError, match="key size"):
        tink_siv(key)


@pytest.mark.parametrize("size", [256, 384])
def test_wycheproof_smaller_keys_through_reference(shared_dir, size):
    cases = [t for s, t in _wycheproof(shared_dir) if s == size]
    assert len(cases) == {256: 148, 384: 147}[size]
    for t in cases:
        key, msg, ad, ct = (bytes.fromhex(t[k]) for k in ("key", "msg", "aad", "ct"))
        ref = AESSIV(key)
        if t["result"] == "valid":
            assert ref.encrypt(msg, [ad]) == ct, t["tcId"]
            assert ref.decrypt(ct, [ad]) == msg, t["tcId"]
        else:
            with pytest.raises(InvalidTag):
                ref.decrypt(ct, [ad])


def test_rfc5297_a1_and_a2_through_reference(shared_dir):
    doc = json.loads((shared_dir / "vectors" / "rfc5297_siv_vectors.json").read_text())
    names = []
    for v in doc["vectors"]:
        key, pt, out = bytes.fromhex(v["key"]), bytes.fromhex(v["plaintext"]), bytes.fromhex(v["output"])
        ads = [bytes.fromhex(a) for a in v["ad"]]
        assert out[:16] == bytes.fromhex(v["siv"])
        assert AESSIV(key).encrypt(pt, ads) == out
        assert AESSIV(key).decrypt(out, ads) == pt
        names.append(v["name"][:3])
    assert names == ["A.1", "A.2"]


def test_rfc5297_a1_key_is_rejected_by_tink_fails(shared_dir):
    doc = json.loads((shared_dir / "vectors" / "rfc5297_siv_vectors.json").read_text())
    with pytest.raises(tink.TinkError, match="key size"):
        tink_siv(bytes.fromhex(doc["vectors"][0]["key"]))


def test_empty_ad_regression_through_reference(shared_dir):
    doc = json.loads((shared_dir / "vectors" / "aes_siv_empty_ad_regression.json").read_text())
    key, pt = bytes.fromhex(doc["key"]), bytes.fromhex(doc["plaintext"])
    outputs = {}
    for name, case in doc["cases"].items():
        ads = [bytes.fromhex(a) for a in case["ad"]]
        outputs[name] = AESSIV(key).encrypt(pt, ads or None)
        assert outputs[name] == bytes.fromhex(case["output"]), name
    assert len(set(outputs.values())) == 4


def test_tink_empty_ad_is_one_empty_component_not_dropped():
    key, pt = bytes(range(64)), b"\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee"
    out = tink_siv(key).encrypt_deterministically(pt, b"")
    assert out == AESSIV(key).encrypt(pt, [b""])
    assert out != AESSIV(key).encrypt(pt, None)  # an ignored empty AD would give this
    assert out != AESSIV(key).encrypt(pt, [b"", b""])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.binary(min_size=64, max_size=64), pt=st.binary(max_size=200), ad=st.binary(max_size=64))
def test_tink_equals_reference_on_64_byte_keys(key, pt, ad):
    assert tink_siv(key).encrypt_deterministically(pt, ad) == AESSIV(key).encrypt(pt, [ad])


def test_token_ciphertext_is_tink_prefix_plus_siv_of_normalized_value():
    """The production layout: TINK prefix (0x01 + key id) || SIV || C, AD binding type and scope."""
    key = bytes(range(64))
    ct = tink_siv(key, prefix=tink_pb2.TINK).encrypt_deterministically(b"ada lovelace", token_ad("PERSON", "s1"))
    assert ct[:5] == b"\x01" + (42).to_bytes(4, "big")
    assert ct[5:] == AESSIV(key).encrypt(b"ada lovelace", [token_ad("PERSON", "s1")])
