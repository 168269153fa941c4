"""End-to-end: ``redact run`` then ``redact purge`` through the CLI (subprocesses, DirectRunner)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli
from tests.pipelines.purge_helpers import (
    assert_no_planted,
    current,
    future,
    manifest,
    rows,
    training_versions,
    write_config,
    write_corpus,
)

pytestmark = pytest.mark.slow


def test_run_then_purge_as_of_future_date(tmp_path, kek_uri):
    corpus = write_corpus(tmp_path / "in", "main", "hold")
    out = tmp_path / "out"
    cfg = write_config(tmp_path, kek_uri)
    r = run_cli("run", "--input", str(corpus), "--output", str(out), "--config", str(cfg))
    assert r.returncode == 0, r.stderr[-2000:]
    v1 = current(out)
    m1 = manifest(out, v1)
    # lineage/manifest contract of a run
    assert m1["status"] == "complete" and m1["reconciliation"]["ok"]
    assert {"inputs", "outputs", "counts", "config_sha256", "nlp_model", "keys", "retention_policy", "gate"} <= set(m1)
    assert m1["gate"]["success"] is True  # `redact run` gates before it publishes
    assert all(i["uri"].startswith("file://sha256-") and len(i["sha256"]) == 64 for i in m1["inputs"])
    assert all(len(f["sha256"]) == 64 and "rows" in f for f in m1["outputs"]["training"])
    assert m1["retention_policy"]["policy_id"] == "test-policy" and m1["retention_policy"]["version"] == "7"
    before = rows(out, v1)
    assert set(before) == {"a-1", "a-2", "a-3", "a-4", "a-6", "h-1"}
    for doc_id, text in before.items():
        row = json.loads(text)
        lin, ret = row["lineage"], row["retention"]
        assert lin["source_uri"].startswith("file://sha256-") and lin["run_id"] and lin["ingested_at"]
        assert lin["nlp_model"]["sha256"] and lin["detector_config_sha256"] and lin["key_id"]
        assert ret["policy_id"] == "test-policy" and ret["policy_version"] == "7" and ret["expires_at"]
        assert ret["category"] == (
            "litigation" if doc_id == "h-1" else "chat" if doc_id in ("a-2", "a-6") else "document"
        )
    assert (out / "training" / v1 / "README.md").is_file()

    r = run_cli("purge", "--output", str(out), "--as-of", future(60))
    assert r.returncode == 0, r.stderr[-2000:]
    report = json.loads(r.stdout)
    v2 = current(out)
    assert v2 != v1 and report["new_version"] == v2 and report["published"]
    after = rows(out, v2)
    # chats (P30D) expired; h-1 (P1D) expired but under legal hold: kept and reported
    assert set(after) == {"a-1", "a-3", "a-4", "h-1"}
    assert report["removed"] == {"purge.expired": 2}
    assert report["held"] == {"purge.expired": 1}
    # "byte-identical" honestly: every remaining row's full content (all columns, lineage and retention
    # included) is identical; the Parquet files themselves are new files.
    assert all(after[k] == before[k] for k in after)
    # the previous version held purged records: it is gone, with its vault and quarantine
    assert training_versions(out) == [v2]
    assert not (out / "vault" / "default" / v1).exists() and not (out / "quarantine" / v1).exists()
    m2 = manifest(out, v2)
    assert m2["status"] == "complete" and m2["reconciliation"]["ok"] and m2["derived_from"] == v1
    assert m2["counts"]["read"] == 6 and m2["counts"]["written"] == 4
    assert m2["purge_history"][-1]["removed"] == {"purge.expired": 2}
    card = (out / "training" / v2 / "README.md").read_text()
    assert "Purge history" in card and v1 in card
    audit = [p.read_text() for p in (out / "audit" / "purge").glob("*.json")]
    assert len(audit) == 1 and json.loads(audit[0])["policy_versions"] == ["test-policy@7"]
    for text, where in [
        (audit[0], "audit"),
        (card, "card"),
        (json.dumps(m2), "manifest"),
        (r.stdout + r.stderr, "output"),
    ]:
        assert_no_planted(text, where)

    # re-running the same purge changes nothing
    before_rerun = rows(out, v2)
    r = run_cli("purge", "--output", str(out), "--as-of", future(60))
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(r.stdout)["new_version"] is None and current(out) == v2 and rows(out, v2) == before_rerun


def test_zero_config_run_and_purge_errors(tmp_path, kek_uri):
    out = tmp_path / "out"
    r = run_cli("purge", "--output", str(out), "--as-of", "2030-01-01")
    assert r.returncode == 2 and "no published dataset version" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("run", "--input", "examples/corpus", "--output", str(out), "--kek-uri", kek_uri)
    assert r.returncode == 0, r.stderr[-2000:]
    assert manifest(out, current(out))["retention_policy"]["policy_id"] == "default"
    for args, msg in [
        (["--as-of", "soon"], "--as-of"),
        (["--as-of", "2030-01-01", "--shred-scope"], "--scope"),
        (["--as-of", "2030-01-01", "--delete-sources"], "source_roots"),
        (["--as-of", "2030-01-01", "--subject", " "], "--subject"),
    ]:
        r = run_cli("purge", "--output", str(out), *args, "--kek-uri", kek_uri)
        assert r.returncode == 2 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
