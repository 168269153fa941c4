"""Deleting raw source objects whose records have all been purged (local paths, s3://, gs://).

How purge finds raw sources without a raw path stored anywhere: the operator configures the roots
the corpus was read from (``retention.source_roots``); purge lists them and recomputes each object's
public URI with the URI policy the version was written under (the hash of the path is deterministic),
and deletes an object only when (public URI, content sha256) equals the lineage of a purged record.
The content check means a file rewritten since ingestion is never deleted by mistake. Under the
``scheme_bucket`` URI policy the URI carries no path, so every object under the roots is hashed.

A source is deletable when it is referenced by a removed record of a version being deleted and by no
record of any version that stays (kept or held rows, or any row of a version retained for a hold).
Records of the source that were quarantined or dropped at ingestion do not keep it alive: they never
entered a dataset. Only ids, hashes and counts are reported.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from transforms import fs
from transforms.parsing.listing import Exclusions, ReadRefused, list_pattern, read_bounded
from transforms.parsing.source import public_uri


@dataclass
class SourceScan:
    """What the listing found: (raw path, public uri) pairs to delete; reason code -> number of candidate
    paths (their public URI is one of the wanted ones) not read; and ``missed``, the public URIs of
    wanted sources that were not found (not read, changed since ingestion, moved or gone): the erasure
    of those sources is incomplete."""

    found: list[tuple[str, str]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def deletable_sources(source_rows: list[dict], deleted_versions: set[str], current: str) -> set[tuple[str, str]]:
    """(public uri, sha256) pairs that no remaining row references and some removed row does."""
    live, removed = set(), set()
    for r in source_rows:
        key = (r["uri"], r["sha256"])
        if r["version"] in deleted_versions:
            if r["verdict"] == "purge":
                removed.add(key)
            elif r["version"] == current:  # kept/held rows of the current version live on in the new one
                live.add(key)
        else:
            live.add(key)
    return removed - live


def find_sources(
    roots: list[str],
    uri_policies: set[str],
    wanted: set[tuple[str, str]],
    *,
    max_bytes: int,
    exclude: Sequence[str] = (),
) -> SourceScan:
    """Objects under ``roots`` matching ``wanted`` by public URI and sha256.

    Listed and read as ``redact run`` reads its inputs (``transforms.parsing.listing``): only regular
    files whose real path stays inside the root are opened (``O_NOFOLLOW``, never a FIFO or device, a
    symlink escaping the root is not followed), never an excluded path (output roots, local KEK), and
    every read is bounded by ``max_bytes``. Candidates (paths whose public URI is wanted) not read are
    counted by reason code, never named; wanted sources not found are listed by public URI in ``missed``."""
    uris = {u for u, _ in wanted}
    scan = SourceScan()
    matched: set[tuple[str, str]] = set()
    exclusions = Exclusions(exclude)
    for root in roots:
        base = root if fs.is_remote(root) else os.path.abspath(os.path.expanduser(root))
        for item in list_pattern(fs.join(base, "**"), exclusions):
            candidates = {public_uri(item.path, p) for p in uri_policies} & uris
            if not candidates:
                continue
            if item.skip:
                scan.skip(item.skip)
                continue
            try:
                digest = hashlib.sha256(read_bounded(item, max_bytes)).hexdigest()
            except ReadRefused as exc:
                scan.skip(exc.reason)
                continue
            for uri in candidates:
                if (uri, digest) in wanted:
                    scan.found.append((item.path, uri))
                    matched.add((uri, digest))
                    break
    scan.missed = sorted({uri for uri, _ in wanted - matched})
    return scan


def delete_sources(found: list[tuple[str, str]]) -> list[str]:
    """Delete the objects; returns their public URIs (never the raw paths)."""
    if found:
        fs.delete([path for path, _ in found])
    return sorted({uri for _, uri in found})
