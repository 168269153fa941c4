"""Pick a parser by extension (content sniffing as fallback) and make every failure a quarantine item.

``parse_source`` never raises and accounts for every input: each file yields at least one item (record,
quarantine item or drop), so ``read = written + quarantined + dropped`` holds per file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from transforms import reasons
from transforms.config import InputConfig
from transforms.errors import RecordError
from transforms.parsing.common import Item, drop, looks_binary, quarantine
from transforms.parsing.docx import parse_docx
from transforms.parsing.eml import parse_eml
from transforms.parsing.html import parse_html
from transforms.parsing.json_doc import parse_json
from transforms.parsing.jsonl import parse_jsonl
from transforms.parsing.pdf import parse_pdf
from transforms.parsing.source import SourceFile
from transforms.parsing.subtitles import parse_srt, parse_vtt
from transforms.parsing.text import parse_text

Parser = Callable[[SourceFile, InputConfig], Iterator[Item]]

PARSERS: dict[str, Parser] = {
    ".jsonl": parse_jsonl,
    ".ndjson": parse_jsonl,
    ".json": parse_json,
    ".txt": parse_text,
    ".text": parse_text,
    ".md": parse_text,
    ".markdown": parse_text,
    ".html": parse_html,
    ".htm": parse_html,
    ".pdf": parse_pdf,
    ".docx": parse_docx,
    ".eml": parse_eml,
    ".vtt": parse_vtt,
    ".srt": parse_srt,
}
BINARY_FORMATS = {".pdf", ".docx"}

_SRT_HEAD = re.compile(rb"^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2},\d{1,3}\s*-->")
_MAIL_HEAD = re.compile(rb"^(?:[!-9;-~]+:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*){2,}", re.I)
_MAIL_NAMES = re.compile(rb"^(?:from|to|subject|date|message-id|received|return-path):", re.I | re.M)


def sniff(data: bytes) -> str | None:
    """Guess an extension from content when the name does not tell (or names no known format)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        return ".docx" if b"word/" in data[:65536] or b"[Content_Types].xml" in data[:65536] else None
    if looks_binary(data):
        return None
    if head.startswith(b"WEBVTT"):
        return ".vtt"
    if _SRT_HEAD.match(head):
        return ".srt"
    if head[:1] in (b"{", b"["):
        first_line = head.split(b"\n", 1)[0].rstrip()
        multi = head[:1] == b"{" and first_line.endswith(b"}") and b"\n{" in data[:65536]
        return ".jsonl" if multi else ".json"
    if head[:64].lower().startswith((b"<!doctype html", b"<html")) or b"<body" in head[:1024].lower():
        return ".html"
    if _MAIL_HEAD.match(head) and len(_MAIL_NAMES.findall(head[:4096])) >= 2:
        return ".eml"
    return ".txt"


def parser_for(src: SourceFile) -> tuple[str, Parser] | None:
    ext = src.extension if src.extension in PARSERS else sniff(src.data)
    return (ext, PARSERS[ext]) if ext else None


def parse_source(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    """All items of one file. Never raises: a parser crash quarantines the whole file."""
    if not src.data.strip():
        yield drop(src, reasons.DROP_EMPTY)
        return
    chosen = parser_for(src)
    if chosen is None:
        yield quarantine(src, reasons.PARSE_UNSUPPORTED)
        return
    ext, parser = chosen
    if ext not in BINARY_FORMATS and looks_binary(src.data):
        yield quarantine(src, reasons.PARSE_BINARY)
        return
    try:
        items = list(parser(src, cfg))  # all or nothing: a failure midway must not lose the rest
    except RecordError as exc:  # a whole-file failure with a reason code (invalid UTF-8, too deep ...)
        items = [quarantine(src, exc.reason)]
    except Exception:  # a parser bug or a library choking on hostile input: the file is quarantined
        items = [quarantine(src, reasons.PARSE_ERROR)]
    yield from items or [drop(src, reasons.DROP_EMPTY)]
