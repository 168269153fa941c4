"""Compatibility alias (the manifest and the publish pointer live in ``pipelines/dataset.py``) and the
shred markers written into the manifests of a shredded scope.

A copy of a scope's keyset file restored from a backup cannot undo a shred recorded in the manifests (and
in the audit log, ``pipelines/audit.py``): reveal and run check both.
"""

from __future__ import annotations

import json

from pipelines.dataset import (
    Layout,
    Manifest,
    describe_files,
    discover,
    now_iso,
    publish,
    published_version,
    read_manifest,
    write_manifest,
)
from transforms import fs

__all__ = [
    "Manifest",
    "describe_files",
    "mark_scope_shredded",
    "now_iso",
    "publish",
    "published_version",
    "read_manifest",
    "shred_markers",
    "write_manifest",
]


def _scope_manifests(layout: Layout, scope: str) -> list[tuple[str, dict]]:
    return [
        (layout.manifest(info.name), info.manifest.to_dict())
        for info in discover(layout)
        if info.manifest is not None and info.manifest.keys.scope == scope
    ]


def mark_scope_shredded(layout: Layout, scope: str, marker: dict) -> int:
    """Add a ``shredded`` marker (time, audit event name) to the manifest of every version of ``scope``.
    Returns the number of manifests marked."""
    marked = 0
    for path, doc in _scope_manifests(layout, scope):
        if "shredded" not in doc:
            doc["shredded"] = marker
            fs.write_text_atomic(path, json.dumps(doc, indent=2, sort_keys=True) + "\n", mode=0o640)
            marked += 1
    return marked


def shred_markers(layout: Layout, scope: str) -> list[dict]:
    """The shred markers found in manifests of ``scope`` (empty if none)."""
    return [doc["shredded"] for _, doc in _scope_manifests(layout, scope) if doc.get("shredded")]
