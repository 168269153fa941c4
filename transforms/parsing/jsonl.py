"""JSON Lines: one document (``{"id", "text", ...}``), chat (``{"messages": [...]}``) or Transcribe
call transcript per line. Also the object rules shared with ``.json`` files.

A bad line is quarantined with its position (``line:N``); the other lines are unaffected. Guards run
before ``json.loads``: a line longer than ``max_record_chars`` bytes (``parse.too_large``) and bracket
nesting deeper than ``max_json_depth`` (``parse.too_deep``, counted without building the object).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import numpy as np

from transforms import reasons
from transforms.config import InputConfig
from transforms.errors import RecordError
from transforms.parsing.common import Item, build_record, quarantine
from transforms.parsing.plausible import implausible
from transforms.parsing.source import SourceFile
from transforms.parsing.transcribe import is_transcribe, transcribe_turns
from transforms.record import Turn

_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_KEEP = b"[]{}"
_DELETE = bytes(b for b in range(256) if b not in _KEEP)
_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_CHUNK = 1 << 16


def parse_jsonl(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    for lineno, raw in enumerate(src.data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        yield parse_line(raw, src, f"line:{lineno}", cfg)


def parse_line(raw: bytes, src: SourceFile, position: str, cfg: InputConfig) -> Item:
    if len(raw) > cfg.max_record_chars:
        return quarantine(src, reasons.PARSE_TOO_LARGE, position, raw)
    try:
        text = raw.decode("utf-8-sig" if position == "line:1" else "utf-8")
    except UnicodeDecodeError:
        return quarantine(src, reasons.PARSE_INVALID_UTF8, position, raw)
    if implausible(text):
        return quarantine(src, reasons.PARSE_IMPLAUSIBLE_TEXT, position, raw)
    if nesting_depth(text) > cfg.max_json_depth:
        return quarantine(src, reasons.PARSE_TOO_DEEP, position, raw)
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return quarantine(src, reasons.PARSE_INVALID_JSON, position, raw)
    return item_from_object(obj, src, position, cfg, raw)


def item_from_object(obj: object, src: SourceFile, position: str, cfg: InputConfig, raw: bytes) -> Item:
    """A record (or drop) from one parsed JSON value; a quarantine item with a reason code otherwise."""
    if not isinstance(obj, dict):
        return quarantine(src, reasons.PARSE_NOT_OBJECT, position, raw)
    try:
        return record_from_object(obj, src, position, cfg)
    except RecordError as exc:
        return quarantine(src, exc.reason, position, raw)


def record_from_object(obj: dict, src: SourceFile, position: str, cfg: InputConfig):
    """A document, chat or call transcript from one JSON object; ``RecordError`` with a reason otherwise.

    Top-level scalar fields are the metadata candidates (only allow-listed ones survive).
    """
    raw_id = obj.get(cfg.id_field)
    doc_id = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and str(raw_id) else None
    candidates = {k: v for k, v in obj.items() if isinstance(v, str | int | float | bool)}
    common = {"position": position, "candidates": candidates, "doc_id": doc_id}
    if is_transcribe(obj):
        candidates.setdefault("source_format", "aws_transcribe")
        return build_record(src, cfg, content_type="transcript", turns=transcribe_turns(obj), **common)
    messages = obj.get(cfg.messages_field)
    if messages is not None:
        turns = _turns(messages)
        if turns is None:
            raise RecordError(reasons.PARSE_BAD_MESSAGES)
        return build_record(src, cfg, content_type="chat", turns=turns, **common)
    text = obj.get(cfg.text_field)
    if not isinstance(text, str):
        raise RecordError(reasons.PARSE_MISSING_TEXT)
    return build_record(src, cfg, content_type="document", text=text, **common)


def _turns(messages: object) -> list[Turn] | None:
    if not isinstance(messages, list):
        return None
    turns = []
    for m in messages:
        if not isinstance(m, dict) or not isinstance(m.get("content"), str):
            return None
        role = m.get("role", m.get("speaker", ""))
        turns.append(Turn(speaker=str(role) if role is not None else "", text=m["content"]))
    return turns


def nesting_depth(text: str) -> int:
    """Maximum bracket depth outside JSON strings, without building the object.

    Linear and vectorized (regex + numpy), so a 50 MB line costs well under a second. An unterminated
    string leaves its brackets counted: that can only over-estimate (the line is invalid JSON anyway).
    """
    if "[" not in text and "{" not in text:
        return 0
    steps = _STRING_RE.sub("", text).encode("ascii", "ignore").translate(_STEP, _DELETE)
    best = base = 0
    for i in range(0, len(steps), _CHUNK):  # cache-sized chunks: several times faster than one cumsum
        run = np.cumsum(
            np.frombuffer(steps, dtype=np.int8, count=min(_CHUNK, len(steps) - i), offset=i), dtype=np.int64
        )
        best = max(best, base + int(run.max()))
        base += int(run[-1])
    return best
