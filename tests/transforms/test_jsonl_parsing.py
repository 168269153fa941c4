"""JSONL parsing: documents, chats, and reason-coded quarantine for every kind of bad line."""

from __future__ import annotations

import pytest

from transforms import reasons
from transforms.config import InputConfig
from transforms.parsing.registry import parse_source
from transforms.parsing.source import SourceFile, public_uri
from transforms.record import Drop, QuarantineItem, Record


def parse(data: bytes, name: str = "/data/jane_doe/in.jsonl", **cfg):
    return list(parse_source(SourceFile(name, data), InputConfig(**cfg)))


def test_documents_and_chats():
    items = parse(
        b'{"id": "a", "text": "hi", "source": "x", "secret": "y"}\n\n'
        b'{"messages": [{"role": "user", "content": "yo"}], "subject_id": 7, "training_consent": "no"}\n',
        metadata_allowlist=["source"],
    )
    doc, chat = items
    assert (
        isinstance(doc, Record)
        and doc.id_raw == "a"
        and len(doc.doc_id) == 16
        and doc.text == "hi"
        and doc.metadata == {"source": "x"}
    )
    assert chat.content_type == "chat" and chat.turns[0].speaker == "user" and chat.subject_raw == "7"
    assert chat.retention.consent is False and len(chat.doc_id) == 16 and chat.id_raw is None
    assert doc.lineage.source_record == "line:1" and chat.lineage.source_record == "line:3"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"\xff\xfe not utf8", reasons.PARSE_INVALID_UTF8),
        (b"{not json", reasons.PARSE_INVALID_JSON),
        (b"[1, 2]", reasons.PARSE_NOT_OBJECT),
        (b'{"id": "x"}', reasons.PARSE_MISSING_TEXT),
        (b'{"messages": [{"role": "user"}]}', reasons.PARSE_BAD_MESSAGES),
        (b'{"a": ' * 100 + b"1" + b"}" * 100, reasons.PARSE_TOO_DEEP),
    ],
)
def test_bad_lines_are_quarantined_with_reason_and_raw_payload(line, reason):
    (item,) = parse(line + b"\n")
    assert isinstance(item, QuarantineItem) and item.reason == reason
    assert item.payload == line and item.source_record == "line:1"


def test_empty_file_is_a_counted_drop():
    (item,) = parse(b"  \n\n")
    assert isinstance(item, Drop) and item.reason == reasons.DROP_EMPTY


def test_unknown_format_quarantines_the_whole_file():
    (item,) = parse(b"\x00\x01binary", name="/x/blob.bin")
    assert isinstance(item, QuarantineItem) and item.reason == reasons.PARSE_UNSUPPORTED


def test_public_uri_hides_identifying_path_parts():
    assert "jane" not in public_uri("/data/jane_doe/in.jsonl")
    assert public_uri("s3://bucket/people/jane/x.jsonl").startswith("s3://bucket/sha256-")
    assert public_uri("/a/b.jsonl") == public_uri("/a/b.jsonl")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (True, True),
        ("yes", True),
        ("granted", True),
        (False, False),
        ("no", False),
        ("declined", False),
        ("off", False),
        ("no consent", False),
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_consent_values_fail_closed(raw, value):
    from transforms.consent import consent_value

    assert consent_value(raw) is value
