"""Streaming JSON Lines reader: records as the file is read, memory bounded by one line (Beam-free).

A JSONL file (documents, chats, call transcripts, one per line) is read in two passes over ONE opened
handle (``listing.open_listed``: the same safety rules and size bound as a whole-file read):

1. in 1 MiB chunks: its sha256 (every record's lineage and derived doc id name it, so it must be known
   before the first record), whether it is blank, and its first bytes for the binary check;
2. line by line (``readline``): each line parsed as ``jsonl.parse_line`` does for a whole-file read,
   hashed again; a line that crashes the parser is quarantined on its own (``parse.error``).

Same items, positions (``line:N``), reasons and ids as the whole-file reader. Blank or binary-looking
files are left to the whole-file path (they become one drop/quarantine item of the whole file). If the
second pass hashes differently, the file changed while it was read: ``IntegrityError`` fails the run
(records of it may already be in flight; nothing is published). Peak memory: one line plus a chunk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import ExitStack
from typing import BinaryIO

from transforms import reasons
from transforms.config import InputConfig
from transforms.errors import IntegrityError
from transforms.parsing.common import Item, looks_binary, quarantine
from transforms.parsing.jsonl import parse_line
from transforms.parsing.listing import Listed, ReadRefused, open_listed
from transforms.parsing.source import SourceFile

STREAMED = frozenset({".jsonl", ".ndjson"})
_CHUNK = 1 << 20
_HEAD = 8192


def streamable(path: str) -> bool:
    """Files named as JSON Lines are streamed (content sniffing needs the whole file: not these)."""
    name = path.rsplit("/", 1)[-1].lower()
    return any(name.endswith(ext) for ext in STREAMED)


def open_stream(listed: Listed, cfg: InputConfig, uri_policy: str) -> tuple[SourceFile, Iterator[Item]] | None:
    """``(source, items)`` with the file open and hashed; ``None``: read it whole instead (blank or
    binary-looking). ``ReadRefused`` before any item when it may not or cannot be read."""
    stack = ExitStack()
    try:
        fh = stack.enter_context(open_listed(listed, cfg.max_file_bytes))
        digest, head, blank, size = _first_pass(fh, cfg.max_file_bytes)
        if blank or looks_binary(head):
            stack.close()
            return None
        try:
            fh.seek(0)
        except Exception:
            raise ReadRefused(reasons.READ_ERROR) from None
    except BaseException:
        stack.close()
        raise
    src = SourceFile(uri=listed.path, data=b"", uri_policy=uri_policy, digest=digest)
    return src, _items(stack, fh, src, size, cfg)


def _first_pass(fh: BinaryIO, max_bytes: int) -> tuple[str, bytes, bool, int]:
    h, head, blank, size = hashlib.sha256(), b"", True, 0
    while True:
        try:
            chunk = fh.read(_CHUNK)
        except Exception:
            raise ReadRefused(reasons.READ_ERROR) from None
        if not chunk:
            return h.hexdigest(), head, blank, size
        size += len(chunk)
        if size > max_bytes:  # grew since it was listed
            raise ReadRefused(reasons.READ_TOO_LARGE)
        h.update(chunk)
        if len(head) < _HEAD:
            head += chunk[: _HEAD - len(head)]
        blank = blank and not chunk.strip()


def _items(stack: ExitStack, fh: BinaryIO, src: SourceFile, size: int, cfg: InputConfig) -> Iterator[Item]:
    with stack:
        h, seen, lineno = hashlib.sha256(), 0, 0
        while raw := fh.readline(size - seen + 1):  # never past the size hashed in the first pass (+1: growth)
            lineno += 1
            seen += len(raw)
            if seen > size:
                break
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
        if seen != size or h.hexdigest() != src.sha256:
            raise IntegrityError(f"input file {src.sha256[:12]} changed while it was read; nothing was published")
