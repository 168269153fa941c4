"""The one owner of the dataset on disk: output roots, version folders, the manifest, reading and deleting.

Every command (run, gate, publish, purge, reveal, versions) finds files through this module; no other
module globs ``*.parquet`` or builds an output path. ``OUTPUT_KINDS`` lists every output a run writes:
purge, version discovery and the permission rules iterate it, so a new output cannot become an erasure gap.

Layout under ``OUT`` (each root overridable in config, e.g. a separately permissioned bucket)::

    training/<version>/            the version root (what ``datasets.load_dataset`` is pointed at):
        data/*.parquet             the training rows, alone in their folder (every reader opens it as is)
        README.md                  Hugging Face dataset card (YAML header naming data/) + the human card
        _MANIFEST.json, _gate/     manifest (written last) and gate report, beside the data, never among it
    training/CURRENT               names the published version (replaced atomically)
    vault/<scope>/<version>/       token vault (restricted)
    quarantine/<version>/          sealed raw records (restricted)
    canaries/<version>/            canary output (synthetic) and ``vault/`` beside it (restricted)
    audit/, keys/                  not per version (restricted)

A version is *complete* when its manifest (written last) says so, *failed* when the manifest says
failed or its gate failed, *partial* when it has files but no readable manifest (a killed run), and
*published* when ``CURRENT`` names it. Privacy contract: the manifest holds ids, hashes and counts only.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from transforms import fs
from transforms.config import OutputsConfig
from transforms.errors import InputError
from transforms.periods import now_iso

__all__ = ["now_iso"]

MANIFEST_NAME = "_MANIFEST.json"
CURRENT_NAME = "CURRENT"
GATE_DIR = "_gate"
DATA_DIR = "data"
CARD_NAME = "README.md"
GATE_SUMMARY_NAME = "summary.json"
MANIFEST_FORMAT = "redact-manifest/v1"


@dataclass(frozen=True)
class OutputKind:
    """One output of a run. ``per_version``: holds Parquet per dataset version (purge and discovery visit it)."""

    name: str
    restricted: bool
    per_version: bool


TRAINING, VAULT, QUARANTINE, CANARIES, CANARY_VAULT, AUDIT, KEYS = (
    "training",
    "vault",
    "quarantine",
    "canaries",
    "canary_vault",
    "audit",
    "keys",
)
OUTPUT_KINDS: tuple[OutputKind, ...] = (
    OutputKind(TRAINING, restricted=False, per_version=True),
    OutputKind(VAULT, restricted=True, per_version=True),
    OutputKind(QUARANTINE, restricted=True, per_version=True),
    OutputKind(CANARIES, restricted=False, per_version=True),
    OutputKind(CANARY_VAULT, restricted=True, per_version=True),
    OutputKind(AUDIT, restricted=True, per_version=False),
    OutputKind(KEYS, restricted=True, per_version=False),
)
VERSIONED_KINDS = tuple(k.name for k in OUTPUT_KINDS if k.per_version)
RESTRICTED_KINDS = tuple(k.name for k in OUTPUT_KINDS if k.restricted)


@dataclass(frozen=True)
class Layout:
    """Where every output of ``OUT`` lives. Build it with ``Layout.build(out, cfg.outputs)``."""

    out: str
    training: str
    vault: str
    quarantine: str
    audit: str
    keys: str

    @classmethod
    def build(cls, out: str, cfg: OutputsConfig | None = None) -> Layout:
        cfg = cfg or OutputsConfig()
        return cls(
            out=out,
            training=cfg.training or fs.join(out, TRAINING),
            vault=cfg.vault or fs.join(out, VAULT),
            quarantine=cfg.quarantine or fs.join(out, QUARANTINE),
            audit=cfg.audit or fs.join(out, AUDIT),
            keys=cfg.keys or fs.join(out, KEYS),
        )

    @property
    def canaries(self) -> str:
        """Canary output (synthetic, redacted): beside, never inside, the training root."""
        return fs.join(self.out, CANARIES)

    def roots(self) -> dict[str, str]:
        """Root folder of every output kind (the canary vault lives under the canary root)."""
        return {
            TRAINING: self.training,
            VAULT: self.vault,
            QUARANTINE: self.quarantine,
            CANARIES: self.canaries,
            CANARY_VAULT: self.canaries,
            AUDIT: self.audit,
            KEYS: self.keys,
        }

    def version_dir(self, version: str) -> str:
        """The version root: data folder, card, manifest and gate report."""
        return fs.join(self.training, version)

    def data_dir(self, kind: str, version: str, scope: str = "") -> str:
        """The folder holding the Parquet files of ``kind`` for ``version`` (vault: of key ``scope``)."""
        if kind == TRAINING:
            return fs.join(self.version_dir(version), DATA_DIR)
        if kind == VAULT:
            if not scope:
                raise ValueError("the vault is per key scope")
            return fs.join(self.vault, scope, version)
        if kind == QUARANTINE:
            return fs.join(self.quarantine, version)
        if kind == CANARIES:
            return fs.join(self.canaries, version)
        if kind == CANARY_VAULT:
            return fs.join(self.canaries, version, "vault")
        raise ValueError(f"{kind} holds no per-version Parquet")

    def prefix(self, kind: str, version: str, scope: str = "") -> str:
        """File-name prefix for Beam's Parquet sinks (``<prefix>-SSSSS-of-NNNNN.parquet``)."""
        return fs.join(self.data_dir(kind, version, scope), "part")

    def files(self, kind: str, version: str, scope: str = "") -> list[str]:
        """The Parquet files of ``kind`` for ``version``, sorted."""
        return fs.list_files(fs.join(self.data_dir(kind, version, scope), "*.parquet"))

    def vault_dir(self, scope: str, version: str) -> str:
        return self.data_dir(VAULT, version, scope)

    def quarantine_dir(self, version: str) -> str:
        return self.data_dir(QUARANTINE, version)

    def canary_dir(self, version: str) -> str:
        return self.data_dir(CANARIES, version)

    def canary_vault_dir(self, version: str) -> str:
        return self.data_dir(CANARY_VAULT, version)

    def manifest(self, version: str) -> str:
        return fs.join(self.version_dir(version), MANIFEST_NAME)

    def card(self, version: str) -> str:
        return fs.join(self.version_dir(version), CARD_NAME)

    def gate_dir(self, version: str) -> str:
        """Gate report of a version (``summary.json``, ``data_docs/``): no Parquet, ``_``-prefixed."""
        return fs.join(self.version_dir(version), GATE_DIR)

    def gate_summary(self, version: str) -> str:
        return fs.join(self.gate_dir(version), GATE_SUMMARY_NAME)

    @property
    def current(self) -> str:
        return fs.join(self.training, CURRENT_NAME)

    def staging(self, run_id: str) -> str:
        return fs.join(self.out, ".runs", run_id)

    @property
    def locks(self) -> str:
        return fs.join(self.out, ".locks")


def is_within(path: str, root: str) -> bool:
    """``path`` equals ``root`` or lies below it (local paths resolved, symlinks included; object-store
    URIs compared as prefixes). Paths on different kinds of storage are never within each other."""
    if fs.is_remote(path) != fs.is_remote(root):
        return False
    if fs.is_remote(path):
        p, r = path.rstrip("/"), root.rstrip("/")
        return p == r or p.startswith(r + "/")
    p, r = os.path.realpath(os.path.expanduser(path)), os.path.realpath(os.path.expanduser(root))
    return p == r or p.startswith(r.rstrip(os.sep) + os.sep)


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

    def rows(self, kind: str) -> int:
        return sum(f.rows or 0 for f in self.outputs.get(kind, []))


def describe_files(paths: list[str]) -> list[dict]:
    """sha256, size and Parquet row count of each file."""
    out = []
    for path in paths:
        data = fs.read_bytes(path)
        entry = {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        if path.endswith(".parquet"):
            entry["rows"] = pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows
        out.append(entry)
    return out


def describe_outputs(layout: Layout, version: str, scope: str, kinds=VERSIONED_KINDS) -> dict[str, list[dict]]:
    """``describe_files`` of every per-version output kind of ``version``."""
    return {k: describe_files(layout.files(k, version, scope)) for k in kinds}


def write_manifest(layout: Layout, version: str, manifest: dict | Manifest) -> str:
    doc = manifest.to_dict() if isinstance(manifest, Manifest) else dict(manifest)
    doc.update(format=MANIFEST_FORMAT, version=version, written_at=now_iso())
    Manifest.model_validate(doc)  # what is written can be read back
    path = layout.manifest(version)
    fs.write_text_atomic(path, json.dumps(doc, indent=2, sort_keys=True) + "\n")
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


# --- the publish pointer ------------------------------------------------------------------------


def publish(layout: Layout, version: str) -> None:
    """Point ``CURRENT`` at ``version`` (atomic replace). Only for complete, gated versions."""
    fs.write_text_atomic(layout.current, version + "\n")


def unpublish(layout: Layout) -> None:
    """Remove ``CURRENT``: no published version (a valid state, e.g. after a purge removed every row)."""
    if fs.exists(layout.current):
        fs.delete([layout.current])


def published_version(layout: Layout) -> str | None:
    if not fs.exists(layout.current):
        return None
    return fs.read_text(layout.current).strip() or None


# --- reading ------------------------------------------------------------------------------------


def read_parquet(path: str, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file (local, s3://, gs://) as an Arrow table: the one way the project reads Parquet."""
    with fs.open_read(path) as fh:
        return pq.read_table(fh, columns=columns, use_threads=False)


def read_output(
    layout: Layout, kind: str, version: str, scope: str = "", columns: list[str] | None = None
) -> pa.Table | None:
    """Every row of one output kind of a version (``None`` when it has no file)."""
    tables = [read_parquet(p, columns) for p in layout.files(kind, version, scope)]
    if not tables:
        return None
    return pa.concat_tables(tables, promote_options="permissive")


# --- discovery ----------------------------------------------------------------------------------

COMPLETE, PARTIAL, FAILED, PUBLISHED = "complete", "partial", "failed", "published"


@dataclass(frozen=True)
class VersionInfo:
    name: str
    status: str  # complete | partial | failed | published
    manifest: Manifest | None
    kinds: tuple[str, ...]  # output kinds holding something of this version


def _subdirs(path: str) -> set[str]:
    if fs.is_remote(path):
        base = path.rstrip("/") + "/"
        return {p[len(base) :].split("/", 1)[0] for p in fs.list_files(base + "**") if "/" in p[len(base) :]}
    if not os.path.isdir(path):
        return set()
    return {e.name for e in os.scandir(path) if e.is_dir() and not e.name.startswith((".", "_"))}


def version_names(layout: Layout) -> dict[str, set[str]]:
    """version -> output kinds with a folder for it (training, vault of any scope, quarantine, canaries)."""
    found: dict[str, set[str]] = {}
    for kind, root in ((TRAINING, layout.training), (QUARANTINE, layout.quarantine), (CANARIES, layout.canaries)):
        for name in _subdirs(root):
            found.setdefault(name, set()).add(kind)
    for scope in _subdirs(layout.vault):
        for name in _subdirs(fs.join(layout.vault, scope)):
            found.setdefault(name, set()).add(VAULT)
    return found


def vault_scopes(layout: Layout) -> list[str]:
    """Every key scope with a vault folder, sorted."""
    return sorted(_subdirs(layout.vault))


def vault_versions(layout: Layout, scope: str) -> list[str]:
    """Every version folder in the vault of ``scope`` (finished or not), sorted."""
    return sorted(_subdirs(fs.join(layout.vault, scope)))


def _try_manifest(layout: Layout, version: str) -> Manifest | None:
    try:
        return read_manifest(layout, version)
    except InputError:
        return None


def discover(layout: Layout) -> list[VersionInfo]:
    """Every version under every root, oldest first (manifest creation time, then name; partial last)."""
    current = published_version(layout)
    infos = []
    for name, kinds in version_names(layout).items():
        m = _try_manifest(layout, name)
        if m is None:
            status = PARTIAL
        elif not m.complete or gate_passed(layout, m) is False:
            status = FAILED
        else:
            status = PUBLISHED if name == current else COMPLETE
        infos.append(VersionInfo(name, status, m, tuple(sorted(kinds))))
    # partial versions have no creation time: listed last (usually the newest, a killed or running run)
    return sorted(infos, key=lambda i: (i.manifest.created_at if i.manifest else "\uffff", i.name))


def complete_versions(layout: Layout) -> dict[str, Manifest]:
    """version -> manifest of every version whose manifest says ``complete`` (its gate may have failed),
    oldest first. Unreadable manifests are skipped: such a version is partial (see ``discover``)."""
    return {i.name: i.manifest for i in discover(layout) if i.manifest is not None and i.manifest.complete}


def latest_complete_version(layout: Layout) -> str:
    versions = complete_versions(layout)
    if not versions:
        raise InputError(f"no complete dataset version under {layout.training}")
    return list(versions)[-1]


# --- deleting -----------------------------------------------------------------------------------


def delete_version(layout: Layout, version: str) -> None:
    """Delete a version from every root. The manifest goes first (the version stops looking complete),
    then the vault of every scope, quarantine and canaries, the training folder last."""
    manifest = layout.manifest(version)
    if fs.exists(manifest):
        fs.delete([manifest])
    for scope in vault_scopes(layout):
        fs.delete_tree(layout.data_dir(VAULT, version, scope))
    for kind in (QUARANTINE, CANARIES):
        fs.delete_tree(layout.data_dir(kind, version))
    fs.delete_tree(layout.version_dir(version))
