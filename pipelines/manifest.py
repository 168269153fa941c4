"""Dataset-version manifest (written last) and the publish pointer.

A version directory without ``_MANIFEST.json`` is incomplete by definition; a manifest whose
``status`` is not ``complete`` is a failed run. ``CURRENT`` names the published version and is
replaced atomically; readers of the dataset read ``CURRENT`` only.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from pipelines.layout import MANIFEST_NAME, Layout
from transforms import fs

FORMAT = "redact-manifest/v1"


def describe_files(pattern: str) -> list[dict]:
    """sha256, size and Parquet row count of each file matching ``pattern``."""
    out = []
    for path in fs.list_files(pattern):
        data = fs.read_bytes(path)
        entry = {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        if path.endswith(".parquet"):
            with FileSystems.open(path, compression_type="uncompressed") as fh:
                entry["rows"] = pq.ParquetFile(fh).metadata.num_rows
        out.append(entry)
    return out


def write_manifest(layout: Layout, version: str, manifest: dict) -> str:
    doc = {"format": FORMAT, "version": version, "written_at": now_iso(), **manifest}
    path = layout.manifest(version)
    fs.write_text_atomic(path, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return path


def read_manifest(layout: Layout, version: str) -> dict:
    return json.loads(fs.read_text(layout.manifest(version)))


def publish(layout: Layout, version: str) -> None:
    """Point ``CURRENT`` at ``version`` (atomic replace). Only for complete, gated versions."""
    fs.write_text_atomic(layout.current, version + "\n")


def published_version(layout: Layout) -> str | None:
    if not fs.exists(layout.current):
        return None
    return fs.read_text(layout.current).strip() or None


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _scope_manifests(layout: Layout, scope: str) -> list[tuple[str, dict]]:
    out = []
    if not fs.exists(layout.training):
        return out
    for path in fs.list_files(fs.join(layout.training, "*", MANIFEST_NAME)):
        try:
            doc = json.loads(fs.read_text(path))
        except ValueError:
            continue
        if doc.get("keys", {}).get("scope") == scope:
            out.append((path, doc))
    return out


def mark_scope_shredded(layout: Layout, scope: str, marker: dict) -> int:
    """Add a ``shredded`` marker (time, audit event name) to the manifest of every version of ``scope``.

    A copy of the scope's keyset file restored from a backup cannot undo a shred recorded here. Returns
    the number of manifests marked."""
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
