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


def test_remote_roots_are_left_to_bucket_policy(tmp_path):
    permissions.ensure_dir("s3://bucket/vault", "vault")
    permissions.apply_tree("gs://bucket/vault", "vault")
