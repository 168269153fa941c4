"""The manifest of a version (typed), its gate report, shred markers and the publish pointer ``CURRENT``."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipelines.dataset.layout import MANIFEST_NAME, TRAINING, VERSIONED_KINDS, Layout
from transforms import fs
from transforms.errors import InputError
from transforms.periods import now_iso
from transforms.permissions import modes_for

MANIFEST_FORMAT = "redact-manifest/v1"

# --- the manifest -------------------------------------------------------------------------------


class _Open(BaseModel):
    """Typed where code reads a field; other fields are kept as written (forward compatible)."""

    model_config = ConfigDict(extra="allow")

    def to_dict(self) -> dict:
        return self.model_dump(mode="json")


class FileEntry(_Open):
    path: str
    sha256: str
    bytes: int = 0
    rows: int | None = None


class ManifestKeys(_Open):
    scope: str = ""
    key_id: str | None = None
    kek_uri: str | None = None


class GateResult(_Open):
    success: bool | None = None
    failed: list[str] = Field(default_factory=list)
    gated_at: str | None = None
    summary: str | None = None


class Manifest(_Open):
    """``_MANIFEST.json`` of a dataset version (written last: its presence marks the version finished)."""

    format: str = MANIFEST_FORMAT
    version: str
    status: str = "failed"
    failures: list[str] = Field(default_factory=list)
    written_at: str = ""
    created_at: str = ""
    run_id: str = ""
    source_run_id: str | None = None  # purge-made versions: the run whose rows (lineage run id) they keep
    produced_by: str = "run"
    derived_from: str | None = None
    uri_policy: str = "hash"
    keys: ManifestKeys = Field(default_factory=ManifestKeys)
    outputs: dict[str, list[FileEntry]] = Field(default_factory=dict)
    counts: dict[str, Any] = Field(default_factory=dict)
    gate: GateResult | None = None
    gate_inherited: GateResult | None = None
    purge_history: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    @property
    def data_run_id(self) -> str:
        """The run id the training rows' lineage carries (a purge keeps the rows of the run it derives from)."""
        return self.source_run_id or self.run_id

    def rows(self, kind: str) -> int:
        return sum(f.rows or 0 for f in self.outputs.get(kind, []))


_CHUNK = 1 << 20


def describe_files(paths: list[str]) -> list[dict]:
    """sha256, size and Parquet row count of each file."""
    out = []
    for path in paths:
        digest, size = hashlib.sha256(), 0
        with fs.open_read(path) as fh:  # in chunks: a large shard is never held whole
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        entry = {"path": path, "sha256": digest.hexdigest(), "bytes": size}
        if path.endswith(".parquet"):
            with fs.open_read(path) as fh:
                entry["rows"] = pq.ParquetFile(fh).metadata.num_rows
        out.append(entry)
    return out


def describe_outputs(layout: Layout, version: str, scope: str, kinds=VERSIONED_KINDS) -> dict[str, list[dict]]:
    """``describe_files`` of every per-version output kind of ``version``."""
    return {k: describe_files(layout.files(k, version, scope)) for k in kinds}


def write_manifest(layout: Layout, version: str, manifest: dict | Manifest) -> str:
    doc = manifest.to_dict() if isinstance(manifest, Manifest) else dict(manifest)
    doc.update(format=MANIFEST_FORMAT, version=version, written_at=now_iso())
    return _write_doc(layout, version, doc)


def _write_doc(layout: Layout, version: str, doc: dict) -> str:
    """The one writer of ``_MANIFEST.json``: validated, with the training root's file mode."""
    Manifest.model_validate(doc)  # what is written can be read back
    path = layout.manifest(version)
    fs.write_text_atomic(path, json.dumps(doc, indent=2, sort_keys=True) + "\n", mode=modes_for(TRAINING).file)
    return path


def read_manifest(layout: Layout, version: str) -> Manifest:
    """The manifest of ``version``; ``InputError`` when it is missing or unreadable."""
    path = layout.manifest(version)
    if not fs.exists(path):
        raise InputError(f"version {version} has no manifest under {layout.training} (missing or incomplete)")
    try:
        return Manifest.model_validate(json.loads(fs.read_text(path)))
    except (ValueError, ValidationError):
        raise InputError(f"manifest of version {version} is not a valid manifest") from None


def load_complete_manifest(layout: Layout, version: str) -> Manifest:
    manifest = read_manifest(layout, version)
    if not manifest.complete:
        raise InputError(f"version {version} is not complete (manifest status {manifest.status!r})")
    return manifest


def read_gate_summary(layout: Layout, version: str) -> dict | None:
    """The last gate report of ``version`` (``_gate/summary.json``), or None when absent or unreadable."""
    path = layout.gate_summary(version)
    if not fs.exists(path):
        return None
    try:
        return json.loads(fs.read_text(path))
    except ValueError:
        return None


def gate_passed(layout: Layout, manifest: Manifest) -> bool | None:
    """Did the version's last gate pass? The report of a later ``redact gate`` wins over the run's result;
    None when the version was never gated (a purge output inherits its source's result)."""
    summary = read_gate_summary(layout, manifest.version)
    if summary is not None and summary.get("version") == manifest.version:
        return bool(summary.get("success"))
    gate = manifest.gate or manifest.gate_inherited
    return None if gate is None else gate.success


# --- shred markers -------------------------------------------------------------------------------
# A copy of a scope's keyset file restored from a backup cannot undo a shred recorded in the manifests (and
# in the audit log, ``pipelines/audit.py``): reveal and run check both.


def _scope_manifests(layout: Layout, scope: str) -> list[Manifest]:
    """The readable manifests of every version of ``scope`` (an unreadable one belongs to a partial version)."""
    found = []
    for path in fs.list_files(fs.join(layout.training, "*", MANIFEST_NAME)):
        version = path.rstrip("/").rsplit("/", 2)[-2]
        try:
            manifest = read_manifest(layout, version)
        except InputError:
            continue
        if manifest.keys.scope == scope:
            found.append(manifest)
    return found


def mark_scope_shredded(layout: Layout, scope: str, marker: dict) -> int:
    """Add a ``shredded`` marker (time, audit event name) to the manifest of every version of ``scope``,
    through the manifest writer. Returns the number of manifests marked."""
    marked = 0
    for manifest in _scope_manifests(layout, scope):
        doc = manifest.to_dict()
        if "shredded" not in doc:
            doc["shredded"] = marker
            _write_doc(layout, manifest.version, doc)
            marked += 1
    return marked


def shred_markers(layout: Layout, scope: str) -> list[dict]:
    """The shred markers found in manifests of ``scope`` (empty if none)."""
    return [m.to_dict()["shredded"] for m in _scope_manifests(layout, scope) if m.to_dict().get("shredded")]


# --- the publish pointer ------------------------------------------------------------------------


def publish(layout: Layout, version: str) -> None:
    """Point ``CURRENT`` at ``version`` (atomic replace). Only for complete, gated versions."""
    fs.write_text_atomic(layout.current, version + "\n", mode=modes_for(TRAINING).file)


def unpublish(layout: Layout) -> None:
    """Remove ``CURRENT``: no published version (a valid state, e.g. after a purge removed every row)."""
    if fs.exists(layout.current):
        fs.delete([layout.current])


def published_version(layout: Layout) -> str | None:
    if not fs.exists(layout.current):
        return None
    return fs.read_text(layout.current).strip() or None
