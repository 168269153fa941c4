"""The permission rule: restricted kinds 0600/0700, shared kinds 0640/0750, whatever the umask."""

from __future__ import annotations

import os
import stat

import pytest

from transforms import permissions


def _mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture(params=[0o000, 0o022, 0o077])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


@pytest.mark.parametrize(("kind", "want"), [("vault", permissions.RESTRICTED), ("training", permissions.SHARED)])
def test_ensure_dir_and_apply_tree_ignore_the_umask(tmp_path, umask, kind, want):
    root = tmp_path / "out" / kind
    permissions.ensure_dir(str(root / "a" / "b"), kind, root=str(root))
    for d in (root, root / "a", root / "a" / "b"):
        assert _mode(d) == want.dir
    (root / "a" / "b" / "f.parquet").write_bytes(b"x")  # a writer using the umask
    os.makedirs(root / "c")
    permissions.apply_tree(str(root), kind)
    assert _mode(root / "a" / "b" / "f.parquet") == want.file
    assert _mode(root / "c") == want.dir


def test_parents_above_the_root_keep_their_mode(tmp_path):
    permissions.ensure_dir(str(tmp_path / "out" / "audit" / "reveal"), "audit", root=str(tmp_path / "out" / "audit"))
    assert _mode(tmp_path / "out") != 0o700
    assert _mode(tmp_path / "out" / "audit") == 0o700


def test_apply_tree_leaves_symlink_targets_alone(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    outside.chmod(0o644)
    root = tmp_path / "vault"
    root.mkdir()
    (root / "link").symlink_to(outside)
    permissions.apply_tree(str(root), "vault")
    assert _mode(outside) == 0o644


def test_unknown_kind_fails():
    with pytest.raises(ValueError, match="unknown output kind"):
        permissions.modes_for("nope")


def test_remote_roots_are_left_to_bucket_policy(tmp_path, monkeypatch):
    """Object-store paths are never handed to the local filesystem (no ``./s3:/bucket`` folder, no chmod)."""
    touched: list[str] = []
    monkeypatch.setattr(permissions.os, "mkdir", lambda p, *a, **k: touched.append(str(p)))
    monkeypatch.setattr(permissions.os, "makedirs", lambda p, *a, **k: touched.append(str(p)))
    monkeypatch.setattr(permissions.os, "chmod", lambda p, *a, **k: touched.append(str(p)))
    monkeypatch.chdir(tmp_path)
    permissions.ensure_dir("s3://bucket/vault", "vault")
    permissions.ensure_dir("gs://bucket/training/v1", "training", root="gs://bucket/training")
    permissions.apply_tree("gs://bucket/vault", "vault")
    permissions.apply_tree("s3://bucket/training", "training")
    assert touched == []
    assert os.listdir(tmp_path) == []


def test_every_output_kind_has_the_mode_its_restriction_says():
    """``pipelines.dataset.OUTPUT_KINDS`` (the one list of outputs) drives the rule: a new output kind
    without a mode, or a restricted kind with shared modes, fails here."""
    from pipelines.dataset import OUTPUT_KINDS

    for kind in OUTPUT_KINDS:
        want = permissions.RESTRICTED if kind.restricted else permissions.SHARED
        assert permissions.modes_for(kind.name) == want, kind.name


def test_secure_outputs_covers_every_root_of_the_layout(tmp_path):
    from pipelines.dataset import Layout
    from pipelines.storage import output_roots, prepare_roots, secure_outputs

    layout = Layout.build(str(tmp_path / "out"))
    prepare_roots(layout)
    covered = {path for _, path in output_roots(layout)}
    assert {p for k, p in layout.roots().items() if k != "canary_vault"} <= covered
    vault = tmp_path / "out" / "canaries" / "v1" / "vault"
    vault.mkdir(parents=True)
    (vault / "part-0.parquet").write_bytes(b"x")
    (tmp_path / "out" / ".locks" / "run-1.json").write_text("{}")
    secure_outputs(layout)
    assert _mode(vault / "part-0.parquet") == 0o600 and _mode(vault) == 0o700
    assert _mode(tmp_path / "out" / ".locks" / "run-1.json") == 0o600
    assert _mode(tmp_path / "out" / "canaries") == 0o750


def test_atomic_writes_default_to_the_shared_file_mode(tmp_path, umask):
    """A bookkeeping file written without an explicit mode (gate report, card, CURRENT) is never world
    readable, whatever the umask."""
    from transforms import fs

    fs.write_text_atomic(str(tmp_path / "a.json"), "{}")
    fs.write_bytes_atomic(str(tmp_path / "b.bin"), b"x")
    assert _mode(tmp_path / "a.json") == _mode(tmp_path / "b.bin") == permissions.SHARED.file
