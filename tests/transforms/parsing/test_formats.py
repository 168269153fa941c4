"""Each parser extracts every text-bearing part of its format and applies the metadata allow-list."""

from __future__ import annotations

import json

import pytest

from tests.builders import docx_bytes, eml_bytes, pdf_bytes, srt_bytes, transcribe_json
from transforms.config import InputConfig
from transforms.parsing.registry import parse_source, sniff
from transforms.parsing.source import SourceFile
from transforms.record import Drop, QuarantineItem, Record

CFG = InputConfig(metadata_allowlist=["source_format", "title", "date", "pages", "source"])


def one(name: str, data: bytes, cfg: InputConfig = CFG) -> Record:
    items = list(parse_source(SourceFile(f"/corpus/{name}", data), cfg))
    assert len(items) == 1 and isinstance(items[0], Record), items
    return items[0]


def test_txt_and_markdown():
    r = one("a.txt", b"Hello Maria Garcia\n")
    assert r.text == "Hello Maria Garcia\n" and r.content_type == "document"
    md = one("b.md", b"# T\n\nPing **Jonas Weber** via [mail](mailto:j@example.com); snake_case stays.")
    assert "Ping Jonas Weber via mail (mailto:j@example.com); snake_case stays." in md.text


def test_utf16_with_bom_and_utf8_bom():
    assert one("a.txt", "Maria".encode("utf-16")).text == "Maria"
    assert one("a.txt", "\ufeffMaria".encode("utf-8")).text == "Maria"


def test_html_visible_text_only():
    html = (
        b"<!doctype html><html><head><title>Profile</title><style>.x{}</style>"
        b"<script>var n='Hidden Person';</script></head><body><h1>Maria Garcia</h1>"
        b"<p>Mail <a href='mailto:m@example.org'>m@example.org</a></p><!-- Comment Person -->"
        b"<noscript>NoScript Person</noscript><table><tr><td>Jonas</td><td>Weber</td></tr></table></body></html>"
    )
    r = one("p.html", html)
    assert r.text.splitlines() == ["Profile", "Maria Garcia", "Mail m@example.org", "Jonas | Weber"]


def test_pdf_pages_and_metadata_allow_list():
    r = one("r.pdf", pdf_bytes([["Page one Maria"], ["Page two Jonas"]], title="Quarterly", author="Maria Garcia"))
    assert r.text == "Page one Maria\n\nPage two Jonas"
    assert r.metadata == {"source_format": "pdf", "title": "Quarterly", "pages": "2"}
    assert "Maria Garcia" not in json.dumps(r.metadata)


def test_docx_paragraphs_tables_headers_footers():
    data = docx_bytes(
        paragraphs=["Body Maria Garcia"],
        table=[["Name", "Email"], ["Jonas Weber", "jonas@example.com"]],
        header="Header Rahul Mehta",
        footer="Footer emily@example.org",
        author="Author Person",
        title="Minutes",
    )
    r = one("m.docx", data)
    assert r.text.splitlines() == [
        "Body Maria Garcia",
        "Name | Email",
        "Jonas Weber | jonas@example.com",
        "Header Rahul Mehta",
        "Footer emily@example.org",
    ]
    assert r.metadata == {"source_format": "docx", "title": "Minutes"}


def test_eml_headers_body_attachments_and_known_pii():
    data = eml_bytes(
        sender="Maria Garcia <maria@example.org>",
        to="Jonas Weber <jonas@example.com>, rahul@example.net",
        cc="Emily Carter <emily@example.org>",
        subject="Offer for Maria",
        body="Hi Jonas,\nsee attached.\n",
        html="<p>Hi <b>Jonas</b> (html version)</p>",
        attachments=[("a.txt", "text/plain", b"Attachment: Rahul Mehta"), ("x.png", "image/png", b"\x89PNG")],
    )
    r = one("m.eml", data)
    assert r.content_type == "email"
    lines = r.text.splitlines()
    assert lines[:4] == [
        "From: Maria Garcia <maria@example.org>",
        "To: Jonas Weber <jonas@example.com>, rahul@example.net",
        "Cc: Emily Carter <emily@example.org>",
        "Subject: Offer for Maria",
    ]
    assert "Hi Jonas," in r.text and "(html version)" not in r.text  # plain preferred over html
    assert "Attachment: Rahul Mehta" in r.text
    assert set(r.known_pii) == {
        ("EMAIL_ADDRESS", "maria@example.org"),
        ("PERSON", "Maria Garcia"),
        ("EMAIL_ADDRESS", "jonas@example.com"),
        ("PERSON", "Jonas Weber"),
        ("EMAIL_ADDRESS", "rahul@example.net"),
        ("EMAIL_ADDRESS", "emily@example.org"),
        ("PERSON", "Emily Carter"),
    }
    assert r.metadata == {"source_format": "eml", "date": "Tue, 05 Mar 2024 10:00:00 +0000"}


def test_eml_html_only_body_is_visible_text():
    msg = (
        b"From: a@example.org\nTo: b@example.org\nSubject: s\nContent-Type: text/html; charset=utf-8\n\n"
        b"<p>Dear Maria</p><script>x='Hidden'</script>"
    )
    r = one("h.eml", msg)
    assert "Dear Maria" in r.text and "Hidden" not in r.text


@pytest.mark.parametrize("style", ["items", "segments"])
def test_transcribe_turns_with_speakers_and_times(style):
    data = transcribe_json(
        [("spk_0", "Hello, this is Maria Garcia.", 0.0, 2.5), ("spk_1", "Hi Maria, how can I help?", 2.5, 5.0)],
        style=style,
    )
    r = one("call.json", data, InputConfig(metadata_allowlist=["source_format", "jobName"]))
    assert r.content_type == "transcript"
    assert [(t.speaker, t.text, t.start_ms, t.end_ms) for t in r.turns] == [
        ("spk_0", "Hello, this is Maria Garcia.", 0, 2500),
        ("spk_1", "Hi Maria, how can I help?", 2500, 5000),
    ]
    assert r.metadata == {"source_format": "aws_transcribe", "jobName": "call-0001"}


def test_transcribe_call_analytics_and_transcript_only():
    doc = {
        "Participants": [],
        "Transcript": [{"ParticipantRole": "AGENT", "Content": "Hi", "BeginOffsetMillis": 10, "EndOffsetMillis": 90}],
    }
    r = one("ca.json", json.dumps(doc).encode())
    assert [(t.speaker, t.text, t.start_ms, t.end_ms) for t in r.turns] == [("AGENT", "Hi", 10, 90)]
    only = {"results": {"transcripts": [{"transcript": "just text"}]}}
    assert [(t.speaker, t.text) for t in one("t.json", json.dumps(only).encode()).turns] == [("", "just text")]


def test_vtt_voice_tags_markup_and_notes():
    data = (
        b"WEBVTT\n\nNOTE Secret Person wrote this\n\n1\n00:00:01.000 --> 00:00:02.500 align:start\n"
        b"<v.loud Maria Garcia>Hi <i>there</i> &amp; welcome</v>\n\n"
        b"00:01.000 --> 00:02.000\n<v Jonas>Yes</v><v Maria Garcia>No\n\n"
        b"00:00:03.000 --> 00:00:04.000\nplain caption\n"
    )
    r = one("i.vtt", data)
    assert [(t.speaker, t.text, t.start_ms, t.end_ms) for t in r.turns] == [
        ("Maria Garcia", "Hi there & welcome", 1000, 2500),
        ("Jonas", "Yes", 1000, 2000),
        ("Maria Garcia", "No", 1000, 2000),
        ("", "plain caption", 3000, 4000),
    ]
    assert "Secret" not in json.dumps([t.text for t in r.turns])


def test_srt_name_prefixes():
    r = one(
        "s.srt",
        srt_bytes(
            [
                ("00:00:01,000", "00:00:02,000", "MARIA GARCIA", "Hello"),
                ("00:00:03,000", "00:00:04,000", "", ">> Jonas Weber: Hi"),
            ]
        ),
    )
    assert [(t.speaker, t.text, t.start_ms) for t in r.turns] == [
        ("MARIA GARCIA", "Hello", 1000),
        ("Jonas Weber", "Hi", 3000),
    ]


def test_json_documents_list_and_custom_text_field():
    data = json.dumps([{"id": "a", "body": "Maria", "source": "x", "secret": "y"}, {"id": "b", "body": "Jonas"}])
    cfg = InputConfig(text_field="body", metadata_allowlist=["source"])
    items = list(parse_source(SourceFile("/c/docs.json", data.encode()), cfg))
    assert [(i.id_raw, i.text, i.metadata, i.lineage.source_record) for i in items] == [
        ("a", "Maria", {"source": "x"}, "item:1"),
        ("b", "Jonas", {}, "item:2"),
    ]


@pytest.mark.parametrize(
    ("data", "ext"),
    [
        (pdf_bytes([["x"]]), ".pdf"),
        (docx_bytes(paragraphs=["x"]), ".docx"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nx", ".vtt"),
        (b"1\n00:00:01,000 --> 00:00:02,000\nx\n", ".srt"),
        (b'{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n', ".jsonl"),
        (b'{"id": 1,\n "text": "a"}', ".json"),
        (b"[1, 2]", ".json"),
        (b"<!DOCTYPE html><html><body>x</body></html>", ".html"),
        (b"From: a@example.org\nTo: b@example.org\nSubject: hi\n\nbody", ".eml"),
        (b"just some words", ".txt"),
        (b"\x00\x01\x02\x03", None),
    ],
)
def test_sniff_fallback(data, ext):
    assert sniff(data) == ext


def test_unknown_extension_uses_sniffing():
    r = one("export.dat", b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v Maria Garcia>hi")
    assert r.turns[0].speaker == "Maria Garcia"


def test_consent_and_subject_from_candidates():
    data = eml_bytes(
        sender="a@example.org",
        to="b@example.org",
        subject="s",
        body="x",
        extra_headers={"X-Training-Consent": "no", "X-Subject-Id": "cust-9"},
    )
    r = one("c.eml", data)
    assert r.retention.consent is False and r.subject_raw == "cust-9"


def test_every_parser_output_is_a_known_item_type():
    for name, data in [("a.txt", b"x"), ("a.json", b"{}"), ("a.srt", b"junk")]:
        for item in parse_source(SourceFile(f"/c/{name}", data), CFG):
            assert isinstance(item, Record | QuarantineItem | Drop)
