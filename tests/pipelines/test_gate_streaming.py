"""The gate reads its inputs in record batches and GE validates chunks of them: the same summary whatever
the batch and chunk sizes, no chunk above its size, and the NER check is handed the bounded sample, not
every text."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pipelines import gate as gate_mod
from pipelines.dataset import versions
from pipelines.gate import gate_version
from tests.pipelines import gate_data as D
from transforms.config import load_config
from transforms.gates import ge_runner
from transforms.gates.ner_sample import NerSample

NER = "Yesterday John Smith flew from Berlin to Paris with Maria Lopez."


def _crafted(out: Path) -> D.Crafted:
    rows = [D.training_row(i, NER if i % 5 == 0 else ("" if i % 11 == 0 else None)) for i in range(300)]
    for i, r in enumerate(rows):
        if i % 7 == 0:
            r["metadata"] = [{"key": "note", "value": "mail a@example.com"}]
    c = D.Crafted(out, rows=rows)
    vault = c.auto_vault()
    vault[0]["surfaces"] = [{"doc_id": "doc-0001", "text": "Order"}]  # a recorded stand-in, masked for the scan
    c.vault = vault
    return c.write()


def _summary(tmp: Path, monkeypatch, batch_rows: int | None, chunk_rows: int = 20_000) -> dict:
    if batch_rows:
        monkeypatch.setattr(versions, "BATCH_ROWS", batch_rows)
    c = _crafted(tmp)
    cfg = load_config(None, **{"gates.ner_sample_records": 200, "gates.chunk_rows": chunk_rows})
    result = gate_version(c.layout, c.version, c.manifest(), cfg, datetime(2030, 6, 1, tzinfo=UTC))
    summary = json.loads(Path(result["summary"]).read_text())
    return {k: v for k, v in summary.items() if k not in ("report", "data_docs")}


def test_the_summary_does_not_depend_on_the_batch_size(tmp_path, monkeypatch):
    whole = _summary(tmp_path / "whole", monkeypatch, None)  # one batch per file
    batched = _summary(tmp_path / "batched", monkeypatch, 7)  # 43 batches, and 7-row vault batches
    assert whole["ner_scan"]["sampled"] and whole["metrics"]["rows"] == 300
    assert not whole["success"]  # the e-mails in metadata: the checks still bite
    assert batched == whole


def test_the_summary_does_not_depend_on_the_chunk_size(tmp_path, monkeypatch):
    sizes = []
    real = ge_runner.chunked

    def spy(frames, rows):
        for chunk in real(frames, rows):
            sizes.append(len(chunk))
            yield chunk

    monkeypatch.setattr(ge_runner, "chunked", spy)
    whole = _summary(tmp_path / "whole", monkeypatch, 7)
    assert max(sizes) == 300  # the default chunk holds every training row
    sizes.clear()
    chunked = _summary(tmp_path / "chunked", monkeypatch, 7, chunk_rows=60)
    assert chunked == whole
    # each chunk is bounded: at most chunk_rows + a batch - 1 rows (300 training rows: 5 chunks)
    assert max(sizes) <= 60 + 7 - 1 and sizes.count(0) == 0 and len(sizes) > 5


def test_the_ner_check_gets_the_sample_not_every_text(tmp_path, monkeypatch):
    seen = []
    real = gate_mod.NerJob.submit

    def spy(job, sample, seed):
        seen.append(sample)
        return real(job, sample, seed)

    monkeypatch.setattr(gate_mod.NerJob, "submit", spy)
    _summary(tmp_path, monkeypatch, 7)
    (sample,) = seen
    assert isinstance(sample, NerSample) and sample.total == 300
    assert len(sample.texts) == 200 and len(sample.windows) <= 200
