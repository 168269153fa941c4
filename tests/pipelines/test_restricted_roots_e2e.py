"""Issue 10 items 5, 11, 12 end to end (local dev KEK): permissions of every file written under umask
022, the reveal audit (uid operator, hashed reason, refusals audited), and a shred that a restored
keyset file cannot undo. The shred test runs last: it retires the module's scope."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from pipelines.audit import reason_fields
from tests.pipelines.keys_e2e import audit_events, corpus, current_version, fails, ok, person_token, training_texts

pytestmark = pytest.mark.slow
REASON = "ticket 77 for a data subject request"  # synthetic
RESTRICTED = ("vault", "quarantine", "keys", "audit")


@pytest.fixture(scope="module")
def run_out(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("perm")
    env = {"XDG_CONFIG_HOME": str(tmp / "xdg")}
    common = ["--output", str(tmp / "out"), "--kek-uri", f"local://{tmp / 'kek' / 'kek.json'}", "--scope", "p"]
    src = corpus(tmp, copies=4)  # 12 documents: one quarantined line stays under max_quarantine_fraction
    (src.parent / "broken.jsonl").write_text('{"id": "b-1", "text": \n')  # something to quarantine
    old = os.umask(0o022)
    try:
        ok("run", "--input", str(src.parent), *common, env=env)
        token = person_token(training_texts(tmp / "out", current_version(tmp / "out")))
        ok("reveal", token, "--reason", REASON, *common, env=env)  # writes an audit event
    finally:
        os.umask(old)
    return {"tmp": tmp, "out": tmp / "out", "env": env, "common": common}


def _modes(root: Path) -> dict[str, int]:
    found = {str(root): stat.S_IMODE(os.lstat(root).st_mode)}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            found[p] = stat.S_IMODE(os.lstat(p).st_mode)
    return found


def test_restricted_roots_are_owner_only_under_umask_022(run_out):
    out = run_out["out"]
    assert list((out / "quarantine").rglob("*.parquet")), "the fixture must quarantine something"
    roots = [out / name for name in RESTRICTED] + sorted((out / "canaries").glob("*/vault"))
    for root in roots:
        modes = _modes(root)
        assert len(modes) > 1, f"{root} is empty"
        for path, mode in modes.items():
            want = 0o700 if os.path.isdir(path) else 0o600
            assert mode == want, f"{path} is {oct(mode)}, want {oct(want)}"


def test_shared_roots_are_not_world_readable(run_out):
    out = run_out["out"]
    for root in (out / "training", out / "canaries"):
        for path, mode in _modes(root).items():
            assert mode & 0o007 == 0, f"{path} is {oct(mode)}: readable by others"
    assert list((out / "training").rglob("_gate")) or list((out / "training").rglob("*.parquet"))


def test_every_reveal_attempt_is_audited_with_uid_and_hashed_reason(run_out):
    out, common, env = run_out["out"], run_out["common"], run_out["env"]
    token = person_token(training_texts(out, current_version(out)))
    before = len(audit_events(out, "reveal"))
    fails("reveal", token, "--reason", "   ", *common, env=env, code=2)
    fails("reveal", token, *common, env=env, code=2)  # no --reason at all
    ok("reveal", token, "--reason", REASON, *common, env=env)
    events = audit_events(out, "reveal")[before:]
    assert [e["outcome"] for e in sorted(events, key=lambda e: e["reason_chars"])] == ["refused", "refused", "ok"]
    for e in events:
        assert e["operator"]["uid"] == os.geteuid() and e["operator"]["user"]
        assert e["operator"]["cloud"] in {"local", "unknown"}
        assert "reason" not in e
    assert events[-1]["reason_sha256"] == reason_fields(REASON)["reason_sha256"]
    for path in (out / "audit").rglob("*.json"):
        assert REASON not in path.read_text()


def test_restored_keyset_does_not_undo_shred(run_out):
    """Last in this module: shred the scope, put the old keyset file back, reveal and run stay refused."""
    out, common, env, tmp = run_out["out"], run_out["common"], run_out["env"], run_out["tmp"]
    token = person_token(training_texts(out, current_version(out)))
    keyset = out / "keys" / "p.keyset.json"
    backup = tmp / "keyset-backup.json"
    shutil.copy2(keyset, backup)
    ok("keys", "shred", "--yes", "--reason", REASON, *common, env=env)
    shutil.copy2(backup, keyset)  # "restore from backup"
    assert json.loads(keyset.read_text())["status"] == "active"
    refused = fails("reveal", token, "--reason", REASON, *common, env=env, code=3)
    assert "was shredded" in refused.stderr and "restored" in refused.stderr
    assert audit_events(out, "reveal")[-1]["outcome"] == "shredded"
    rerun = fails("run", "--input", str(tmp / "in" / "docs.jsonl"), *common, env=env, code=3)
    assert "was shredded" in rerun.stderr
    manifest = json.loads((out / "training" / current_version(out) / "_MANIFEST.json").read_text())
    assert manifest["shredded"]["at"]
    keyset.unlink()  # a deleted keyset file does not bring the scope name back either
    assert "was shredded" in fails("keys", "create", *common, env=env, code=3).stderr
