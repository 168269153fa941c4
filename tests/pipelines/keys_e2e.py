"""Helpers for the end-to-end key tests (AWS via moto, GCP via the loopback gRPC KMS)."""

from __future__ import annotations

import glob
import json
import os
import subprocess
from pathlib import Path

import pyarrow.parquet as pq

from tests.conftest import run_cli, write_jsonl
from transforms.keys.tokens import TOKEN_RE

# Synthetic people and contacts (example.org domains, 555 numbers): nothing real.
DOCS = [
    {"id": "k-001", "text": "Ticket from Emily Carter (emily.carter@example.org): call her on +1 415-555-0134."},
    {"id": "k-002", "text": "Emily Carter and Rahul Mehta met in the Berlin office to review the contract."},
    {"id": "k-003", "text": "Rahul Mehta asked for a refund; his email is rahul.mehta@example.org."},
]
RAW_VALUES = [
    "Emily Carter",
    "emily.carter@example.org",
    "Rahul Mehta",
    "rahul.mehta@example.org",
    "555-0134",
    "4155550134",
]


def corpus(tmp: Path, copies: int = 1) -> Path:
    rows = [{**d, "id": f"{d['id']}-{i}" if i else d["id"]} for i in range(copies) for d in DOCS]
    return write_jsonl(tmp / "in" / "docs.jsonl", rows)


def ok(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``redact`` and require success (show stderr when it fails)."""
    proc = run_cli(*args, env=env)
    assert proc.returncode == 0, f"redact {args[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}"
    return proc


def fails(*args: str, env: dict | None = None, code: int | None = None) -> subprocess.CompletedProcess:
    """Run ``redact`` and require a clean failure: non-zero, one-line reason, no traceback."""
    proc = run_cli(*args, env=env)
    assert proc.returncode != 0, f"redact {args[0]} unexpectedly succeeded"
    if code is not None:
        assert proc.returncode == code, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert "redact: error:" in proc.stderr
    return proc


def current_version(out: Path) -> str:
    return (out / "training" / "CURRENT").read_text().strip()


def training_texts(out: Path, version: str) -> dict[str, str]:
    rows = []
    for path in sorted(glob.glob(str(out / "training" / version / "data" / "*.parquet"))):
        rows.extend(pq.read_table(path, columns=["doc_id", "text"]).to_pylist())
    return {r["doc_id"]: r["text"] for r in rows}


def person_token(texts: dict[str, str]) -> str:
    for doc_id in sorted(texts):
        for m in TOKEN_RE.finditer(texts[doc_id]):
            if m.group(1) == "PERSON":
                return m.group(0)
    raise AssertionError("no PERSON token in the training output")


def all_tokens(texts: dict[str, str]) -> set[str]:
    return {m.group(0) for t in texts.values() for m in TOKEN_RE.finditer(t)}


def assert_no_raw_values(*texts: str) -> None:
    blob = "\n".join(texts)
    for value in RAW_VALUES:
        assert value not in blob and value.lower() not in blob.lower()


def audit_events(out: Path, kind: str) -> list[dict]:
    paths = sorted(glob.glob(str(out / "audit" / kind / "*.json")))
    return [json.loads(Path(p).read_text()) for p in paths]


def reveal_values(stdout: str) -> dict[str, str]:
    pairs = [line.split("\t", 1) for line in stdout.splitlines() if "\t" in line]
    return {k: v for k, v in pairs}


def assert_audit_clean(out: Path) -> None:
    """Audit events carry counts and reasons, never a revealed value or a token."""
    for kind in ("reveal", "keys"):
        for event in audit_events(out, kind):
            blob = json.dumps(event).lower()
            assert_no_raw_values(blob)
            assert not TOKEN_RE.search(json.dumps(event))
            assert event["operator"] and event["at"]


def file_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777
