"""GCP KMS end to end: the real google-cloud-kms client over a real gRPC channel to a loopback
``KeyManagementService`` (tests/kms_servers.py, AES-GCM Encrypt/Decrypt), driven by the ``redact`` CLI.

The endpoint comes from the config file (``keys.gcp_kms_endpoint``); ``REDACT_GCP_KMS_ENDPOINT`` is
blanked for the subprocesses so that the config path is the one exercised.
"""

from __future__ import annotations

import pytest

from tests.pipelines.keys_e2e import (
    assert_audit_clean,
    assert_no_raw_values,
    audit_events,
    corpus,
    current_version,
    fails,
    ok,
    person_token,
    reveal_values,
    training_texts,
)

pytestmark = pytest.mark.slow
REASON = "e2e test: gcp reveal"


def test_gcp_kms_end_to_end(gcp_kms, tmp_path):
    kek1, kek2 = gcp_kms.add_key("e2e-one"), gcp_kms.add_key("e2e-two")
    config = tmp_path / "redact.yaml"
    config.write_text(f"keys:\n  scope: tenant-g\n  kek_uri: {kek1}\n  gcp_kms_endpoint: '{gcp_kms.endpoint}'\n")
    env = {"REDACT_GCP_KMS_ENDPOINT": "", "REDACT_KMS_RETRY_BASE_SECONDS": "0.01"}
    src, out = corpus(tmp_path, copies=10), tmp_path / "out"  # 30 records
    common = ["--output", str(out), "--config", str(config)]

    ok("keys", "create", *common, env=env)
    calls = dict(gcp_kms.calls)
    ok("run", "--input", str(src), *common, env=env)
    # two unwraps (token + sealing keyset) per opener (driver, worker DoFns), never per record
    texts = training_texts(out, current_version(out))
    unwraps = gcp_kms.calls["Decrypt"] - calls["Decrypt"]
    assert gcp_kms.calls["Encrypt"] == calls["Encrypt"] and unwraps % 2 == 0
    assert 2 <= unwraps < len(texts) == 30, unwraps
    assert_no_raw_values(*texts.values())
    token = person_token(texts)
    shown = reveal_values(ok("reveal", token, *common, "--reason", REASON, env=env).stdout)
    assert shown[token] in {"emily carter", "rahul mehta"}

    ok("keys", "rotate", *common, "--new-kek-uri", kek2, env=env)
    rewrapped = ["--kek-uri", kek2]
    assert reveal_values(ok("reveal", token, *common, *rewrapped, "--reason", REASON, env=env).stdout) == shown
    assert "NEW TOKEN SPACE" in ok("keys", "rotate", *common, *rewrapped, "--data-key", env=env).stdout
    assert reveal_values(ok("reveal", token, *common, *rewrapped, "--reason", REASON, env=env).stdout) == shown

    gcp_kms.deny_decrypt.add(kek2)
    denied = fails("reveal", token, *common, *rewrapped, "--reason", REASON, env=env, code=3)
    assert "not authorized" in denied.stderr and "useToDecrypt" in denied.stderr
    gcp_kms.deny_decrypt.clear()

    ok("keys", "shred", *common, "--yes", env=env)
    assert "shredded" in fails("reveal", token, *common, *rewrapped, "--reason", REASON, env=env, code=3).stderr

    outcomes = [e["outcome"] for e in audit_events(out, "reveal")]
    assert outcomes == ["ok", "ok", "ok", "not_authorized", "shredded"]
    assert_audit_clean(out)


def test_gcp_unavailable_kms_fails_the_run_and_publishes_nothing(gcp_kms, tmp_path):
    import grpc

    kek = gcp_kms.add_key("flaky")
    src, out = corpus(tmp_path), tmp_path / "out"
    common = ["--output", str(out), "--scope", "flaky", "--kek-uri", kek]
    env = {"REDACT_GCP_KMS_ENDPOINT": gcp_kms.endpoint, "REDACT_KMS_RETRY_ATTEMPTS": "3"}
    ok("keys", "create", *common, env=env)
    gcp_kms.faults[:] = [grpc.StatusCode.UNAVAILABLE] * 3
    failed = fails("run", "--input", str(src), *common, env=env, code=3)
    assert "KMS unavailable" in failed.stderr and "UNAVAILABLE" in failed.stderr
    assert not (out / "training" / "CURRENT").exists()
