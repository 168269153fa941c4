"""Tiny filesystem helpers over Beam's ``FileSystems`` (local paths, ``s3://``, ``gs://``).

Local writes are atomic (temp file in the same directory + ``os.replace``); object stores already make
a single-object write atomic. Temp files hold only what the final file holds (never raw PII).
"""

from __future__ import annotations

import json
import os
import tempfile


def _filesystems():
    """Beam's ``FileSystems``, imported on first use: importing Beam's I/O costs seconds at start-up."""
    from apache_beam.io.filesystems import FileSystems

    return FileSystems


def is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def join(base: str, *parts: str) -> str:
    if is_remote(base):
        return "/".join([base.rstrip("/"), *[p.strip("/") for p in parts]])
    return os.path.join(base, *parts)


def exists(path: str) -> bool:
    return _filesystems().exists(path)


def open_read(path: str):
    return _filesystems().open(path, compression_type="uncompressed")


def read_bytes(path: str) -> bytes:
    with open_read(path) as fh:
        return fh.read()


def read_text(path: str) -> str:
    return read_bytes(path).decode("utf-8")


def write_bytes_atomic(path: str, data: bytes, *, mode: int = 0o640) -> None:
    """Write ``path`` whole or not at all (local: temp file + rename, with ``mode`` whatever the umask).

    The default is the shared output mode (0640, ``transforms.permissions.SHARED``): nothing is world
    readable by default; restricted outputs pass their own mode."""
    if is_remote(path):
        with _filesystems().create(path, compression_type="uncompressed") as fh:
            fh.write(data)
        return
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str, text: str, *, mode: int = 0o640) -> None:
    write_bytes_atomic(path, text.encode("utf-8"), mode=mode)


def list_files(pattern: str) -> list[str]:
    """Paths matching a glob pattern, sorted."""
    result = _filesystems().match([pattern])[0]
    return sorted(m.path for m in result.metadata_list)


def delete(paths: list[str]) -> None:
    if paths:
        _filesystems().delete(paths)


def delete_tree(path: str) -> None:
    """Delete a directory (local) or every object under a prefix (object stores); absent is fine."""
    if is_remote(path):
        delete(list_files(join(path, "**")))
    elif os.path.exists(path):
        _filesystems().delete([path])


def read_jsonl(pattern: str) -> list[dict]:
    """Every JSON Lines row of every file matching ``pattern`` (small bookkeeping outputs only)."""
    rows = []
    for path in list_files(pattern):
        rows.extend(json.loads(line) for line in read_text(path).splitlines() if line.strip())
    return rows
