"""End to end with an extra NER engine (the tiny test model): ``redact run`` and ``redact detect`` use
its hits, a tampered model refuses to run before anything is written, and a config without the extra
fails with a one-line hint."""

from __future__ import annotations

import glob
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from tests.conftest import run_cli, write_jsonl
from tests.transforms.detection.engines.tiny_model_fixtures import engine_dict, make_pinned_model, requires_hf

pytestmark = [pytest.mark.slow, requires_hf]

# The default spaCy model misses both values here (checked by the control run below); the tiny engine
# knows "alice" and "oslo" as PERSON and LOCATION.
DOC = "1. Alice"
TURN = "Oslo"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    folder, hashes = make_pinned_model(root)
    cfg = root / "engines.yaml"
    cfg.write_text(yaml.safe_dump({"detection": {"engines": [engine_dict(folder, hashes)]}}))
    write_jsonl(root / "in" / "docs.jsonl", [{"id": "d1", "text": DOC}])
    write_jsonl(root / "in" / "chats.jsonl", [{"id": "c1", "messages": [{"role": "user", "content": TURN}]}])
    return root, cfg, folder, hashes


def _rows(out: Path) -> list[dict]:
    files = sorted(glob.glob(str(out / "training" / "**" / "*.parquet"), recursive=True))
    files = [f for f in files if "canar" not in f]
    return sorted((r for f in files for r in pq.read_table(f).to_pylist()), key=lambda r: r["doc_id"])


def test_run_with_an_extra_engine_redacts_what_spacy_misses(setup):
    root, cfg, _, _ = setup
    out = root / "out"
    kek = f"local://{root / 'kek.json'}"
    proc = run_cli("run", "--input", str(root / "in"), "--output", str(out), "--config", str(cfg), "--kek-uri", kek)
    assert proc.returncode == 0, proc.stderr
    rows = _rows(out)
    assert len(rows) == 2
    doc = next(r for r in rows if r["turns"] is None or not r["turns"])
    chat = next(r for r in rows if r["turns"])
    assert "Alice" not in doc["text"] and doc["text"].startswith("1. <PERSON_")
    assert "Oslo" not in json.dumps(chat["turns"]) and "<LOCATION_" in chat["turns"][0]["text"]
    assert (
        "ner_hits" not in pq.read_schema(glob.glob(str(out / "training" / "**" / "*.parquet"), recursive=True)[0]).names
    )


def test_detect_with_and_without_the_engine(setup):
    root, cfg, _, _ = setup
    inp = write_jsonl(root / "texts.jsonl", [{"id": "1", "text": DOC}, {"id": "2", "text": TURN}])
    for name, extra in (("plain", ()), ("engine", ("--config", str(cfg)))):
        proc = run_cli("detect", "--input", str(inp), "--output", str(root / f"{name}.jsonl"), *extra)
        assert proc.returncode == 0, proc.stderr
    plain = [json.loads(x) for x in (root / "plain.jsonl").read_text().splitlines()]
    engine = [json.loads(x) for x in (root / "engine.jsonl").read_text().splitlines()]
    assert [r["spans"] for r in plain] == [[], []]  # control: the default model misses both
    assert [[(s["start"], s["end"], s["label"]) for s in r["spans"]] for r in engine] == [
        [(3, 8, "PERSON")],
        [(0, 4, "LOCATION")],
    ]


def test_tampered_engine_model_refuses_to_run_and_writes_nothing(setup, tmp_path):
    import shutil

    root, _, folder, hashes = setup
    copy = shutil.copytree(folder, tmp_path / "model")
    (copy / "config.json").write_text((copy / "config.json").read_text().replace("B-PER", "B-LOC", 1))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"detection": {"engines": [engine_dict(copy, hashes)]}}))
    out = tmp_path / "o"
    kek = f"local://{tmp_path / 'k.json'}"
    proc = run_cli("run", "--input", str(root / "in"), "--output", str(out), "--config", str(cfg), "--kek-uri", kek)
    assert proc.returncode == 4, proc.stderr
    assert "NER engine 'tiny' does not match its pinned hashes" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
