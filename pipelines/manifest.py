"""Compatibility alias: the manifest and the publish pointer now live in ``pipelines/dataset.py``."""

from pipelines.dataset import (
    Manifest,
    describe_files,
    now_iso,
    publish,
    published_version,
    read_manifest,
    write_manifest,
)

__all__ = ["Manifest", "describe_files", "now_iso", "publish", "published_version", "read_manifest", "write_manifest"]
