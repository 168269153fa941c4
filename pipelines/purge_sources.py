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

from transforms import fs
from transforms.parsing.source import public_uri


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


def find_sources(roots: list[str], uri_policies: set[str], wanted: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """(raw path, public uri) of objects under ``roots`` matching ``wanted`` by public URI and sha256."""
    uris = {u for u, _ in wanted}
    found = []
    for root in roots:
        base = root if fs.is_remote(root) else os.path.abspath(os.path.expanduser(root))
        for path in fs.list_files(fs.join(base, "**")):
            candidates = {public_uri(path, p) for p in uri_policies} & uris
            if not candidates:
                continue
            digest = hashlib.sha256(fs.read_bytes(path)).hexdigest()
            for uri in candidates:
                if (uri, digest) in wanted:
                    found.append((path, uri))
                    break
    return found


def delete_sources(found: list[tuple[str, str]]) -> list[str]:
    """Delete the objects; returns their public URIs (never the raw paths)."""
    if found:
        fs.delete([path for path, _ in found])
    return sorted({uri for _, uri in found})
