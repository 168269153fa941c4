"""Helpers shared by the parsers (Beam-free): decoding, quarantine items, and the one record builder.

Privacy contract: ``build_record`` is the only way a parser makes a ``Record``. It applies minimization
at the source: of the metadata a format offers (document properties, e-mail headers, top-level JSON
fields) only the fields on ``InputConfig.metadata_allowlist`` survive. Parsers never offer fields that
always carry personal data (address headers, Subject, document authors) as metadata candidates. Structural PII the parser knows for sure (e-mail addresses and display names from
headers) travels as ``known_pii`` so detection cannot miss it.
"""

from __future__ import annotations

import codecs

from transforms import reasons
from transforms.config import InputConfig
from transforms.consent import consent_value
from transforms.errors import RecordError
from transforms.parsing.plausible import implausible, utf16_mojibake
from transforms.parsing.source import SourceFile, derived_doc_id
from transforms.record import Drop, QuarantineItem, Record, Retention, Turn

Item = Record | QuarantineItem | Drop

_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def quarantine(src: SourceFile, reason: str, position: str = "file", payload: bytes | None = None) -> QuarantineItem:
    """A quarantine item for ``src`` (the whole file unless ``payload`` narrows it to one record)."""
    return QuarantineItem(
        reason, "parse", src.lineage(position).source_uri, position, src.data if payload is None else payload
    )


def drop(src: SourceFile, reason: str, position: str = "file") -> Drop:
    return Drop(reason, src.lineage(position).source_uri, position)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes near the start: not a text file, whatever its extension says."""
    head = data[:8192]
    if not head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    return controls > len(head) // 20


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM optional) or BOM-marked UTF-16; anything else is ``RecordError(invalid_utf8)``.

    No encoding guessing: a mis-decoded name would slip past detection as mojibake, so we fail closed.
    Decoded text must also be plausible (``transforms.parsing.plausible``), else ``parse.implausible_text``.
    """
    try:
        utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        text = data.decode("utf-16") if utf16 else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecordError(reasons.PARSE_INVALID_UTF8) from None
    if implausible(text) or (utf16 and utf16_mojibake(text)):
        raise RecordError(reasons.PARSE_IMPLAUSIBLE_TEXT)
    return text


def check_size(text: str, cfg: InputConfig) -> None:
    if len(text) > cfg.max_record_chars:
        raise RecordError(reasons.PARSE_TOO_LARGE)


def build_record(
    src: SourceFile,
    cfg: InputConfig,
    *,
    content_type: str,
    position: str = "file",
    text: str = "",
    turns: list[Turn] | None = None,
    candidates: dict[str, object] | None = None,
    known_pii: list[tuple[str, str]] | None = None,
    doc_id: str | None = None,
) -> Record | Drop:
    """A minimized record, or a ``Drop(policy.empty)`` when there is no text at all."""
    body = text if turns is None else "".join(t.text + t.speaker for t in turns)
    if not body.strip():
        return drop(src, reasons.DROP_EMPTY, position)
    check_size(body, cfg)
    cand = {k: v for k, v in (candidates or {}).items() if v is not None}
    subject = cand.get(cfg.subject_field)
    subject = _encodable(str(subject)) if isinstance(subject, str | int) and not isinstance(subject, bool) else None
    return Record(
        doc_id=derived_doc_id(src, position),  # the input id is tokenized later (transforms.doc_ids)
        id_raw=_encodable(doc_id) if doc_id else None,
        content_type=content_type,
        text=text if turns is None else "",
        turns=turns,
        metadata=allowed_metadata(cand, cfg),
        subject_raw=subject or None,
        lineage=src.lineage(position),
        retention=Retention(consent=consent_value(cand.get(cfg.consent_field))),
        known_pii=[(label, value) for label, value in (known_pii or []) if value.strip()],
    )


def allowed_metadata(candidates: dict[str, object], cfg: InputConfig) -> dict[str, str]:
    return {k: _encodable(str(candidates[k])) for k in cfg.metadata_allowlist if candidates.get(k) is not None}


def _encodable(s: str) -> str:
    """Lone surrogates (legal in JSON escapes, illegal in UTF-8/Parquet) become '?'."""
    return s.encode("utf-8", "replace").decode("utf-8") if not s.isascii() else s
