"""Key configuration edge cases and the run-time guards around scope keys."""

from __future__ import annotations

import pytest

from pipelines.dataset import Layout
from pipelines.run import open_run_keys
from transforms.config import load_config
from transforms.context import KeysRef
from transforms.errors import ConfigError, KeyAccessError
from transforms.keys import KeysetStore, ScopeKeys
from transforms.keys.kek import gcp_endpoint, is_loopback_endpoint
from transforms.keys.lifecycle import rotate_data_key

AWS = "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_gcp_endpoint_in_config():
    cfg = load_config(None, **{"keys.gcp_kms_endpoint": "127.0.0.1:9000"})
    assert cfg.keys.gcp_kms_endpoint == "127.0.0.1:9000"
    assert load_config(None).keys.gcp_kms_endpoint is None


@pytest.mark.parametrize("bad", ["http://127.0.0.1:9000", "127.0.0.1", "host:port", ""])
def test_bad_gcp_endpoint_fails(bad):
    with pytest.raises(ConfigError, match="gcp_kms_endpoint"):
        load_config(None, **{"keys.gcp_kms_endpoint": bad})


def test_bad_scope_and_kek_in_config_fail():
    with pytest.raises(ConfigError, match="scope"):
        load_config(None, **{"keys.scope": "Bad Scope!"})
    with pytest.raises(ConfigError, match="kek_uri"):
        load_config(None, **{"keys.kek_uri": "vault://nope"})


def test_endpoint_resolution(monkeypatch):
    monkeypatch.setenv("REDACT_GCP_KMS_ENDPOINT", "127.0.0.1:1")
    assert gcp_endpoint("127.0.0.1:2") == "127.0.0.1:2"
    assert gcp_endpoint(None) == "127.0.0.1:1"
    monkeypatch.setenv("REDACT_GCP_KMS_ENDPOINT", "")
    assert gcp_endpoint(None) is None
    assert is_loopback_endpoint("localhost:9") and is_loopback_endpoint("[::1]:9")
    assert not is_loopback_endpoint("cloudkms.europe-west1.rep.googleapis.com:443")


def test_run_does_not_create_scopes_under_a_kms_kek_fails(tmp_path):
    cfg = load_config(None, **{"keys.kek_uri": AWS, "keys.scope": "typo"})
    with pytest.raises(KeyAccessError, match="redact keys create"):
        open_run_keys(Layout.build(str(tmp_path)), cfg)


def test_run_creates_the_scope_under_a_local_kek(tmp_path, kek_uri):
    cfg = load_config(None, **{"keys.kek_uri": kek_uri, "keys.scope": "fresh"})
    keys = open_run_keys(Layout.build(str(tmp_path)), cfg)
    assert keys.scope == "fresh" and KeysetStore(str(tmp_path / "keys")).exists("fresh")


def test_worker_sees_a_rotated_keyset_fails(tmp_path, kek_uri):
    store = KeysetStore(str(tmp_path / "keys"))
    keys = ScopeKeys.create(store, "s", kek_uri)
    ref = KeysRef(keys_root=store.root, scope="s", kek_uri=kek_uri, key_id=keys.key_id)
    assert ref.open().key_id == keys.key_id
    rotate_data_key(store, "s", kek_uri)
    with pytest.raises(KeyAccessError, match="changed during the run"):
        ref.open()
