"""The README's main command on ``examples/corpus`` (every format plus a few bad files), via the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli

pytestmark = pytest.mark.slow

# Distinctive planted values of the example corpus that must never reach the training output.
# Known detection miss (issue 5, not a reader problem): with en_core_web_sm the second mention of
# "Sofia Lindqvist" in team-page.md ("Ping Sofia Lindqvist for access requests.") is not tagged.
PLANTED = [
    "Priya Raman", "priya.raman@example.net", "Lucia Fernandez", "lucia.fernandez@example.com", "Daniel Okafor",
    "daniel.okafor@example.org", "Mei Tanaka", "Nadia Petrova", "Samuel Reyes", "sam.reyes@example.org",
    "Hannah Schmidt", "Kofi Mensah", "Elena Rossi", "ELENA ROSSI", "Marco Bianchi", "marco.bianchi@example.com",
    "Grace Whitfield", "sofia.lindqvist@example.com", "Isabella Moreau", "Wei Chen", "Emily Carter", "078-05-1120",
]  # fmt: skip


def test_demo_command_on_example_corpus(tmp_path, kek_uri):
    corpus = REPO / "examples" / "corpus"
    exts = {p.suffix for p in corpus.iterdir()}
    assert {".txt", ".md", ".html", ".pdf", ".docx", ".eml", ".json", ".jsonl", ".vtt", ".srt"} <= exts
    out, summary_path = tmp_path / "demo", tmp_path / "summary.json"
    proc = run_cli(
        "run", "--input", str(corpus), "--output", str(out), "--kek-uri", kek_uri, "--summary-json", str(summary_path)
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    s = json.loads(summary_path.read_text())
    c = s["counts"]
    assert s["status"] == "complete" and s["published"] and s["reconciliation"]["ok"]
    assert c["quarantined"] == {"parse.binary": 1, "parse.truncated": 1}
    assert c["dropped"] == {"policy.empty": 1, "policy.no_consent": 1}
    import pyarrow.parquet as pq

    rows = pq.read_table(Path(s["outputs"]["training"]) / "data").to_pylist()
    dump = json.dumps(rows, default=str)
    leaked = [v for v in PLANTED if v in dump]
    assert not leaked, leaked
    assert {r["content_type"] for r in rows} == {"document", "email", "chat", "transcript"}
    assert Path(s["outputs"]["training"]).is_dir()
