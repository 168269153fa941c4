"""``SourceFile``: the bytes of one input object plus its identity (Beam-free)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from transforms.record import Lineage


@dataclass(frozen=True, slots=True)
class SourceFile:
    uri: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def extension(self) -> str:
        return os.path.splitext(self.uri.rsplit("/", 1)[-1])[1].lower()

    def lineage(self, position: str) -> Lineage:
        return Lineage(source_uri=public_uri(self.uri), source_sha256=self.sha256, source_record=position)


def public_uri(uri: str) -> str:
    """The source URI as recorded in outputs: scheme and bucket kept, the path replaced by a hash.

    Path parts often name people (``/exports/jane_doe/chat.json``), so they never appear in clear.
    """
    scheme, sep, rest = uri.partition("://")
    if not sep:
        scheme, rest = "file", uri
    bucket, _, path = rest.partition("/") if scheme in ("s3", "gs") else ("", "", rest)
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    ext = os.path.splitext(path)[1].lower()
    ext = ext if ext.isascii() and len(ext) <= 8 else ""
    return f"{scheme}://{bucket + '/' if bucket else ''}sha256-{digest}{ext}"


def derived_doc_id(src: SourceFile, position: str) -> str:
    return hashlib.sha256(f"{src.sha256}:{position}".encode()).hexdigest()[:16]
