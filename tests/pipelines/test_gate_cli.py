"""``redact gate`` / ``redact publish`` exit codes, CURRENT handling, and ``redact run`` gating end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines.dataset import publish, published_version
from pipelines.gate import publish_gated
from tests.conftest import REPO, run_cli
from tests.pipelines import gate_data as D
from transforms.errors import GateFailure, InputError


def _bad(c: D.Crafted) -> None:
    c.rows[0]["text"] = "Reach me at leaked.value@example.org please, thanks."


def _crafted(tmp_path, version=D.VERSION, bad=False) -> D.Crafted:
    c = D.Crafted(tmp_path / "out", version=version)
    if bad:
        _bad(c)
    return c.write()


def test_gate_cli_passes_with_exit_0_on_newest_complete_version(tmp_path):
    older = _crafted(tmp_path, version="v20290101T000000Z-aaaaaa", bad=True)
    newer = _crafted(tmp_path)  # same root, newer version: chosen by default
    proc = run_cli("gate", "--output", str(newer.out))
    assert proc.returncode == 0, proc.stderr
    assert newer.version in proc.stdout
    assert (Path(newer.layout.gate_dir(newer.version)) / "summary.json").is_file()
    assert not Path(older.layout.gate_dir(older.version)).exists()


def test_gate_cli_fails_with_exit_6_and_one_line(tmp_path):
    c = _crafted(tmp_path, bad=True)
    proc = run_cli("gate", "--output", str(c.out), "--version", c.version)
    assert proc.returncode == 6
    assert proc.stderr.strip().splitlines()[-1].startswith("redact: error: version")
    assert "leaked.value" not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_gate_cli_unknown_version_exit_2(tmp_path):
    c = _crafted(tmp_path)
    proc = run_cli("gate", "--output", str(c.out), "--version", "v-nope")
    assert proc.returncode == 2
    assert "v-nope" in proc.stderr


def test_gate_cli_no_complete_version_exit_2(tmp_path):
    proc = run_cli("gate", "--output", str(tmp_path / "empty"))
    assert proc.returncode == 2


def test_gate_cli_bad_threshold_config_exit_2(tmp_path):
    c = _crafted(tmp_path)
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("gates:\n  max_ner_char_fraction: 2\n")
    proc = run_cli("gate", "--output", str(c.out), "--config", str(cfg))
    assert proc.returncode == 2
    assert "gates.max_ner_char_fraction" in proc.stderr


def test_failed_gate_leaves_current_untouched_and_publish_refuses(tmp_path):
    good = _crafted(tmp_path, version="v20290101T000000Z-aaaaaa")
    publish(good.layout, good.version)
    bad = _crafted(tmp_path, bad=True)
    assert run_cli("gate", "--output", str(bad.out), "--version", bad.version).returncode == 6
    proc = run_cli("publish", "--output", str(bad.out), "--version", bad.version)
    assert proc.returncode == 6
    assert published_version(bad.layout) == good.version


def test_regate_that_fails_on_the_published_version_unpublishes_it(tmp_path):
    c = _crafted(tmp_path, bad=True)
    publish(c.layout, c.version)  # published earlier (e.g. under laxer thresholds); its gate now fails
    assert run_cli("gate", "--output", str(c.out), "--version", c.version).returncode == 6
    assert published_version(c.layout) is None


def test_publish_requires_a_gate_run(tmp_path):
    c = _crafted(tmp_path)
    with pytest.raises(GateFailure, match="not been gated"):
        publish_gated(c.layout, c.version)
    assert published_version(c.layout) is None


def test_publish_after_passing_gate_moves_current(tmp_path):
    c = _crafted(tmp_path)
    assert run_cli("gate", "--output", str(c.out), "--version", c.version).returncode == 0
    proc = run_cli("publish", "--output", str(c.out), "--version", c.version)
    assert proc.returncode == 0, proc.stderr
    assert Path(c.layout.current).read_text() == c.version + "\n"


def test_publish_refuses_when_files_changed_after_gate(tmp_path):
    c = _crafted(tmp_path)
    assert run_cli("gate", "--output", str(c.out), "--version", c.version).returncode == 0
    part = c.part("training")
    table = pq.read_table(part)
    pq.write_table(table.slice(1), part)
    with pytest.raises(GateFailure, match="changed after"):
        publish_gated(c.layout, c.version)
    assert published_version(c.layout) is None


def test_publish_refuses_incomplete_version(tmp_path):
    c = _crafted(tmp_path)
    manifest = c.manifest()
    manifest["status"] = "failed"
    Path(c.layout.manifest(c.version)).write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="not complete"):
        publish_gated(c.layout, c.version)
    proc = run_cli("publish", "--output", str(c.out), "--version", c.version)
    assert proc.returncode == 2


@pytest.mark.slow
def test_run_gates_and_publishes_end_to_end(tmp_path, kek_uri):
    out = tmp_path / "out"
    summary_json = tmp_path / "summary.json"
    proc = run_cli(
        "run", "--input", str(REPO / "examples" / "corpus"), "--output", str(out), "--kek-uri", kek_uri,
        "--summary-json", str(summary_json),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(summary_json.read_text())
    version = summary["version"]
    assert summary["gate"]["success"] is True and summary["published"] is True
    assert (out / "training" / "CURRENT").read_text().strip() == version
    manifest = json.loads((out / "training" / version / "_MANIFEST.json").read_text())
    assert manifest["gate"]["success"] is True
    assert set(manifest["gate"]["suites"]) == {
        "redact.training",
        "redact.vault",
        "redact.canaries",
        "redact.gate_metrics",
    }
    assert manifest["reconciliation"]["ok"] and manifest["counts"]["canaries"] == {"injected": 5, "written": 5}
    # canaries are not in the training data, and the report sits beside it
    training = pq.read_table(out / "training" / version / "data" / "part-00000-of-00001.parquet")
    assert not [d for d in training.column("doc_id").to_pylist() if d.startswith("canary-")]
    assert (out / "canaries" / version).is_dir()
    gate = json.loads((out / "training" / version / "_gate" / "summary.json").read_text())
    assert gate["metrics"]["canary_recall"] == 1.0 and gate["metrics"]["canaries_found"] == 5

    # A second run whose gate fails (threshold no data can meet) exits 6 and leaves CURRENT alone.
    cfg = tmp_path / "strict.yaml"
    cfg.write_text("gates:\n  min_rows: 1000\n")
    proc = run_cli(
        "run", "--input", str(REPO / "examples" / "corpus"), "--output", str(out), "--kek-uri", kek_uri,
        "--config", str(cfg), "--summary-json", str(summary_json),
    )  # fmt: skip
    assert proc.returncode == 6, proc.stderr
    failed = json.loads(summary_json.read_text())
    assert failed["gate"]["success"] is False and failed["published"] is False
    assert (out / "training" / "CURRENT").read_text().strip() == version
    failed_manifest = json.loads((out / "training" / failed["version"] / "_MANIFEST.json").read_text())
    assert failed_manifest["status"] == "complete" and failed_manifest["gate"]["success"] is False
    # ... and 'redact publish' refuses that version
    assert run_cli("publish", "--output", str(out), "--version", failed["version"]).returncode == 6
    assert (out / "training" / "CURRENT").read_text().strip() == version


@pytest.mark.slow
def test_run_no_publish_gates_but_keeps_current(tmp_path, kek_uri):
    out = tmp_path / "out"
    summary_json = tmp_path / "s.json"
    proc = run_cli(
        "run", "--input", str(REPO / "examples" / "corpus"), "--output", str(out), "--kek-uri", kek_uri,
        "--no-publish", "--summary-json", str(summary_json),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    s = json.loads(summary_json.read_text())
    assert s["gate"]["success"] and not s["published"]
    assert not (out / "training" / "CURRENT").exists()
    assert run_cli("publish", "--output", str(out), "--version", s["version"]).returncode == 0
    assert (out / "training" / "CURRENT").read_text().strip() == s["version"]


def test_training_suite_accepts_exactly_the_record_content_types():
    import json

    from tests.conftest import REPO
    from transforms.record import CONTENT_TYPES

    suite = json.loads((REPO / "expectations" / "training.json").read_text())
    sets = [
        e["kwargs"]["value_set"]
        for e in suite["expectations"]
        if e.get("kwargs", {}).get("column") == "content_type" and "value_set" in e.get("kwargs", {})
    ]
    assert sets and all(sorted(s) == sorted(CONTENT_TYPES) for s in sets)


def test_publish_is_refused_while_a_purge_holds_the_lock(tmp_path):
    from pipelines import locks
    from transforms.errors import LockedError

    c = _crafted(tmp_path)
    with locks.purge_lock(c.layout), pytest.raises(LockedError, match="another purge"):
        publish_gated(c.layout, c.version)
    assert published_version(c.layout) is None
