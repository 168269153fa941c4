"""The AWS side (infra/terraform/aws): one bucket per output root with SSE-KMS, versioning, public access
blocked, lifecycle and access logs; a rotating KEK; least-privilege roles for run, purge and reveal.
Also: every checkov suppression in infra/ carries a reason."""

from __future__ import annotations

import re
from pathlib import Path

import hcl2
import pytest

from tests.conftest import REPO

AWS = REPO / "infra" / "terraform" / "aws"
ROOTS = {"training", "vault", "quarantine", "audit", "keys", "work"}
RESTRICTED = {"vault", "quarantine", "audit", "keys"}


def _clean(obj):
    """python-hcl2 keeps the quotes of strings and keys: drop them (and its bookkeeping keys)."""
    if isinstance(obj, dict):
        return {k.strip('"'): _clean(v) for k, v in obj.items() if k not in {"__comments__", "__is_block__"}}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    if isinstance(obj, str) and len(obj) >= 2 and obj[0] == obj[-1] == '"':
        return obj[1:-1]
    return obj


def _blocks(kind: str) -> dict[tuple[str, str], dict]:
    out = {}
    for path in sorted(AWS.glob("*.tf")):
        with path.open() as fh:
            doc = _clean(hcl2.load(fh))
        for entry in doc.get(kind, []):
            for rtype, named in entry.items():
                for name, body in named.items():
                    out[(rtype, name)] = body
    return out


@pytest.fixture(scope="module")
def resources():
    return _blocks("resource")


@pytest.fixture(scope="module")
def data():
    return _blocks("data")


def _locals() -> dict:
    merged = {}
    for path in sorted(AWS.glob("*.tf")):
        with path.open() as fh:
            for block in _clean(hcl2.load(fh)).get("locals", []):
                merged.update(block)
    return merged


def test_one_bucket_per_output_root():
    assert set(_locals()["roots"]) == ROOTS
    assert set(_locals()["restricted"]) == RESTRICTED


def test_every_bucket_is_encrypted_versioned_private_logged_and_expires_old_versions(resources):
    sse = resources[("aws_s3_bucket_server_side_encryption_configuration", "root")]
    rule = sse["rule"][0]["apply_server_side_encryption_by_default"][0]
    assert rule["sse_algorithm"] == "aws:kms" and "aws_kms_key.storage" in rule["kms_master_key_id"]
    pab = resources[("aws_s3_bucket_public_access_block", "all")]
    assert all(pab[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls"))
    assert pab["restrict_public_buckets"] is True
    assert resources[("aws_s3_bucket_versioning", "all")]["versioning_configuration"][0]["status"] == "Enabled"
    lifecycle = resources[("aws_s3_bucket_lifecycle_configuration", "all")]["rule"][0]
    assert "noncurrent_version_expiration" in lifecycle and "abort_incomplete_multipart_upload" in lifecycle
    for name in ("aws_s3_bucket_public_access_block", "aws_s3_bucket_versioning"):
        assert "logs" in resources[(name, "all")]["for_each"]
    assert "local.roots" in resources[("aws_s3_bucket_logging", "root")]["for_each"]
    assert (
        resources[("aws_s3_bucket_ownership_controls", "all")]["rule"][0]["object_ownership"] == "BucketOwnerEnforced"
    )


def test_audit_events_are_write_once(resources):
    assert 'each.key == "audit"' in resources[("aws_s3_bucket", "root")]["object_lock_enabled"]
    lock = resources[("aws_s3_bucket_object_lock_configuration", "audit")]
    assert lock["rule"][0]["default_retention"][0]["mode"] in {"GOVERNANCE", "COMPLIANCE"}


def test_kms_keys_rotate(resources):
    for name in ("kek", "storage"):
        key = resources[("aws_kms_key", name)]
        assert key["enable_key_rotation"] is True and key["policy"]
    assert resources[("aws_kms_key", "kek")]["deletion_window_in_days"] == 7


def _statements(data, role: str) -> list[dict]:
    """A policy document's own statements plus those of the documents it includes
    (``source_policy_documents``), so a grant cannot hide in a shared document."""
    doc = data[("aws_iam_policy_document", role)]
    included = []
    for ref in doc.get("source_policy_documents", []):
        m = re.fullmatch(r"\$\{data\.aws_iam_policy_document\.(\w+)\.json\}", ref)
        assert m, ref  # only documents defined here, which the test can read
        included += _statements(data, m.group(1))
    return included + doc.get("statement", [])


def _grants(data, role: str) -> list[tuple[str, str]]:
    """(action, resource expression) pairs of a role policy."""
    pairs = []
    for st in _statements(data, role):
        assert st.get("effect", "Allow") == "Allow"
        resources = st["resources"] if isinstance(st["resources"], list) else [st["resources"]]
        pairs += [(a, r) for a in st["actions"] for r in resources]
    return pairs


@pytest.mark.parametrize("role", ["run", "purge", "reveal"])
def test_roles_have_no_wildcards_and_never_encrypt_with_the_kek(data, role):
    for action, resource in _grants(data, role):
        assert "*" not in action, (role, action)
        assert resource != "*" and not resource.startswith("arn:aws:s3:::*"), (role, resource)
        if "aws_kms_key.kek" in resource:
            assert action == "kms:Decrypt", (role, action)  # creating/rotating keysets is an admin task


@pytest.mark.parametrize("role", ["run", "purge", "reveal"])
def test_roles_unwrap_keysets_and_use_the_storage_key(data, role):
    grants = _grants(data, role)  # through the shared document each policy includes
    assert ("kms:Decrypt", "${aws_kms_key.kek.arn}") in grants
    assert any(r == "${aws_kms_key.storage.arn}" for _a, r in grants)


def _buckets(resource: str) -> set[str]:
    return set(re.findall(r'"(training|vault|quarantine|audit|keys|work)"', resource))


def test_reveal_reads_but_never_writes_or_deletes_outputs(data):
    writes = {b for a, r in _grants(data, "reveal") if a in {"s3:PutObject", "s3:DeleteObject"} for b in _buckets(r)}
    assert writes == {"audit"}  # it only appends its audit event
    reads = {b for a, r in _grants(data, "reveal") if a == "s3:GetObject" for b in _buckets(r)}
    # manifests (shred markers, --whole-version), vault, shred ledger, keysets
    assert reads == {"training", "vault", "audit", "keys"}


def test_run_cannot_rewrite_keysets_or_delete_audit(data):
    grants = _grants(data, "run")
    assert not any(a in {"s3:PutObject", "s3:DeleteObject"} and "keys" in _buckets(r) for a, r in grants)
    assert not any(a == "s3:DeleteObject" and "audit" in _buckets(r) for a, r in grants)
    assert not any(a == "s3:DeleteObject" and "audit" in _buckets(r) for a, r in _grants(data, "purge"))


def test_roles_exist_for_run_purge_reveal(resources):
    assert "local.roles" in resources[("aws_iam_role", "redact")]["for_each"]
    assert set(_locals()["roles"]) == {"run", "purge", "reveal"}


def _suppressions() -> list[tuple[Path, str]]:
    found = []
    for path in sorted((REPO / "infra").rglob("*")):
        if path.is_file():
            for line in path.read_text().splitlines():
                if "checkov:skip" in line or "checkov.io/skip" in line:
                    found.append((path, line.strip()))
    return found


def test_every_checkov_suppression_has_a_reason():
    found = _suppressions()
    assert found
    for path, line in found:
        m = re.search(r"checkov:skip=(CKV\w+):(.+)$", line) or re.search(r"checkov\.io/skip\d+: (CKV\w+)=(.+)$", line)
        assert m and len(m.group(2).strip()) > 20, f"{path}: {line}"
