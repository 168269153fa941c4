"""Intent markers of ``redact purge`` and recovery from an interrupted purge.

Crash safety rests on intent markers under ``OUT/.purge/``, written before a step and removed after it:

* ``<version>.create.json`` before the new version is written. On the next purge, a marker whose
  version is not the published one is an unfinished or unpublished purge: that version is deleted.
* ``<version>.delete.json`` before an old version is deleted. On the next purge it is finished.

Deleting a version (``dataset.delete_version``) removes its manifest first, so a half-deleted version
never looks complete. Markers hold version names and scopes only. ``staging-<version>`` folders of a
killed purge (decision files with doc ids) are deleted by ``recover``.
"""

from __future__ import annotations

import json

from pipelines.dataset import Layout, delete_version, published_version
from pipelines.dataset.versions import subdirs
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
    # Staging folders of a killed purge hold decision files with doc ids: never reused, never kept.
    for name in subdirs(marker_dir(layout)):
        if name.startswith("staging-"):
            fs.delete_tree(fs.join(marker_dir(layout), name))
    for version, action, _scope in pending_markers(layout):
        if version == current:  # a published version is never deleted by recovery
            remove_marker(layout, version, action)
            continue
        delete_version(layout, version)
        remove_marker(layout, version, action)
        deleted.append(version)
    return deleted
