"""Pick a parser by extension (content sniffing as fallback) and make every failure a quarantine item."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from transforms import reasons
from transforms.config import InputConfig
from transforms.parsing.jsonl import Item, parse_jsonl
from transforms.parsing.source import SourceFile
from transforms.record import Drop, QuarantineItem

Parser = Callable[[SourceFile, InputConfig], Iterator[Item]]

PARSERS: dict[str, Parser] = {
    ".jsonl": parse_jsonl,
    ".ndjson": parse_jsonl,
}


def sniff(data: bytes) -> str | None:
    """Guess an extension from content when the name does not tell."""
    head = data[:2048].lstrip()
    if head.startswith(b"{") and b"\n{" in data[:65536]:
        return ".jsonl"
    if head.startswith(b"{"):
        return ".jsonl"
    return None


def parse_source(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    """All items of one file. Never raises: a parser crash quarantines the whole file."""
    if not src.data.strip():
        yield Drop(reasons.DROP_EMPTY, src.lineage("file").source_uri, "file")
        return
    parser = PARSERS.get(src.extension) or PARSERS.get(sniff(src.data) or "")
    if parser is None:
        yield _whole_file(src, reasons.PARSE_UNSUPPORTED)
        return
    try:
        yield from parser(src, cfg)
    except Exception:  # a parser bug or a library choking on hostile input: the file is quarantined
        yield _whole_file(src, reasons.PARSE_ERROR)


def _whole_file(src: SourceFile, reason: str) -> QuarantineItem:
    return QuarantineItem(reason, "parse", src.lineage("file").source_uri, "file", src.data)
