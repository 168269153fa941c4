"""Reading a version's outputs, discovering versions (complete, partial, failed, published), deleting one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.dataset.layout import TRAINING, VAULT, Layout
from pipelines.dataset.manifest import Manifest, gate_passed, published_version, read_manifest
from transforms import fs
from transforms.errors import InputError

# --- reading ------------------------------------------------------------------------------------


def read_parquet(path: str, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file (local, s3://, gs://) as an Arrow table: the one way the project reads Parquet."""
    with fs.open_read(path) as fh:
        return pq.read_table(fh, columns=columns, use_threads=False)


BATCH_ROWS = 4096  # rows per record batch of ``iter_parquet``


def iter_parquet(
    path: str, columns: list[str] | None = None, batch_rows: int | None = None
) -> Iterator[pa.RecordBatch]:
    """One Parquet file in record batches of at most ``batch_rows`` rows (default ``BATCH_ROWS``), for
    readers whose memory must not grow with the file: one row group's column chunks decoded at a time."""
    with fs.open_read(path) as fh:
        batches = pq.ParquetFile(fh).iter_batches(
            batch_size=batch_rows or BATCH_ROWS, columns=columns, use_threads=False
        )
        yield from batches


def parquet_footer(path: str) -> tuple[pa.Schema, int]:
    """A Parquet file's Arrow schema and row count, from its footer alone (no data page is read)."""
    with fs.open_read(path) as fh:
        f = pq.ParquetFile(fh)
        return f.schema_arrow, f.metadata.num_rows


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


def subdirs(path: str) -> set[str]:
    """Names of the folders directly under ``path`` (hidden and ``_`` ones skipped; prefixes on object stores)."""
    if fs.is_remote(path):
        base = path.rstrip("/") + "/"
        return {p[len(base) :].split("/", 1)[0] for p in fs.list_files(base + "**") if "/" in p[len(base) :]}
    if not os.path.isdir(path):
        return set()
    return {e.name for e in os.scandir(path) if e.is_dir() and not e.name.startswith((".", "_"))}


def version_names(layout: Layout) -> dict[str, set[str]]:
    """version -> output kinds with a folder for it (training, vault of any scope, quarantine, canaries)."""
    found: dict[str, set[str]] = {}
    for kind, root in layout.version_roots().items():
        scoped = [fs.join(root, scope) for scope in subdirs(root)] if kind == VAULT else [root]
        for folder in scoped:
            for name in subdirs(folder):
                found.setdefault(name, set()).add(kind)
    return found


def vault_scopes(layout: Layout) -> list[str]:
    """Every key scope with a vault folder, sorted."""
    return sorted(subdirs(layout.vault))


def vault_versions(layout: Layout, scope: str) -> list[str]:
    """Every version folder in the vault of ``scope`` (finished or not), sorted."""
    return sorted(subdirs(fs.join(layout.vault, scope)))


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
    for kind in layout.version_roots():
        if kind == VAULT:
            for scope in vault_scopes(layout):
                fs.delete_tree(layout.data_dir(VAULT, version, scope))
        elif kind != TRAINING:
            fs.delete_tree(layout.data_dir(kind, version))
    fs.delete_tree(layout.version_dir(version))
