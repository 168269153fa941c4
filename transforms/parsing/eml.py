"""E-mail (``.eml``, RFC 5322 via the stdlib): header lines, body text and text attachments.

Privacy contract: From/Sender/Reply-To/To/Cc/Bcc/Subject are PII-bearing. They are put into the record's
text as ``Name: value`` lines so detection sees them, and every address and display name is also passed
as ``known_pii`` so it is tokenized wherever it appears, even where the NER model would miss it. They are
never offered as metadata. Other headers (Received, DKIM...) are dropped (minimization), except a few
harmless ones offered to the allow-list. Non-text attachments are not read (counted in a candidate field).
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage

from transforms import reasons
from transforms.config import InputConfig
from transforms.errors import RecordError
from transforms.parsing.common import Item, build_record, quarantine
from transforms.parsing.html import visible_text
from transforms.parsing.source import SourceFile

ADDRESS_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc")
TEXT_HEADERS = ("Subject",)
_META_KEYS = ("date", "content_language", "mailer")
_MAX_NESTING = 3


def parse_eml(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    msg = email.message_from_bytes(src.data, policy=email.policy.default)
    if not msg.keys() or (msg.defects and not any(msg.get(h) for h in (*ADDRESS_HEADERS, *TEXT_HEADERS))):
        yield quarantine(src, reasons.PARSE_CORRUPT)
        return
    known: list[tuple[str, str]] = []
    skipped = [0]
    text = _message_text(msg, known, skipped, 0)
    candidates: dict[str, object] = {"source_format": "eml", "attachments_skipped": skipped[0]}
    for name in msg:
        key = name.lower().replace("-", "_").removeprefix("x_")  # X-Training-Consent -> training_consent
        if key in _META_KEYS or key in (cfg.consent_field, cfg.subject_field):
            candidates[key] = _header_str(msg, name)
    yield build_record(src, cfg, content_type="email", text=text, candidates=candidates, known_pii=known)


def _message_text(msg: EmailMessage, known: list[tuple[str, str]], skipped: list[int], depth: int) -> str:
    lines = []
    for name in ADDRESS_HEADERS:
        if msg.get(name) is None:
            continue
        lines.append(f"{name}: {_header_str(msg, name)}")
        known.extend(_addresses(msg, name))
    for name in TEXT_HEADERS:
        if msg.get(name) is not None:
            lines.append(f"{name}: {_header_str(msg, name)}")
    parts = ["\n".join(lines)]
    body = msg.get_body(preferencelist=("plain", "html")) if msg.is_multipart() else msg
    if body is not None:
        parts.append(_part_text(body))
    if msg.is_multipart():
        for att in msg.iter_attachments():
            ctype = att.get_content_type()
            if ctype.startswith("text/"):
                parts.append(_part_text(att))
            elif ctype == "message/rfc822" and depth < _MAX_NESTING:
                inner = att.get_content()
                parts.append(_message_text(inner, known, skipped, depth + 1))
            else:
                skipped[0] += 1
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def _part_text(part: EmailMessage) -> str:
    if part.get_content_maintype() != "text":
        return ""
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset)
    except (LookupError, UnicodeDecodeError):  # no guessing: a mangled name could slip past detection
        raise RecordError(reasons.PARSE_INVALID_UTF8) from None
    return visible_text(text) if part.get_content_subtype() == "html" else text


def _header_str(msg: EmailMessage, name: str) -> str:
    try:
        return " ".join(str(msg.get(name, "")).split())
    except Exception:  # a malformed encoded-word: fall back to the raw header value
        return " ".join(str(msg.get_all(name, [""])[0]).split())


def _addresses(msg: EmailMessage, name: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    try:
        addresses = [a for h in msg.get_all(name, []) for a in getattr(h, "addresses", ())]
    except Exception:
        return out
    for a in addresses:
        if a.addr_spec and "@" in a.addr_spec:
            out.append(("EMAIL_ADDRESS", a.addr_spec))
        if a.display_name and "@" not in a.display_name:
            out.append(("PERSON", a.display_name))
    return out
