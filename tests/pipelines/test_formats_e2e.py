"""Every input format through one real pipeline run (DirectRunner, real detection, keys, Parquet).

Planted PII sits in every part a format has: e-mail headers and attachments, DOCX tables, headers and
footers, PDF pages, HTML body, transcript speaker labels and turns. None of it may reach the training
output. Bad files in the same run are quarantined or dropped with their reason, and the counts reconcile.
"""

from __future__ import annotations

import glob
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines.dataset import Layout, discover, published_version
from pipelines.run import RunRequest, run
from tests.builders import (
    docx_bytes,
    eml_bytes,
    encrypted_pdf_bytes,
    pdf_bytes,
    srt_bytes,
    transcribe_json,
    vtt_bytes,
)
from transforms.config import load_config
from transforms.keys.tokens import TOKEN_RE
from transforms.schemas import kv_dict

pytestmark = pytest.mark.slow

PII = [
    "Maria Garcia", "maria.garcia@example.org", "Jonas Weber", "jonas.weber@example.com", "Rahul Mehta",
    "rahul.mehta@example.net", "Emily Carter", "Odalys Quenneville", "odalys.q@example.org", "Thaddeus Brightwater",
    "Priyanka Oyelaran", "+1 415-555-0134", "078-05-1120",
]  # fmt: skip
FIRST_NAMES = ["Odalys", "Thaddeus", "Priyanka"]  # only known structurally (headers, speakers): NER-independent


def _corpus(root) -> None:
    root.mkdir()
    (root / "notes.txt").write_text("Ma\u200bria Gar\u200dcia asked about her invoice. Call +1 415-555-0134.\n")
    (root / "page.md").write_text("# Team\n\nPing **Jonas Weber** at jonas.weber@example.com.\n")
    (root / "page.html").write_text(
        "<html><head><title>Team</title><script>var owner='Rahul Mehta';</script></head>"
        "<body><p>Report by Maria Garcia.</p><table><tr><td>Rahul Mehta</td><td>rahul.mehta@example.net</td>"
        "</tr></table></body></html>"
    )
    (root / "report.pdf").write_bytes(
        pdf_bytes([["Report by Maria Garcia."], ["SSN on file: 078-05-1120"]], title="Report", author="Maria Garcia")
    )
    (root / "minutes.docx").write_bytes(
        docx_bytes(
            paragraphs=["Minutes of the meeting."],
            table=[["Owner", "Email"], ["Jonas Weber", "jonas.weber@example.com"]],
            header="Prepared for Rahul Mehta",
            footer="Contact rahul.mehta@example.net",
            author="Jonas Weber",
            title="Minutes",
        )
    )
    (root / "mail.eml").write_bytes(
        eml_bytes(
            sender="Odalys Quenneville <odalys.q@example.org>",
            to="Thaddeus Brightwater <thaddeus@example.com>",
            cc="Priyanka Oyelaran <priyanka@example.net>",
            subject="Contract for Maria Garcia",
            body="Hi Thaddeus,\nplease review.\nOdalys",
            attachments=[("notes.txt", "text/plain", b"Rahul Mehta called from +1 415-555-0134.")],
            extra_headers={"X-Training-Consent": "yes"},
        )
    )
    (root / "docs.json").write_text(
        json.dumps([{"id": "j-1", "text": "Emily Carter joined.", "source": "crm", "email": "x@example.com"}])
    )
    (root / "chats.jsonl").write_text(
        json.dumps({"id": "c-1", "messages": [{"role": "user", "content": "I am Emily Carter."}]})
        + "\n"
        + json.dumps({"id": "c-2", "text": "No consent given by Emily Carter.", "training_consent": False})
        + "\n{not json\n"
        + "[" * 200
        + "]" * 200
        + "\n"
    )
    (root / "call.json").write_bytes(
        transcribe_json(
            [("spk_0", "Hello, this is Maria Garcia.", 0.0, 2.0), ("spk_1", "Hi, Jonas Weber here.", 2.0, 4.0)]
        )
    )
    (root / "interview.vtt").write_bytes(
        vtt_bytes([("00:00:01.000", "00:00:03.000", "Thaddeus Brightwater", "Hi, Thaddeus Brightwater speaking.")])
    )
    (root / "standup.srt").write_bytes(
        srt_bytes([("00:00:01,000", "00:00:02,000", "PRIYANKA OYELARAN", "Priyanka Oyelaran reporting.")])
    )
    # bad files
    (root / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (root / "latin1.txt").write_bytes("Jos\xe9 M\xfcller".encode("latin-1"))
    (root / "empty.md").write_bytes(b"")
    (root / "truncated.pdf").write_bytes(pdf_bytes([["Maria Garcia"]])[:200])
    (root / "locked.pdf").write_bytes(encrypted_pdf_bytes([["Maria Garcia"]]))
    (root / "corrupt.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    base = tmp_path_factory.mktemp("formats")
    _corpus(base / "in")
    kek = f"local://{base / 'kek.json'}"
    cfg = load_config(None, **{"keys.kek_uri": kek, "input.metadata_allowlist": ["source", "source_format", "title"]})
    cfg = cfg.model_copy(update={"max_quarantine_fraction": 1.0})
    summary = run(RunRequest(inputs=[str(base / "in")], output=str(base / "out"), config=cfg))
    rows = pq.read_table(glob.glob(f"{summary['outputs']['training']}/data/*.parquet")).to_pylist()
    return summary, rows


def test_a_run_whose_gate_did_not_run_is_never_published(result):
    summary, _ = result  # run() without a gate (DESIGN.md section 7: only a passed gate publishes)
    layout = Layout.build(str(Path(summary["outputs"]["training"]).parent.parent))
    assert summary["status"] == "complete" and summary["gate"] is None and not summary["published"]
    assert published_version(layout) is None
    assert {i.name: i.status for i in discover(layout)}[summary["version"]] == "complete"


def test_run_completes_and_reconciles_per_reason(result):
    summary, rows = result
    c = summary["counts"]
    assert summary["status"] == "complete"
    assert summary["reconciliation"]["ok"]
    assert c["quarantined"] == {
        "parse.binary": 1,
        "parse.corrupt": 1,
        "parse.encrypted": 1,
        "parse.invalid_json": 1,
        "parse.invalid_utf8": 1,
        "parse.too_deep": 1,
        "parse.truncated": 1,
    }
    assert c["dropped"] == {"policy.empty": 1, "policy.no_consent": 1}
    assert c["written"] == len(rows) == 11
    assert c["read"] == c["written"] + c["quarantined_total"] + c["dropped_total"]


def test_no_planted_pii_in_training_output(result):
    _, rows = result
    dump = json.dumps(rows, default=str)
    for value in PII + FIRST_NAMES:
        assert value not in dump, value
    assert "Quenneville" not in dump and "Brightwater" not in dump


def test_every_format_is_represented(result):
    _, rows = result
    formats = sorted(kv_dict(r["metadata"]).get("source_format", "json") for r in rows)
    assert formats == sorted(
        ["txt", "md", "html", "pdf", "docx", "eml", "json", "json", "aws_transcribe", "vtt", "srt"]
    )
    types = {r["content_type"] for r in rows}
    assert types == {"document", "email", "chat", "transcript"}


def test_metadata_is_allow_listed_only(result):
    _, rows = result
    for r in rows:
        assert set(kv_dict(r["metadata"])) <= {"source", "source_format", "title"}
    pdf = next(r for r in rows if kv_dict(r["metadata"]).get("source_format") == "pdf")
    assert kv_dict(pdf["metadata"])["title"] == "Report"  # author (PII) is never offered as metadata
    doc = next(r for r in rows if r["text"].endswith(" joined."))  # input id j-1
    assert kv_dict(doc["metadata"]) == {"source": "crm"}


def test_speaker_and_text_share_the_person_token(result):
    _, rows = result
    for fmt in ("vtt", "srt"):
        row = next(r for r in rows if kv_dict(r["metadata"]).get("source_format") == fmt)
        turn = row["turns"][0]
        assert TOKEN_RE.fullmatch(turn["speaker"]), turn["speaker"]
        assert turn["speaker"] in turn["text"]
        assert turn["start_ms"] == 1000
    call = next(r for r in rows if kv_dict(r["metadata"]).get("source_format") == "aws_transcribe")
    assert [t["speaker"] for t in call["turns"]] == ["spk_0", "spk_1"]
    assert [(t["start_ms"], t["end_ms"]) for t in call["turns"]] == [(0, 2000), (2000, 4000)]


def test_email_headers_are_tokenized_consistently(result):
    _, rows = result
    mail = next(r for r in rows if r["content_type"] == "email")
    lines = mail["text"].splitlines()
    sender = next(line for line in lines if line.startswith("From: "))
    person = TOKEN_RE.search(sender).group(0)
    assert person.startswith("<PERSON_")
    assert mail["retention"]["consent"] is True  # X-Training-Consent header -> consent field


def test_zero_width_split_name_is_caught_and_counted(result):
    _, rows = result
    txt = next(r for r in rows if kv_dict(r["metadata"]).get("source_format") == "txt")
    assert "<PERSON_" in txt["text"]
    assert kv_dict(txt["lineage"]["canonicalization"])["zero_width_removed"] == 2


def test_quarantine_keeps_file_and_position(result):
    summary, _ = result
    q = pq.read_table(glob.glob(f"{summary['outputs']['quarantine']}/*.parquet")).to_pylist()
    positions = sorted((r["reason"], r["source_record"]) for r in q)
    assert ("parse.invalid_json", "line:3") in positions
    assert ("parse.too_deep", "line:4") in positions
    assert ("parse.truncated", "file") in positions
    assert all(r["source_uri"].startswith("file://sha256-") for r in q)
    assert all(b"Maria" not in r["sealed_payload"] for r in q)  # payloads are sealed
