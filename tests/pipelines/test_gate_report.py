"""The gate report: Data Docs render, the summary is complete, and no raw value ever lands in either."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from pipelines.gate import gate_version
from tests.pipelines import gate_data as D
from transforms.config import load_config

# Synthetic PII planted where it makes checks fail: in text (residual scan), in a metadata value,
# in the doc_id, in a lineage string column GE does see (source_uri regex), in a subject_ref, and
# left unredacted in a canary.
PLANTED = {
    "email": "planted.person@example.org",
    "card": "4012 8888 8888 1881",
    "name_in_uri": "file:///exports/Zebulon_Quackenbush/chat.jsonl",
    "doc_id": "zebulon.quackenbush@example.net",
    "subject": "subject-Quackenbush-7731",
    "meta": "ops-Quackenbush@example.com",
    "canary": "Emily Carter",
}
NEEDLES = ["planted.person", "4012 8888", "4012888888881881", "Quackenbush", "Zebulon", "Emily Carter", "1881"]


def _plant(c: D.Crafted) -> None:
    c.rows[0]["text"] = f"Mail {PLANTED['email']} about card {PLANTED['card']} today please."
    c.rows[1]["lineage"]["source_uri"] = PLANTED["name_in_uri"]
    c.rows[2]["doc_id"] = PLANTED["doc_id"]
    c.rows[3]["doc_id"] = PLANTED["doc_id"]  # duplicate doc_id: uniqueness fails on a PII-shaped id
    c.rows[4]["subject_ref"] = PLANTED["subject"]
    c.rows[5]["metadata"] = [{"key": "source", "value": PLANTED["meta"]}]
    c.canaries[0]["text"] = c.canaries[0]["text"].replace(D.tok("CANARY", 5000), PLANTED["canary"])


@pytest.fixture
def planted_report(tmp_path):
    crafted = D.Crafted(tmp_path / "out")
    _plant(crafted)
    crafted.write()
    result = gate_version(crafted.layout, crafted.version, crafted.manifest(), load_config(None))
    return crafted, result


def test_planted_pii_fails_checks_but_never_reaches_the_report(planted_report):
    crafted, result = planted_report
    assert result["success"] is False
    failed = set(result["failed"])
    for expected in (
        "redact.training: expect_column_values_to_be_between(residual_email)",
        "redact.training: expect_column_values_to_be_between(residual_credit_card)",
        "redact.training: expect_column_values_to_match_regex(lineage_source_uri)",
        "redact.gate_metrics: expect_column_values_to_be_between(doc_id_duplicates)",
        "redact.training: expect_column_values_to_be_in_set(subject_ref_valid)",
        "redact.gate_metrics: expect_column_values_to_be_between(canary_recall)",
    ):
        assert expected in failed
    gate_dir = Path(crafted.layout.gate_dir(crafted.version))
    files = [p for p in gate_dir.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".js", ".css")]
    assert any(p.suffix == ".html" for p in files)
    for path in files:
        text = path.read_text(errors="replace")
        for needle in NEEDLES:
            assert needle.casefold() not in text.casefold(), f"{needle!r} leaked into {path.relative_to(gate_dir)}"
    # and the manifest-facing result too
    blob = json.dumps(result)
    assert not any(n.casefold() in blob.casefold() for n in NEEDLES)


def test_summary_has_counts_not_values(planted_report):
    crafted, result = planted_report
    summary = json.loads(Path(result["summary"]).read_text())
    assert summary["version"] == crafted.version and summary["success"] is False
    email = next(
        r
        for r in summary["suites"]["redact.training"]["results"]
        if r["column"] == "residual_email" and r["expectation"] == "expect_column_values_to_be_between"
    )
    assert email["result"]["unexpected_count"] == 2  # the text and the metadata value
    assert "partial_unexpected_list" not in email["result"]
    assert summary["canaries"]["leaking"] == ["contact"]
    assert summary["metrics"]["rows"] == 10


def test_data_docs_render_with_suite_names(tmp_path):
    crafted = D.Crafted(tmp_path / "out").write()
    result = gate_version(crafted.layout, crafted.version, crafted.manifest(), load_config(None))
    index = Path(result["data_docs"])
    assert index.is_file() and index.name == "index.html"
    assert index.parent == Path(crafted.layout.gate_dir(crafted.version)) / "data_docs"
    html = index.read_text()
    for suite in ("redact.training", "redact.vault", "redact.canaries", "redact.gate_metrics"):
        assert suite in html
    pages = list((index.parent / "validations").rglob("*.html"))
    assert len(pages) == 4
    # the report sits beside the data and holds no Parquet a dataset reader could pick up
    assert not list(Path(crafted.layout.gate_dir(crafted.version)).rglob("*.parquet"))


def test_gate_makes_no_network_calls(tmp_path, monkeypatch):
    crafted = D.Crafted(tmp_path / "out").write()

    def refuse(*_a, **_k):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert gate_version(crafted.layout, crafted.version, crafted.manifest(), load_config(None))["success"]


def test_regating_replaces_the_report(tmp_path):
    crafted = D.Crafted(tmp_path / "out").write()
    cfg = load_config(None)
    first = gate_version(crafted.layout, crafted.version, crafted.manifest(), cfg)
    second = gate_version(
        crafted.layout, crafted.version, crafted.manifest(), load_config(None, **{"gates.min_rows": 50})
    )
    assert first["success"] and not second["success"]
    summary = json.loads(Path(second["summary"]).read_text())
    assert summary["success"] is False
    assert len(list((Path(second["data_docs"]).parent / "validations").rglob("*.html"))) == 4
