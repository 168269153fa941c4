"""Shred markers in manifests (``pipelines.dataset``): written through the manifest writer (validated,
training file mode), only on the scope's versions; the old alias modules are gone (one owner)."""

from __future__ import annotations

import importlib.util
import json
import os
import stat
from pathlib import Path

import pytest

from pipelines.audit import record_shred, refuse_if_shredded
from pipelines.dataset import Layout, mark_scope_shredded, read_manifest, shred_markers, write_manifest
from transforms.errors import ShreddedScopeError
from transforms.permissions import modes_for


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_markers_go_through_the_manifest_writer(tmp_path, umask_022):
    layout = Layout.build(str(tmp_path / "out"))
    assert mark_scope_shredded(layout, "a", {"at": "now"}) == 0  # no training root yet: nothing to mark
    for version, scope in (("v1", "a"), ("v2", "b"), ("v3", "a")):
        write_manifest(layout, version, {"version": version, "status": "complete", "keys": {"scope": scope}})
    os.makedirs(layout.version_dir("v4"))  # a partial version: unreadable manifest, skipped
    with open(layout.manifest("v4"), "w") as fh:
        fh.write("{not json")

    assert mark_scope_shredded(layout, "a", {"at": "2026-01-01T00:00:00Z", "audit_event": "e.json"}) == 2
    assert mark_scope_shredded(layout, "a", {"at": "later"}) == 0  # the first marker stays
    assert shred_markers(layout, "a") == [{"at": "2026-01-01T00:00:00Z", "audit_event": "e.json"}] * 2
    assert shred_markers(layout, "b") == []
    for version in ("v1", "v3"):
        doc = json.loads(Path(layout.manifest(version)).read_text())
        assert doc["shredded"]["audit_event"] == "e.json" and read_manifest(layout, version).complete
        assert _mode(layout.manifest(version)) == modes_for("training").file
    assert "shredded" not in json.loads(Path(layout.manifest("v2")).read_text())


def test_record_shred_marks_manifests_and_refuses(tmp_path, umask_022):
    layout = Layout.build(str(tmp_path / "out"))
    write_manifest(layout, "v1", {"version": "v1", "status": "complete", "keys": {"scope": "a"}})
    record_shred(layout, "a")
    for path in os.listdir(os.path.join(layout.audit, "keys")):  # drop the audit event: the manifest remains
        os.remove(os.path.join(layout.audit, "keys", path))
    with pytest.raises(ShreddedScopeError, match="shredded"):
        refuse_if_shredded(layout, "a")
    refuse_if_shredded(layout, "b")


@pytest.mark.parametrize("name", ["pipelines.layout", "pipelines.manifest"])
def test_the_dataset_package_is_the_only_owner_no_alias_module_remains(name):
    assert importlib.util.find_spec(name) is None, f"{name} is back: import from pipelines.dataset"
