"""JSON Lines: one document (``{"id", "text", ...}``) or one chat (``{"messages": [...]}``) per line."""

from __future__ import annotations

import json
from collections.abc import Iterator

from transforms import reasons
from transforms.config import InputConfig
from transforms.consent import consent_value
from transforms.errors import RecordError
from transforms.parsing.source import SourceFile, derived_doc_id
from transforms.record import Drop, QuarantineItem, Record, Retention, Turn

Item = Record | QuarantineItem | Drop


def parse_jsonl(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    for lineno, raw in enumerate(src.data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        yield parse_line(raw, src, f"line:{lineno}", cfg)


def parse_line(raw: bytes, src: SourceFile, position: str, cfg: InputConfig) -> Item:
    def quarantine(reason: str) -> QuarantineItem:
        return QuarantineItem(reason, "parse", src.lineage(position).source_uri, position, raw)

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return quarantine(reasons.PARSE_INVALID_UTF8)
    if _nesting_depth(text) > cfg.max_json_depth:
        return quarantine(reasons.PARSE_TOO_DEEP)
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return quarantine(reasons.PARSE_INVALID_JSON)
    if not isinstance(obj, dict):
        return quarantine(reasons.PARSE_NOT_OBJECT)
    try:
        return record_from_object(obj, src, position, cfg)
    except RecordError as exc:
        return quarantine(exc.reason)


def record_from_object(obj: dict, src: SourceFile, position: str, cfg: InputConfig) -> Record:
    """A document or a chat from one JSON object; ``RecordError`` with a reason code otherwise."""
    raw_id = obj.get(cfg.id_field)
    doc_id = str(raw_id) if isinstance(raw_id, str | int) and str(raw_id) else derived_doc_id(src, position)
    meta = {k: str(obj[k]) for k in cfg.metadata_allowlist if k in obj and obj[k] is not None}
    lineage = src.lineage(position)
    subject = obj.get(cfg.subject_field)
    subject_raw = str(subject) if isinstance(subject, str | int) and str(subject) else None
    consent = consent_value(obj.get(cfg.consent_field))
    messages = obj.get(cfg.messages_field)
    if messages is not None:
        turns = _turns(messages)
        if turns is None:
            raise RecordError(reasons.PARSE_BAD_MESSAGES)
        return Record(
            doc_id=doc_id,
            content_type="chat",
            turns=turns,
            metadata=meta,
            subject_raw=subject_raw,
            lineage=lineage,
            retention=Retention(consent=consent),
        )
    text = obj.get(cfg.text_field)
    if not isinstance(text, str):
        raise RecordError(reasons.PARSE_MISSING_TEXT)
    return Record(
        doc_id=doc_id,
        content_type="document",
        text=text,
        metadata=meta,
        subject_raw=subject_raw,
        lineage=lineage,
        retention=Retention(consent=consent),
    )


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


def _nesting_depth(text: str) -> int:
    """Maximum bracket depth outside strings, without building the object (cheap guard before json)."""
    depth = best = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best
