"""AWS KMS end to end: moto in server mode on 127.0.0.1, real boto3 HTTP calls from the ``redact`` CLI.

Flow: create KMS keys -> ``keys create`` -> ``run`` -> ``reveal`` -> second run (byte-identical) ->
``rotate --new-kek-uri`` (tokens unchanged) -> ``rotate --data-key`` (new token space, old tokens still
reveal) -> ``reveal --whole-version`` -> ``shred`` (reveal says "shredded").

"Not authorized": moto only evaluates IAM when asked (``/moto-api/reset-auth``); it then applies the
caller's IAM identity policy. moto 5 does *not* refuse Encrypt/Decrypt on disabled keys or keys
pending deletion, and evaluates key policies only for DescribeKey, so the test uses an IAM user whose
policy lacks ``kms:Decrypt``.
"""

from __future__ import annotations

import json

import pytest

from pipelines.audit import reason_fields
from tests.pipelines.keys_e2e import (
    all_tokens,
    assert_audit_clean,
    assert_no_raw_values,
    audit_events,
    corpus,
    current_version,
    fails,
    file_mode,
    ok,
    person_token,
    reveal_values,
    training_texts,
)

pytestmark = pytest.mark.slow
SCOPE = "tenant-a"
REASON = "e2e test: verify reveal"


def test_aws_kms_end_to_end(moto_kms, tmp_path):
    env = moto_kms.env()
    kek1, kek2 = moto_kms.create_key("kek one"), moto_kms.create_key("kek two")
    src, out = corpus(tmp_path), tmp_path / "out"
    common = ["--output", str(out), "--scope", SCOPE]

    created = ok("keys", "create", *common, "--kek-uri", kek1, env=env)
    assert SCOPE in created.stdout and kek1 in created.stdout
    info = json.loads(ok("keys", "info", *common, "--kek-uri", kek1, "--check", "--json", env=env).stdout)
    assert info["scope"] == SCOPE and info["kek_uri"] == kek1 and info["status"] == "active"
    assert info["kek_check"].startswith("ok") and len(info["key_ids"]) == 1
    assert "encryptedKeyset" not in json.dumps(info)

    def run(kek: str) -> tuple[str, dict[str, str]]:
        ok("run", "--input", str(src), *common, "--kek-uri", kek, env=env)
        version = current_version(out)
        return version, training_texts(out, version)

    v1, texts1 = run(kek1)
    assert_no_raw_values(*texts1.values())
    token = person_token(texts1)
    shown = reveal_values(ok("reveal", token, *common, "--kek-uri", kek1, "--reason", REASON, env=env).stdout)
    assert shown[token] in {"emily carter", "rahul mehta"}

    v2, texts2 = run(kek1)  # same key: byte-identical tokens
    assert v2 != v1 and texts2 == texts1

    rotated = ok("keys", "rotate", *common, "--kek-uri", kek1, "--new-kek-uri", kek2, env=env)
    assert "Tokens are unchanged" in rotated.stdout
    _, texts3 = run(kek2)
    assert texts3 == texts1
    stale = fails("reveal", token, *common, "--kek-uri", kek1, "--reason", REASON, env=env, code=3)
    assert "wrapped under KEK" in stale.stderr
    assert reveal_values(ok("reveal", token, *common, "--kek-uri", kek2, "--reason", REASON, env=env).stdout) == shown

    new_space = ok("keys", "rotate", *common, "--kek-uri", kek2, "--data-key", env=env)
    assert "NEW TOKEN SPACE" in new_space.stdout and "DIFFERENT tokens" in new_space.stdout
    v4, texts4 = run(kek2)
    # a new token space: every token differs, the keyed DOC_ID tokens of the input ids included
    assert len(texts4) == len(texts1) and set(texts4).isdisjoint(texts1)
    assert all_tokens(texts4).isdisjoint(all_tokens(texts1))
    new_token = person_token(texts4)
    both = reveal_values(ok("reveal", token, new_token, *common, "--kek-uri", kek2, "--reason", REASON, env=env).stdout)
    assert both[token] == shown[token] and both[new_token] in {"emily carter", "rahul mehta"}
    info = json.loads(ok("keys", "info", *common, "--json", "--kek-uri", kek2, env=env).stdout)
    assert len(info["key_ids"]) == 2 and info["primary_key_id"] == info["key_ids"][1]
    assert [e["event"] for e in info["history"]] == ["created", "kek_rotated", "data_key_rotated"]

    revealed = tmp_path / "revealed.jsonl"
    ok("reveal", "--whole-version", "--version", v1, "--write", str(revealed), *common, "--kek-uri", kek2,
       "--reason", REASON, env=env)  # fmt: skip
    assert file_mode(revealed) == 0o600
    lines = [json.loads(line) for line in revealed.read_text().splitlines()]
    assert {r["doc_id"] for r in lines} == set(texts1) and "emily carter" in lines[0]["text"].lower()
    assert not any("<PERSON_" in r["text"] for r in lines)

    ok("keys", "shred", *common, "--yes", "--reason", "tenant offboarded", env=env)
    gone = fails("reveal", token, *common, "--kek-uri", kek2, "--reason", REASON, env=env, code=3)
    assert "shredded" in gone.stderr
    assert "shredded" in fails("run", "--input", str(src), *common, "--kek-uri", kek2, env=env).stderr
    assert current_version(out) == v4  # the failed run published nothing

    outcomes = [e["outcome"] for e in audit_events(out, "reveal")]
    assert outcomes == ["ok", "key_error", "ok", "ok", "ok", "shredded"]
    reason = reason_fields(REASON)["reason_sha256"]
    assert all(e["reason_sha256"] == reason and e["scope"] == SCOPE for e in audit_events(out, "reveal"))
    assert [e["action"] for e in audit_events(out, "keys")] == ["create", "rotate_kek", "rotate_data_key", "shred"]
    assert_audit_clean(out)


def test_aws_reveal_without_kms_decrypt_is_not_authorized(moto_kms, tmp_path):
    kek = moto_kms.create_key("authz")
    src, out = corpus(tmp_path), tmp_path / "out"
    common = ["--output", str(out), "--scope", "authz", "--kek-uri", kek]
    ok("keys", "create", *common, env=moto_kms.env())
    ok("run", "--input", str(src), *common, env=moto_kms.env())
    token = person_token(training_texts(out, current_version(out)))
    encrypt_only = moto_kms.iam_user("redact-encrypt-only", ["kms:Encrypt", "kms:DescribeKey"])
    revealer = moto_kms.iam_user("redact-revealer", ["kms:Decrypt"])
    moto_kms.enforce_iam(True)
    try:
        denied = fails("reveal", token, *common, "--reason", REASON, env=moto_kms.env(*encrypt_only), code=3)
        allowed = run_reveal_ok(token, common, moto_kms.env(*revealer))
    finally:
        moto_kms.enforce_iam(False)
    assert "not authorized" in denied.stderr and "kms:Decrypt" in denied.stderr
    assert allowed[token] in {"emily carter", "rahul mehta"}
    events = audit_events(out, "reveal")
    assert [e["outcome"] for e in events] == ["not_authorized", "ok"]
    # the operator's cloud identity is the credential the KMS client signed with (not $USER)
    assert [e["operator"]["cloud"] for e in events] == [
        f"aws:access_key_id={k}" for k in (encrypt_only[0], revealer[0])
    ]


def run_reveal_ok(token: str, common: list[str], env: dict) -> dict[str, str]:
    return reveal_values(ok("reveal", token, *common, "--reason", REASON, env=env).stdout)
