"""Compatibility alias: the manifest, the publish pointer and the shred markers live in the
``pipelines.dataset`` package (``pipelines/dataset/manifest.py``). Nothing is defined here."""

from __future__ import annotations

from pipelines.dataset import (
    Manifest,
    describe_files,
    mark_scope_shredded,
    now_iso,
    publish,
    published_version,
    read_manifest,
    shred_markers,
    write_manifest,
)

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
