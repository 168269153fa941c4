"""The gate's sampled NER scan: reported (summary, HTML report), reproducible, and conservative."""

from __future__ import annotations

import json
from pathlib import Path

import spacy

from pipelines.gate import gate_version
from tests.pipelines import gate_data as D
from transforms.config import load_config
from transforms.gates.ner_scan import NerScanner, ner_pipes

M = "redact.gate_metrics"
NER_TEXT = "Yesterday John Smith flew from Berlin to Paris with Maria Lopez."


def _gate(tmp_path, mutate=None, **gates) -> tuple[dict, dict]:
    crafted = D.Crafted(tmp_path / "out")
    if mutate:
        mutate(crafted)
    crafted.write()
    cfg = load_config(None, **{f"gates.{k}": v for k, v in gates.items()})
    result = gate_version(crafted.layout, crafted.version, crafted.manifest(), cfg)
    return result, json.loads(Path(result["summary"]).read_text())


def _two_of_ten(c):
    for r in c.rows[:2]:
        r["text"] = NER_TEXT


def test_small_dataset_is_scanned_whole(tmp_path):
    result, summary = _gate(tmp_path)
    assert result["success"]
    ner = summary["ner_scan"]
    assert (ner["records_total"], ner["records_scanned"], ner["sampled"]) == (10, 10, False)
    assert ner["line"].startswith("NER scan: all 10 records scanned")


def test_sampled_scan_is_reported_and_reproducible(tmp_path):
    # 4 draws cannot bound a share below 0.25 (see the next test): thresholds relaxed here
    loose = {"ner_sample_records": 4, "max_ner_record_fraction": 1.0}
    result, summary = _gate(tmp_path, **loose)
    assert result["success"], result["failed"]
    ner = summary["ner_scan"]
    assert (ner["records_total"], ner["records_scanned"], ner["sampled"]) == (10, 4, True)
    assert ner["line"].startswith("NER scan: 4 of 10 records sampled, record share 0.0000 (upper bound 0.")
    assert ner["sample_seed"] and ner["sample_method"]
    assert summary["metrics"]["ner_records_scanned"] == 4
    assert ner["line"] in Path(result["report"]).read_text()
    _, again = _gate(tmp_path / "again", **loose)
    assert again["ner_scan"] == ner  # same version and files: same sample


def test_sampled_gate_is_conservative(tmp_path):
    """2 of 10 records with entities: a full scan passes a 0.25 threshold; a 4-record sample cannot prove
    it (the Wilson bound of any outcome of 4 draws is above 0.25), so the sampled gate fails."""
    full, _ = _gate(tmp_path / "full", _two_of_ten, max_ner_char_fraction=1.0)
    assert full["success"], full["failed"]
    sampled, summary = _gate(tmp_path / "sampled", _two_of_ten, max_ner_char_fraction=1.0, ner_sample_records=4)
    assert sampled["failed"] == [f"{M}: expect_column_values_to_be_between(ner_record_fraction)"]
    assert summary["metrics"]["ner_record_fraction"] > 0.25


def test_scanner_runs_ner_without_the_shared_tok2vec():
    """The pinned model's NER embeds its own tok2vec: only ``ner`` runs, with the same entities."""
    cfg = load_config(None)
    scanner = NerScanner(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file, ["PERSON", "GPE"])
    assert scanner.nlp.pipe_names == ["ner"]
    full = spacy.load(cfg.detection.nlp.name)
    full.select_pipes(enable=["tok2vec", "ner"])
    texts = [NER_TEXT, "Ask Priya Okafor in Leeds about the router."]
    assert [[(e.start_char, e.label_) for e in d.ents] for d in full.pipe(texts)] == [
        [(e.start_char, e.label_) for e in d.ents] for d in scanner.nlp.pipe(texts)
    ]
    assert ner_pipes(full) == ["ner"]


def test_scanner_in_two_processes_gives_the_same_results():
    """After a multi-process run the gate scans with as many processes; results are the same."""
    cfg = load_config(None)
    scanner = NerScanner(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file, ["PERSON", "GPE", "LOC"])
    texts = [NER_TEXT if i % 3 == 0 else f"Order {i} shipped to <PERSON_{i:016x}> on time." for i in range(600)]
    assert scanner.scan_many(texts, n_process=2) == scanner.scan_many(texts)
