"""End-to-end CLI tests of ``redact detect`` and ``redact eval`` (+ consistency with ``redact run``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import run_cli, write_jsonl
from tests.pipelines.purge_helpers import input_ids

TEXTS = [
    {"id": "a", "text": "Please email Ingrid Vestergaard at ingrid.v@example.org or call +44 20 7946 0958."},
    {"id": "b", "text": "Ship it to 221 Baker Street, London NW1 6XE. Card 4111 1111 1111 1111."},
    {"id": "c", "text": "Open Settings and click Reset."},
    {"id": "d", "text": "send an email to john at gmail dot com about the invoice"},
]


def _detect(tmp_path: Path, rows, kek_uri: str) -> dict[str, list[dict]]:
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "spans.jsonl"
    res = run_cli("detect", "--input", str(src), "--output", str(out), "--kek-uri", kek_uri)
    assert res.returncode == 0, res.stderr
    return {r["id"]: r["spans"] for r in map(json.loads, out.read_text().splitlines())}


def test_detect_reports_offsets_into_the_input_text(tmp_path, kek_uri):
    text = "Contact In\u200bgrid Vestergaard at ingrid.v@\uff45xample.org today."
    spans = _detect(tmp_path, [{"id": "z", "text": text}], kek_uri)["z"]
    values = {text[s["start"] : s["end"]] for s in spans}
    assert any("In\u200bgrid Vestergaard" in v for v in values)
    assert "ingrid.v@\uff45xample.org" in values  # fullwidth e: NFKC changes it
    assert all(set(s) == {"start", "end", "label", "score"} for s in spans)


def test_detect_to_stdout_prints_spans_and_exits_0(tmp_path, kek_uri):
    src = write_jsonl(tmp_path / "in.jsonl", TEXTS[:2])
    res = run_cli("detect", "--input", str(src), "--output", "-", "--kek-uri", kek_uri)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]  # stdout holds the spans and nothing else
    assert [r["id"] for r in rows] == ["a", "b"] and all(r["spans"] for r in rows)


def test_detect_with_and_without_the_ner_child_writes_the_same_spans(tmp_path, kek_uri):
    rows = [{"id": f"{i}-{r['id']}", "text": r["text"]} for i in range(40) for r in TEXTS]  # two batches and more
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    outputs = {}
    for choice in ("on", "off"):
        out = tmp_path / f"spans-{choice}.jsonl"
        res = run_cli("detect", "--input", str(src), "--output", str(out), "--kek-uri", kek_uri, "--ner-child", choice)
        assert res.returncode == 0, res.stderr
        outputs[choice] = out.read_text()
    assert outputs["on"] == outputs["off"] and outputs["on"].count("PERSON") >= 40
    res = run_cli("detect", "--input", str(src), "--output", str(tmp_path / "x"), "--ner-child", "yes")
    assert res.returncode == 2 and "invalid choice: 'yes'" in res.stderr and "Traceback" not in res.stderr


def test_detect_bad_input_is_one_line_error(tmp_path, kek_uri):
    res = run_cli("detect", "--input", str(tmp_path / "missing.jsonl"), "--output", str(tmp_path / "o"))
    assert res.returncode != 0 and res.stderr.strip().count("\n") == 0 and "not found" in res.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "text": "ok"}\n{not json\n')
    res = run_cli("detect", "--input", str(bad), "--output", str(tmp_path / "o"), "--kek-uri", kek_uri)
    assert res.returncode != 0 and ":2: not valid JSON" in res.stderr and "Traceback" not in res.stderr


def test_eval_prints_metrics_and_baseline(tmp_path, kek_uri):
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [
            {
                "id": "1",
                "text": "My email is ana.silva@example.com",
                "spans": [{"start": 12, "end": 33, "label": "EMAIL_ADDRESS"}],
            },
            {
                "id": "2",
                "text": "email to tom at gmail dot com",
                "spans": [{"start": 9, "end": 29, "label": "EMAIL_ADDRESS"}],
            },
            {"id": "3", "text": "nothing here", "spans": []},
        ],
    )
    res = run_cli("eval", "--gold", str(gold), "--baseline", "presidio", "--kek-uri", kek_uri)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    for system in ("redact", "presidio"):
        assert {"recall", "precision", "f2", "leak_rate", "entity_recall", "per_label_recall"} <= set(out[system])
    assert out["redact"]["recall"] == 1.0
    assert out["presidio"]["recall"] < 1.0  # vanilla misses the spoken address
    assert out["redact"]["docs"] == out["presidio"]["docs"] == 3


@pytest.mark.slow
def test_run_redacts_exactly_the_spans_detect_reports(tmp_path, kek_uri):
    spans = _detect(tmp_path, TEXTS, kek_uri)
    src = write_jsonl(tmp_path / "corpus" / "docs.jsonl", TEXTS)
    out = tmp_path / "out"
    # Four tiny texts, one of UI words only: the gate's NER residual share is meaningless at this size.
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("gates:\n  max_ner_char_fraction: 1.0\n  max_ner_record_fraction: 1.0\n")
    res = run_cli("run", "--input", str(src), "--output", str(out), "--kek-uri", kek_uri, "--config", str(cfg))
    assert res.returncode == 0, res.stderr
    version = (out / "training" / "CURRENT").read_text().strip()
    rows, ids = {}, input_ids(out, version)  # doc_id is a keyed token of the input id: join back
    for f in (out / "training" / version).rglob("*.parquet"):
        for r in pq.read_table(f, columns=["doc_id", "text"]).to_pylist():
            rows[ids[r["doc_id"]]] = r["text"]
    assert set(rows) == {t["id"] for t in TEXTS}
    for t in TEXTS:
        expected, pos = [], 0
        for s in sorted(spans[t["id"]], key=lambda s: s["start"]):
            expected.append(re.escape(t["text"][pos : s["start"]]))
            expected.append(f"<{re.escape(s['label'])}_[0-9a-f]{{16}}>")
            pos = s["end"]
        expected.append(re.escape(t["text"][pos:]))
        assert re.fullmatch("".join(expected), rows[t["id"]]), t["id"]
    assert spans["c"] == []  # precision guard: UI words stay
