"""``.json`` files: one document/chat/call-transcript object, or a list of them.

Objects follow the same field rules as JSON Lines (``InputConfig.text_field``, ``messages_field``, AWS
Transcribe output). Positions are ``file`` for a single object and ``item:N`` (1-based) for list
elements; a bad element is quarantined on its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from transforms import reasons
from transforms.config import InputConfig
from transforms.errors import RecordError
from transforms.parsing.common import Item, decode_text
from transforms.parsing.jsonl import item_from_object, nesting_depth
from transforms.parsing.source import SourceFile


def parse_json(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    """Whole-file failures raise ``RecordError`` (the registry quarantines the file with that reason)."""
    text = decode_text(src.data)
    if nesting_depth(text) > cfg.max_json_depth:
        raise RecordError(reasons.PARSE_TOO_DEEP)
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        raise RecordError(reasons.PARSE_INVALID_JSON) from None
    if not isinstance(obj, list):
        yield item_from_object(obj, src, "file", cfg, src.data)
        return
    for i, el in enumerate(obj, start=1):
        raw = json.dumps(el, ensure_ascii=False).encode("utf-8", "surrogatepass")
        yield item_from_object(el, src, f"item:{i}", cfg, raw)
