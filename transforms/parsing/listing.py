"""Which listed input paths may be read, and a bounded read of those that may (Beam-free).

Security contract (DESIGN.md section 8, "Inputs"):

* only regular files whose real path lies inside the input root (the pattern's part before its first
  glob character) are read; a symlink resolving outside it is not followed, a symlink to a directory is
  never entered (no loops), hidden files *and* hidden folders are skipped;
* FIFOs, sockets and devices are never opened (classified from ``stat``; the open itself uses
  ``O_NONBLOCK | O_NOFOLLOW`` and re-checks with ``fstat`` that it got the same regular file);
* nothing equal to or under an excluded path is read (the output roots, the local KEK file; a hard link
  to an excluded file is recognized by device and inode);
* object-store keys with ``.``/``..`` segments are refused;
* sizes are checked (``stat``/listing) before reading, and every read is bounded.

Every listed path yields a ``Listed``: either readable or carrying the reason code of its skip, so the
reader can count it (``read = written + quarantined + dropped``). Reason codes hold no path.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from apache_beam.io.filesystem import CompressionTypes, FileSystem
from apache_beam.io.filesystems import FileSystems

from transforms import reasons

_GLOB_CHARS = re.compile(r"^[^[*?]*")
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


@dataclass(frozen=True, slots=True)
class Listed:
    """One listed path. ``skip`` is a reason code when it must not be read; ``real`` is what is opened."""

    path: str
    real: str = ""
    size: int = 0
    skip: str = ""
    dev_ino: tuple[int, int] | None = None


class ReadRefused(Exception):
    """A listed file that could not be read within the rules; ``reason`` is a code (no path, no data)."""

    def __init__(self, reason: str, quarantine: bool = True) -> None:
        super().__init__(reason)
        self.reason, self.quarantine = reason, quarantine


def is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def pattern_root(pattern: str) -> str:
    """The folder (or object prefix) a pattern cannot leave: everything before its first glob character,
    cut back to the last ``/``. A pattern without glob characters is a single file: its folder."""
    prefix = _GLOB_CHARS.match(pattern).group(0)
    if prefix == pattern:
        return pattern.rsplit("/", 1)[0] or "/"
    return prefix.rsplit("/", 1)[0] or "/"


class Exclusions:
    """Paths never read: anything equal to or under one of them (local: by real path and device/inode)."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.local: list[str] = []
        self.remote: list[str] = []
        self.ids: set[tuple[int, int]] = set()
        for p in paths:
            if not p:
                continue
            if is_remote(p):
                self.remote.append(p.rstrip("/"))
                continue
            real = os.path.realpath(os.path.expanduser(p.removeprefix("file://")))
            self.local.append(real)
            try:
                st = os.stat(real)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                self.ids.add((st.st_dev, st.st_ino))

    def hit(self, path: str, st: os.stat_result | None = None) -> bool:
        if is_remote(path):
            return any(path == r or path.startswith(r + "/") for r in self.remote)
        if st is not None and (st.st_dev, st.st_ino) in self.ids:
            return True
        return any(_inside(path, r) for r in self.local)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def list_pattern(pattern: str, exclude: Exclusions) -> Iterator[Listed]:
    """Every path the pattern lists, each readable or with the reason it is skipped."""
    if is_remote(pattern):
        yield from _list_remote(pattern, exclude)
    else:
        yield from _list_local(pattern, exclude)


# --- local files -------------------------------------------------------------------------------------


def _list_local(pattern: str, exclude: Exclusions) -> Iterator[Listed]:
    root = pattern_root(pattern)
    real_root = os.path.realpath(root)
    if _GLOB_CHARS.match(pattern).group(0) == pattern:  # one file, named explicitly
        yield classify_local(pattern, real_root, exclude)
        return
    rx = re.compile(FileSystem.translate_pattern(pattern))
    rest = pattern[len(root) :]
    max_depth = None if "**" in rest else rest.count("/")
    yield from _walk(root, real_root, rx, exclude, 1, max_depth)


def _walk(folder: str, real_root: str, rx: re.Pattern, exclude: Exclusions, depth: int, max_depth: int | None):
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except FileNotFoundError:
        yield Listed(folder, skip=reasons.INPUT_VANISHED)
        return
    except OSError:
        yield Listed(folder, skip=reasons.INPUT_UNLISTABLE)
        return
    for entry in entries:
        path = os.path.join(folder, entry.name)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            if max_depth is not None and depth >= max_depth:
                continue
            if entry.name.startswith("."):
                yield Listed(path, skip=reasons.INPUT_HIDDEN)
            elif exclude.hit(os.path.realpath(path)):
                yield Listed(path, skip=reasons.INPUT_EXCLUDED)
            else:
                yield from _walk(path, real_root, rx, exclude, depth + 1, max_depth)
        elif rx.match(path):
            yield classify_local(path, real_root, exclude)


def classify_local(path: str, real_root: str, exclude: Exclusions) -> Listed:
    """Decide from ``lstat``/``stat`` alone (nothing is opened) whether ``path`` may be read."""
    if os.path.basename(path).startswith("."):
        return Listed(path, skip=reasons.INPUT_HIDDEN)
    try:
        link = stat.S_ISLNK(os.lstat(path).st_mode)
        real = os.path.realpath(path, strict=True)
        st = os.stat(real)
    except FileNotFoundError:
        return Listed(path, skip=reasons.INPUT_BROKEN_SYMLINK if os.path.islink(path) else reasons.INPUT_VANISHED)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Listed(path, skip=reasons.INPUT_SYMLINK_LOOP)
        return Listed(path, skip=reasons.INPUT_UNLISTABLE)
    except RuntimeError:  # older Pythons report a symlink loop this way
        return Listed(path, skip=reasons.INPUT_SYMLINK_LOOP)
    if not _inside(real, real_root):
        return Listed(path, skip=reasons.INPUT_SYMLINK_ESCAPE if link else reasons.INPUT_EXCLUDED)
    if stat.S_ISDIR(st.st_mode):
        return Listed(path, skip=reasons.INPUT_SYMLINK_DIR)
    if not stat.S_ISREG(st.st_mode):
        return Listed(path, skip=reasons.INPUT_NOT_REGULAR)
    if exclude.hit(real, st):
        return Listed(path, skip=reasons.INPUT_EXCLUDED)
    return Listed(path, real=real, size=st.st_size, dev_ino=(st.st_dev, st.st_ino))


# --- object stores -----------------------------------------------------------------------------------


def _key_segments(uri: str) -> list[str]:
    rest = uri.split("://", 1)[1]
    return rest.split("/")[1:]  # without the bucket


def _unsafe(uri: str) -> bool:
    return any(s in (".", "..") for s in _key_segments(uri)) or "\\" in uri


def _list_remote(pattern: str, exclude: Exclusions) -> Iterator[Listed]:
    if _unsafe(pattern):
        yield Listed(pattern, skip=reasons.INPUT_UNSAFE_KEY)
        return
    depth = len(_key_segments(pattern_root(pattern) + "/x")) - 1
    for m in FileSystems.match([pattern])[0].metadata_list:
        segments = _key_segments(m.path)
        if _unsafe(m.path):
            yield Listed(m.path, skip=reasons.INPUT_UNSAFE_KEY)
        elif any(s.startswith(".") for s in segments[depth:]):
            yield Listed(m.path, skip=reasons.INPUT_HIDDEN)
        elif exclude.hit(m.path):
            yield Listed(m.path, skip=reasons.INPUT_EXCLUDED)
        else:
            yield Listed(m.path, real=m.path, size=int(m.size_in_bytes or 0))


# --- reading -----------------------------------------------------------------------------------------


def read_bounded(item: Listed, max_bytes: int) -> bytes:
    """The file's bytes, never more than ``max_bytes``; ``ReadRefused`` with a reason code otherwise."""
    with open_listed(item, max_bytes) as fh:
        try:
            data = fh.read(max_bytes + 1)
        except Exception:  # storage error or an object deleted since listing: no message (it may hold the key)
            raise ReadRefused(reasons.READ_ERROR) from None
    if len(data) > max_bytes:
        raise ReadRefused(reasons.READ_TOO_LARGE)
    return data


@contextmanager
def open_listed(item: Listed, max_bytes: int) -> Iterator[BinaryIO]:
    """The listed file opened for reading under the rules above (size checked first; local files with
    ``O_NOFOLLOW | O_NONBLOCK`` and an ``fstat`` check that it is the listed regular file).

    ``ReadRefused`` with a reason code when it may not or cannot be opened. The caller bounds its reads."""
    if item.size > max_bytes:
        raise ReadRefused(reasons.READ_TOO_LARGE)
    if is_remote(item.real):
        try:
            fh = FileSystems.open(item.real, compression_type=CompressionTypes.UNCOMPRESSED)
        except Exception:  # storage error or an object deleted since listing: no message (it may hold the key)
            raise ReadRefused(reasons.READ_ERROR) from None
        with fh:
            yield fh
        return
    with _open_local(item, max_bytes) as fh:
        yield fh


def _open_local(item: Listed, max_bytes: int) -> BinaryIO:
    try:
        fd = os.open(item.real, _OPEN_FLAGS)
    except FileNotFoundError:
        raise ReadRefused(reasons.READ_VANISHED) from None
    except OSError:
        raise ReadRefused(reasons.READ_ERROR) from None
    fh = os.fdopen(fd, "rb")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped for a FIFO/device since listing: never read it
            raise ReadRefused(reasons.INPUT_NOT_REGULAR, quarantine=False)
        if item.dev_ino is not None and (st.st_dev, st.st_ino) != item.dev_ino:
            raise ReadRefused(reasons.READ_CHANGED)
        if st.st_size > max_bytes:
            raise ReadRefused(reasons.READ_TOO_LARGE)
    except BaseException:
        fh.close()
        raise
    return fh
