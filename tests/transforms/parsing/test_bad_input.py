"""Bad input never raises: each bad file/record becomes a quarantine item (or a counted drop when
empty) with its file and position, and every file accounts for at least one item."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.builders import docx_bytes, encrypted_pdf_bytes, pdf_bytes
from transforms import reasons
from transforms.config import InputConfig
from transforms.parsing.jsonl import nesting_depth
from transforms.parsing.registry import parse_source
from transforms.parsing.source import SourceFile
from transforms.record import Drop, QuarantineItem, Record

CFG = InputConfig()


def items(name: str, data: bytes, cfg: InputConfig = CFG) -> list:
    return list(parse_source(SourceFile(f"/corpus/{name}", data), cfg))


def only_quarantine(name: str, data: bytes, cfg: InputConfig = CFG) -> QuarantineItem:
    out = items(name, data, cfg)
    assert len(out) == 1 and isinstance(out[0], QuarantineItem), out
    return out[0]


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k, v in entries.items():
            z.writestr(k, v)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("latin1.txt", "Jos\xe9".encode("latin-1"), reasons.PARSE_INVALID_UTF8),
        ("latin1.html", "<p>Jos\xe9</p>".encode("latin-1"), reasons.PARSE_INVALID_UTF8),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", reasons.PARSE_BINARY),
        ("blob.jsonl", bytes(range(256)) * 4, reasons.PARSE_BINARY),
        ("blob.vtt", b"WEBVTT\x00\x00\x00", reasons.PARSE_BINARY),
        ("cut.pdf", pdf_bytes([["Maria Garcia"]])[:150], reasons.PARSE_TRUNCATED),
        ("locked.pdf", encrypted_pdf_bytes([["Maria Garcia"]]), reasons.PARSE_ENCRYPTED),
        ("fake.pdf", b"this is not a pdf at all %%EOF", reasons.PARSE_CORRUPT),
        ("garbage.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n", reasons.PARSE_CORRUPT),
        ("corrupt.docx", b"PK\x03\x04" + b"\x00" * 64, reasons.PARSE_CORRUPT),
        ("notzip.docx", b"hello", reasons.PARSE_CORRUPT),
        ("nodoc.docx", _zip({"hello.txt": b"x"}), reasons.PARSE_CORRUPT),
        ("bad.json", b'{"text": "unterminated', reasons.PARSE_INVALID_JSON),
        ("deep.json", b"[" * 5000 + b"]" * 5000, reasons.PARSE_TOO_DEEP),
        ("subs.srt", b"no cues in here at all", reasons.PARSE_BAD_TRANSCRIPT),
        (
            "call.json",
            json.dumps({"results": {"items": [{"type": "pronunciation"}]}}).encode(),
            reasons.PARSE_BAD_TRANSCRIPT,
        ),
    ],
)
def test_bad_file_is_quarantined_whole(name, data, reason):
    q = only_quarantine(name, data)
    assert (q.reason, q.source_record, q.stage) == (reason, "file", "parse")
    assert q.payload == data
    assert q.source_uri.startswith("file://sha256-") and "corpus" not in q.source_uri


def test_unreadable_pdf_with_empty_user_password_is_read():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes([["Visible text"]]))))
    writer.encrypt(user_password="", owner_password="owner-only", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    (r,) = items("perm.pdf", buf.getvalue())
    assert isinstance(r, Record) and r.text == "Visible text"


def test_docx_zip_bomb_guard():
    data = docx_bytes(paragraphs=["x" * 200_000])
    cfg = InputConfig(max_unpacked_bytes=2**20)
    assert only_quarantine("big.docx", docx_bytes(paragraphs=["x" * 2_000_000]), cfg).reason == reasons.PARSE_TOO_LARGE
    assert isinstance(items("ok.docx", data, cfg)[0], Record)


def test_jsonl_bad_lines_are_quarantined_with_line_numbers_others_survive():
    lines = [
        json.dumps({"id": "ok-1", "text": "fine"}),
        "{not json",
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "m", "messages": "nope"}),
        json.dumps({"id": "t", "no_text": 1}),
        "[" * 100 + "]" * 100,
        json.dumps({"id": "ok-2", "text": "also fine"}),
        json.dumps({"id": "e", "text": "   "}),
    ]
    data = "\n".join(lines).encode() + b"\n\xff\xfe bad utf8\n"
    out = items("mixed.jsonl", data)
    got = [
        (
            type(i).__name__,
            getattr(i, "reason", None),
            i.lineage.source_record if isinstance(i, Record) else i.source_record,
        )
        for i in out
    ]
    assert got == [
        ("Record", None, "line:1"),
        ("QuarantineItem", reasons.PARSE_INVALID_JSON, "line:2"),
        ("QuarantineItem", reasons.PARSE_NOT_OBJECT, "line:4"),
        ("QuarantineItem", reasons.PARSE_BAD_MESSAGES, "line:5"),
        ("QuarantineItem", reasons.PARSE_MISSING_TEXT, "line:6"),
        ("QuarantineItem", reasons.PARSE_TOO_DEEP, "line:7"),
        ("Record", None, "line:8"),
        ("Drop", reasons.DROP_EMPTY, "line:9"),
        ("QuarantineItem", reasons.PARSE_INVALID_UTF8, "line:10"),
    ]
    assert out[1].payload == b"{not json"


@pytest.mark.parametrize("name", ["empty.txt", "empty.pdf", "empty.jsonl", "blank.md", "empty.json"])
def test_empty_files_are_dropped_with_reason(name):
    data = b"" if name != "blank.md" else b"  \n\t\n"
    (d,) = items(name, data)
    assert isinstance(d, Drop) and d.reason == reasons.DROP_EMPTY and d.source_record == "file"


@pytest.mark.parametrize(
    ("name", "data"), [("s.html", b"<script>only()</script>"), ("l.json", b"[]"), ("p.pdf", pdf_bytes([[]]))]
)
def test_files_without_text_are_dropped_as_empty(name, data):
    (d,) = items(name, data)
    assert isinstance(d, Drop) and d.reason == reasons.DROP_EMPTY


def test_fifty_megabyte_single_line_is_quarantined():
    line = b'{"id": "huge", "text": "' + b"a" * (50 * 2**20) + b'"}'
    (q,) = items("huge.jsonl", line + b"\n")
    assert isinstance(q, QuarantineItem) and q.reason == reasons.PARSE_TOO_LARGE and q.source_record == "line:1"
    (q,) = items("huge.txt", b"word " * (10 * 2**20 // 5) + b"\n", InputConfig(max_record_chars=2**20))
    assert q.reason == reasons.PARSE_TOO_LARGE


def test_depth_guard_on_fifty_megabytes():
    # cheap on a single huge line (vectorized); strings are skipped, brackets inside them do not count
    assert nesting_depth('{"text": "' + "[" * (50 * 2**20) + '"}') == 1
    assert nesting_depth("[" * 100 + "]" * 100 + "[]" * (25 * 2**20)) == 100
    assert nesting_depth('{"a": "x\\"[[[", "b": [[1]]}') == 3
    assert nesting_depth("plain text") == 0


def test_deep_but_allowed_json_parses():
    cfg = InputConfig(max_json_depth=10)
    obj = {"id": "d", "text": "t", "meta": {"a": {"b": {"c": [1]}}}}
    assert isinstance(items("d.jsonl", json.dumps(obj).encode(), cfg)[0], Record)
    deeper = {"id": "d", "text": "t", "m": json.loads("[" * 20 + "]" * 20)}
    assert items("d.jsonl", json.dumps(deeper).encode(), cfg)[0].reason == reasons.PARSE_TOO_DEEP


def test_parser_crash_quarantines_the_file(monkeypatch):
    from transforms.parsing import registry

    def boom(src, cfg):
        yield Record(doc_id="partial", content_type="document", text="x")
        raise RuntimeError("library bug")

    monkeypatch.setitem(registry.PARSERS, ".txt", boom)
    (q,) = items("a.txt", b"hello")
    assert isinstance(q, QuarantineItem) and q.reason == reasons.PARSE_ERROR  # no partial output survives


def test_lone_surrogates_in_json_do_not_crash():
    (r,) = items("s.jsonl", b'{"id": "s", "text": "a\\ud800b"}\n')
    assert isinstance(r, Record)
