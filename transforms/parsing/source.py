"""``SourceFile``: the bytes of one input object plus its identity (Beam-free)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from transforms.record import Lineage


@dataclass(frozen=True, slots=True)
class SourceFile:
    """``data``: the whole file; empty for a streamed file, whose ``digest`` (sha256) is then given."""

    uri: str
    data: bytes
    uri_policy: str = "hash"
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest:  # hashed once: every record's lineage and derived id name it
            object.__setattr__(self, "digest", hashlib.sha256(self.data).hexdigest())

    @property
    def sha256(self) -> str:
        return self.digest

    @property
    def extension(self) -> str:
        return os.path.splitext(self.uri.rsplit("/", 1)[-1])[1].lower()

    def lineage(self, position: str) -> Lineage:
        return Lineage(
            source_uri=public_uri(self.uri, self.uri_policy), source_sha256=self.sha256, source_record=position
        )


URI_POLICIES = ("hash", "scheme_bucket", "keep")


def public_uri(uri: str, policy: str = "hash") -> str:
    """The source URI as recorded in outputs (``retention.uri_policy``).

    * ``hash`` (default): scheme and bucket kept, the path replaced by a hash (plus its extension);
    * ``scheme_bucket``: scheme and bucket only (``s3://bucket/``, ``file://``);
    * ``keep``: the URI unchanged, for paths known to hold no personal data.

    Path parts often name people (``/exports/jane_doe/chat.json``), so by default they never appear in
    clear. The path hash is unkeyed: someone who can guess a full path can confirm it.
    """
    if policy == "keep":
        return uri
    if policy not in URI_POLICIES:
        raise ValueError(f"unknown uri policy {policy!r}")
    scheme, sep, rest = uri.partition("://")
    if not sep:
        scheme, rest = "file", uri
    bucket, _, path = rest.partition("/") if scheme in ("s3", "gs") else ("", "", rest)
    if policy == "scheme_bucket":
        return f"{scheme}://{bucket + '/' if bucket else ''}"
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    ext = os.path.splitext(path)[1].lower()
    ext = ext if ext.isascii() and len(ext) <= 8 else ""
    return f"{scheme}://{bucket + '/' if bucket else ''}sha256-{digest}{ext}"


def derived_doc_id(src: SourceFile, position: str) -> str:
    return hashlib.sha256(f"{src.sha256}:{position}".encode()).hexdigest()[:16]
