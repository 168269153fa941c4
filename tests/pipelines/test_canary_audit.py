"""Canary audit: unique planted values in every input format and field, then ``run -> gate -> purge ->
reveal`` through the CLI with DEBUG logs; every byte written under the output root, the temp folder
(``TMPDIR``, where Beam and the gate stage their files) and the logs is scanned. Each scanned file is
named; the test fails on the first hit. The values are invented for this test (not from any eval set).

Not scanned: the stdout of ``reveal`` (its purpose is to print the value) and the dev KEK file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli, write_jsonl

pytestmark = pytest.mark.slow

DOMAIN = "auditmail-test.org"


def _v(tag: str) -> str:
    return f"cnry.{tag}.q7x@{DOMAIN}"


PLANTED = {
    tag: _v(tag)
    for tag in (
        "jsonl-id",
        "jsonl-text",
        "jsonl-subject",
        "jsonl-extra-field",
        "chat-id",
        "chat-speaker",
        "chat-content",
        "json-text",
        "txt-text",
        "md-link",
        "html-text",
        "html-attr",
        "eml-from",
        "eml-to",
        "eml-subject",
        "eml-body",
        "vtt-speaker",
        "vtt-text",
        "srt-text",
        "file-name",
    )
}


def _corpus(root: Path) -> None:
    p = PLANTED
    write_jsonl(
        root / "docs.jsonl",
        [
            {"id": p["jsonl-id"], "text": f"Reply to {p['jsonl-text']} today.", "subject_id": p["jsonl-subject"]},
            {"id": "plain-2", "text": "Nothing personal here.", "note": p["jsonl-extra-field"]},
        ],
    )
    write_jsonl(
        root / "chats.jsonl",
        [{"id": p["chat-id"], "messages": [{"role": p["chat-speaker"], "content": f"Write {p['chat-content']}."}]}],
    )
    (root / "one.json").write_text(json.dumps({"id": "j-1", "text": f"Mail {p['json-text']} now."}))
    (root / "note.txt").write_text(f"Contact {p['txt-text']} for access.\n")
    (root / "readme.md").write_text(f"See [the owner](mailto:{p['md-link']}) please.\n")
    (root / "page.html").write_text(
        f'<html><body><p>Ask {p["html-text"]}.</p><a href="mailto:{p["html-attr"]}">link</a></body></html>'
    )
    (root / "mail.eml").write_text(
        f"From: Audit Sender <{p['eml-from']}>\nTo: {p['eml-to']}\nSubject: about {p['eml-subject']}\n"
        f"Date: Mon, 3 Jun 2024 10:00:00 +0000\n\nPlease forward to {p['eml-body']}.\n"
    )
    (root / "call.vtt").write_text(
        f"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v {p['vtt-speaker']}>Mail {p['vtt-text']}.\n"
    )
    (root / "call.srt").write_text(f"1\n00:00:01,000 --> 00:00:03,000\nAGENT: mail {p['srt-text']} please.\n")
    (root / f"{p['file-name']}.txt").write_text("A file whose name is an address.\n")


def _scan(label: str, data: bytes, scanned: list[str]) -> None:
    scanned.append(label)
    for tag, value in PLANTED.items():
        for form in {value, value.lower(), value.upper()}:
            assert form.encode() not in data, f"planted value {tag!r} found in {label}"
        assert value.split("@")[0].encode() not in data, f"local part of {tag!r} found in {label}"


def _scan_tree(root: Path, scanned: list[str], skip: set[Path]) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path not in skip:
            _scan(str(path.relative_to(root.parent)), path.read_bytes(), scanned)


def test_no_planted_value_anywhere_after_run_gate_purge_reveal(tmp_path):
    root, out, tmp = tmp_path / "in", tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    _corpus(root)
    kek = tmp_path / "kek" / "dev-kek.json"
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(
        "max_quarantine_fraction: 0.5\ngates:\n  max_ner_char_fraction: 1.0\n  max_ner_record_fraction: 1.0\n"
    )
    env = {"TMPDIR": str(tmp)}
    common = ["--config", str(cfg), "--kek-uri", f"local://{kek}"]
    logs: dict[str, str] = {}

    def cli(name: str, *args: str) -> None:
        proc = run_cli("--debug", *args, env=env)
        assert proc.returncode == 0, f"{name}: {proc.stderr[-2000:]}"
        logs[f"{name}.stdout"], logs[f"{name}.stderr"] = proc.stdout, proc.stderr

    cli("run", "run", "--input", str(root), "--output", str(out), *common)
    cli("gate", "gate", "--dataset", str(out), "--config", str(cfg))
    scanned: list[str] = []
    _scan_tree(out, scanned, skip=set())  # before purge replaces the version (and its _gate report)
    subjects = tmp_path / "subjects.txt"
    subjects.write_text(PLANTED["jsonl-subject"] + "\n")
    cli("purge", "purge", "--dataset", str(out), "--as-of", "2026-01-01", "--subject-file", str(subjects), *common)
    subjects.unlink()  # the erasure request itself holds the raw id: it lives outside every scanned root
    token = next(
        t
        for f in sorted((out / "vault").rglob("*.parquet"))
        for t in __import__("pyarrow.parquet", fromlist=["x"]).read_table(f).column("token").to_pylist()
    )
    cli("reveal", "reveal", token, "--output", str(out), "--reason", "canary audit", *common)
    logs.pop("reveal.stdout")  # reveal prints values by design

    for name, text in sorted(logs.items()):
        _scan(f"log:{name}", text.encode(), scanned)
    _scan_tree(out, scanned, skip=set())
    _scan_tree(tmp, scanned, skip=set())
    for part in ("training", "vault", "quarantine", "audit", "_gate"):
        assert any(part in s for s in scanned), f"nothing scanned under {part}"
    print(f"canary audit: {len(PLANTED)} values planted, {len(scanned)} files/logs scanned, 0 hits")
    for s in scanned:
        print("scanned", s)
    # Beam's own scratch folders in TMPDIR (tempfile.mkdtemp "beam-temp*") are scanned above but not yet
    # removed by the runner; the output root must hold no sink temp folder.
    leftovers = [p for p in out.rglob("*") if p.name.startswith("beam-temp")]
    assert not leftovers, leftovers
