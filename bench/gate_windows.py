"""How often the gate's windowed judgement of a character position (``ner_scan.window``) disagrees with
the whole-record scan, on long texts, raw and redacted, per window margin.

A measurement of the gate's own approximation (no detection tuning): positions are drawn as the gate draws
them (``sampling.position_order``: uniform over scanned characters), each judged by the whole-record scan
(``NerResidual.covers``) and by the model on its window alone. Redacted texts: the detector's spans
replaced by tokens (``<LABEL_0123456789abcdef>``). Prints one line per set, variant and margin.

    nice .venv/bin/python bench/gate_windows.py --positions 2000
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from corpus import generate  # noqa: E402

from transforms.config import load_config  # noqa: E402
from transforms.gates import sampling  # noqa: E402
from transforms.gates.ner_scan import NerScanner, _masked, _window_in, scan_length  # noqa: E402

RESUMES = HERE.parents[1] / "shared" / "eval" / "resumes_dev.jsonl"


def _redact(texts: list[str], cfg) -> list[str]:
    from transforms.detection.detector import Detector

    out = []
    for text, spans in zip(texts, Detector(cfg.detection).detect_many(texts), strict=True):
        if not isinstance(spans, list):
            continue  # a record the detector failed on never reaches training output
        parts, last = [], 0
        for n, s in enumerate(sorted(spans, key=lambda s: s.start)):
            if s.start < last:
                continue
            parts += [text[last : s.start], f"<{s.label}_{n:016x}>"]
            last = s.end
        out.append("".join([*parts, text[last:]]))
    return out


def measure(name: str, texts: list[str], scanner: NerScanner, n: int, margins: list[int]) -> None:
    full = scanner.scan_many(texts)
    lengths = [scan_length(t) for t in texts]
    positions = sampling.position_order(lengths, n, "gate-windows:" + name)
    truth = [full[i].covers(off) for i, off in positions]
    layouts = {i: _masked(texts[i]) for i in dict.fromkeys(i for i, _ in positions)}
    for margin in margins:
        wins = [_window_in(*layouts[i], off, margin) for i, off in positions]
        docs = scanner.nlp.pipe([w for w, _ in wins], batch_size=64)
        judged = [
            any(e.start_char <= at < e.end_char for e in doc.ents if scanner._counted(e))
            for (_, at), doc in zip(wins, docs, strict=True)
        ]
        w_only = sum(1 for j, t in zip(judged, truth, strict=True) if j and not t)
        r_only = sum(1 for j, t in zip(judged, truth, strict=True) if t and not j)
        print(
            f"{name:22s} margin {margin:3d}: {len(positions)} positions, {sum(truth)} inside entities (record), "
            f"{sum(judged)} (window); disagree {w_only + r_only} ({(w_only + r_only) / len(positions):.2%}): "
            f"window-only {w_only}, record-only {r_only}; mean window {sum(len(w) for w, _ in wins) / len(wins):.0f} chars",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--positions", type=int, default=2000)
    ap.add_argument("--margins", type=int, nargs="+", default=[32, 64, 128])
    ap.add_argument("--bench-docs", type=int, default=200, help="the longest of this many bench documents x10")
    ap.add_argument("--raw-only", action="store_true", help="skip the redacted variants (no detector)")
    args = ap.parse_args()
    cfg = load_config(None)
    scanner = NerScanner(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file, list(cfg.gates.ner_labels))
    resumes = [json.loads(line)["text"] for line in RESUMES.read_text().splitlines() if line.strip()]
    docs = sorted((d["text"] for d in generate(args.bench_docs * 10).docs), key=len, reverse=True)[: args.bench_docs]
    for name, texts in (("resumes_dev", resumes), ("bench_long_docs", docs)):
        print(f"{name}: {len(texts)} texts, median {sorted(map(len, texts))[len(texts) // 2]} chars", flush=True)
        measure(name + " raw", texts, scanner, args.positions, args.margins)
        if not args.raw_only:
            measure(name + " redacted", _redact(texts, cfg), scanner, args.positions, args.margins)


if __name__ == "__main__":
    main()
