"""Version bookkeeping for ``redact purge``: listing complete versions, intent markers, deletion.

Crash safety rests on intent markers under ``OUT/.purge/``, written before a step and removed after it:

* ``<version>.create.json`` before the new version is written. On the next purge, a marker whose
  version is not the published one is an unfinished or unpublished purge: that version is deleted.
* ``<version>.delete.json`` before an old version is deleted. On the next purge it is finished.

Deleting a version removes its manifest first, so a half-deleted version never looks complete, then
its vault, its quarantine and its training files. Markers hold version names and scopes only.
"""

from __future__ import annotations

import json

from pipelines.layout import MANIFEST_NAME, Layout
from pipelines.manifest import published_version
from transforms import fs


def marker_dir(layout: Layout) -> str:
    return fs.join(layout.out, ".purge")


def marker_path(layout: Layout, version: str, action: str) -> str:
    return fs.join(marker_dir(layout), f"{version}.{action}.json")


def write_marker(layout: Layout, version: str, action: str, scope: str) -> None:
    fs.write_text_atomic(marker_path(layout, version, action), json.dumps({"version": version, "scope": scope}))


def remove_marker(layout: Layout, version: str, action: str) -> None:
    path = marker_path(layout, version, action)
    if fs.exists(path):
        fs.delete([path])


def pending_markers(layout: Layout) -> list[tuple[str, str, str]]:
    """(version, action, scope) of every marker left by an interrupted purge."""
    out = []
    for path in fs.list_files(fs.join(marker_dir(layout), "*.json")):
        name = path.rsplit("/", 1)[-1][: -len(".json")]
        version, _, action = name.rpartition(".")
        doc = json.loads(fs.read_text(path))
        out.append((version, action, doc.get("scope", "")))
    return sorted(out)


def recover(layout: Layout) -> list[str]:
    """Finish what an interrupted purge left. Returns the versions deleted."""
    current = published_version(layout)
    deleted = []
    for version, action, scope in pending_markers(layout):
        if version == current:  # a published version is never deleted by recovery
            remove_marker(layout, version, action)
            continue
        delete_version(layout, version, scope)
        remove_marker(layout, version, action)
        deleted.append(version)
    return deleted


def complete_versions(layout: Layout) -> dict[str, dict]:
    """version -> manifest of every version whose manifest says ``complete``."""
    out = {}
    for path in fs.list_files(fs.join(layout.training, "*", MANIFEST_NAME)):
        doc = json.loads(fs.read_text(path))
        if doc.get("status") == "complete":
            out[doc["version"]] = doc
    return out


def version_files(layout: Layout, version: str, scope: str) -> dict[str, list[str]]:
    return {
        "training": fs.list_files(fs.join(layout.version_dir(version), "*.parquet")),
        "vault": fs.list_files(fs.join(layout.vault_dir(scope, version), "*.parquet")),
        "quarantine": fs.list_files(fs.join(layout.quarantine_dir(version), "*.parquet")),
    }


def delete_version(layout: Layout, version: str, scope: str) -> None:
    """Manifest first (the version stops looking complete), then vault, quarantine, canaries, training files."""
    manifest = layout.manifest(version)
    if fs.exists(manifest):
        fs.delete([manifest])
    dirs = [layout.quarantine_dir(version), layout.canary_dir(version), layout.version_dir(version)]
    if scope:
        dirs.insert(0, layout.vault_dir(scope, version))
    for d in dirs:
        fs.delete_tree(d)
