"""Streaming, splittable JSON Lines reading: byte-range shards read line by line (Beam-free).

A JSONL file (documents, chats, call transcripts, one per line) is never held whole:

1. ``plan_shards`` reads it once in 1 MiB chunks through ``listing.open_listed`` (same safety rules and
   size bound as a whole-file read) and returns its sha256 (every record's lineage and derived doc id
   name it, so it must be known before the first record) and ``Shard`` s: byte ranges of about
   ``input.shard_bytes`` that start at line starts, each with the number of its first line and the
   sha256 of its own bytes (a file is cut into about equal ranges, ``even_shard_bytes``);
2. ``read_shard`` opens the file again (same rules), seeks to the range and parses it line by line,
   as ``jsonl.parse_line`` does for a whole-file read; a line that crashes the parser is quarantined
   on its own (``parse.error``). Shards are independent: a runner spreads them over workers.

Same items, positions (``line:N``), reasons and ids as the whole-file reader. Blank or binary-looking
files are left to the whole-file path (one drop/quarantine item for the whole file). If a range hashes
differently when it is read, the file changed since it was planned: ``IntegrityError`` fails the run
(records of it may be in flight; nothing is published). Memory: one line plus one chunk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import BinaryIO

from transforms import reasons
from transforms.config import InputConfig
from transforms.errors import IntegrityError
from transforms.parsing.common import Item, looks_binary, quarantine
from transforms.parsing.jsonl import parse_line
from transforms.parsing.listing import Listed, ReadRefused, open_listed
from transforms.parsing.source import SourceFile

STREAMED = (".jsonl", ".ndjson")
_CHUNK = 1 << 20
_HEAD = 8192


def streamable(path: str) -> bool:
    """Files named as JSON Lines are streamed (content sniffing needs the whole file: not these)."""
    return path.rsplit("/", 1)[-1].lower().endswith(STREAMED)


@dataclass(frozen=True, slots=True)
class Shard:
    """Lines ``[start, end)`` (byte offsets at line starts) of a planned file; no content."""

    listed: Listed
    digest: str  # sha256 of the whole file
    start: int
    end: int
    first_line: int
    sha256: str  # of bytes [start, end), checked when read
    index: int = 0
    count: int = 1


@dataclass(frozen=True, slots=True)
class Plan:
    digest: str
    shards: list[Shard]


def even_shard_bytes(size: int, target: int) -> int:
    """The shard size that cuts ``size`` bytes into ``ceil(size / target)`` about equal ranges (at most
    ``target`` each, before line alignment; a line longer than a range makes the next range shorter, at least
    half of one), instead of full ranges and a short last one: a runner deals
    shards to its workers in turn, and a file's short remainder left one worker with most of a shard's
    work less than the other (2,000-record bench corpus, 2 workers: 1,087 and 913 records)."""
    if size <= target:
        return target
    count = -(-size // target)
    return -(-size // count)


def plan_shards(listed: Listed, cfg: InputConfig, shard_bytes: int) -> Plan | None:
    """Hash the file and cut it into line-aligned shards; ``None``: read it whole (blank or binary).

    ``ReadRefused`` when it may not or cannot be read (nothing was yielded for it yet)."""
    whole, part = hashlib.sha256(), hashlib.sha256()
    head, blank, size, line = b"", True, 0, 1
    cuts: list[tuple[int, int, str]] = []  # (end offset, first line of the next shard, sha256 of the shard)
    start = 0
    with open_listed(listed, cfg.max_file_bytes) as fh:
        while chunk := _read(fh):
            size += len(chunk)
            if size > cfg.max_file_bytes:  # grew since it was listed
                raise ReadRefused(reasons.READ_TOO_LARGE)
            whole.update(chunk)
            if len(head) < _HEAD:
                head += chunk[: _HEAD - len(head)]
            blank = blank and not chunk.strip()
            offset, pos = size - len(chunk), 0
            # cut k ends at the first line end at or after k * shard_bytes (not shard_bytes after the last
            # cut: line alignment would add up), and no range is shorter than half of shard_bytes
            while (find := max(_target(len(cuts) + 1, start, shard_bytes), offset + pos) - offset) < len(chunk):
                cut = chunk.find(b"\n", find)
                if cut < 0:
                    break
                part.update(chunk[pos : cut + 1])
                line += chunk.count(b"\n", pos, cut + 1)
                cuts.append((offset + cut + 1, line, part.hexdigest()))
                part, pos, start = hashlib.sha256(), cut + 1, offset + cut + 1
            part.update(chunk[pos:])
            line += chunk.count(b"\n", pos)
    if blank or looks_binary(head):
        return None
    if start < size:
        cuts.append((size, line, part.hexdigest()))
    digest = whole.hexdigest()
    shards, begin, first = [], 0, 1
    for i, (end, next_line, sha) in enumerate(cuts):
        shards.append(Shard(listed, digest, begin, end, first, sha, i, len(cuts)))
        begin, first = end, next_line
    return Plan(digest, shards)


def _target(k: int, start: int, shard_bytes: int) -> int:
    """Where to look for the end of cut ``k`` (the first newline at or after it) when the last cut ended
    at ``start``."""
    return max(k * shard_bytes, start + shard_bytes // 2) - 1


def _read(fh: BinaryIO) -> bytes:
    try:
        return fh.read(_CHUNK)
    except Exception:  # storage error: no message (it may hold the key)
        raise ReadRefused(reasons.READ_ERROR) from None


def _readline(fh: BinaryIO, limit: int) -> bytes | None:
    """One line of at most ``limit`` bytes; ``None`` on a storage error, whose message is dropped (a
    remote exception can carry the raw ``gs://``/``s3://`` path, identifying under ``uri_policy: hash``)."""
    try:
        return fh.readline(limit)
    except Exception:
        return None


def shard_source(shard: Shard, uri_policy: str) -> SourceFile:
    return SourceFile(uri=shard.listed.path, data=b"", uri_policy=uri_policy, digest=shard.digest)


def read_shard(shard: Shard, cfg: InputConfig, uri_policy: str) -> Iterator[Item]:
    """The items of one shard, as read. ``IntegrityError`` if the file changed since planning (its range
    hashes differently, or it can no longer be opened as the listed file)."""
    src = shard_source(shard, uri_policy)
    changed = IntegrityError(f"input file {shard.digest[:12]} changed while it was read; nothing was published")
    with ExitStack() as stack:
        try:
            fh = stack.enter_context(open_listed(shard.listed, cfg.max_file_bytes))
        except ReadRefused:  # planned moments ago: it vanished, was swapped or grew
            raise changed from None
        try:
            fh.seek(shard.start)
        except Exception:
            raise changed from None
        h, seen, lineno, size = hashlib.sha256(), 0, shard.first_line - 1, shard.end - shard.start
        while seen < size:
            raw = _readline(fh, size - seen)  # never past the planned range
            if raw is None:  # raised outside the handler: no storage exception (it may name a path) chained
                raise changed
            if not raw:
                break
            lineno += 1
            seen += len(raw)
            h.update(raw)
            line = raw[:-1] if raw.endswith(b"\n") else raw
            if not line.strip():
                continue
            position = f"line:{lineno}"
            try:
                item = parse_line(line, src, position, cfg)
            except Exception:  # a parser bug on hostile input: this line only
                item = quarantine(src, reasons.PARSE_ERROR, position, line)
            yield item
    if seen != size or h.hexdigest() != shard.sha256:
        raise changed
