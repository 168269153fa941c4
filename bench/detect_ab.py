"""Detection path A/B: CPU seconds and spans of ``Detector.detect_many`` on the bench corpus and dev sets.

Run the same command on two trees (e.g. ``git archive main | tar -x -C /tmp/main``), best side by side on a
shared machine, then compare the span files::

    PYTHONPATH=/tmp/main nice .venv/bin/python bench/detect_ab.py run /tmp/a.pkl bench crossner_dev
    nice .venv/bin/python bench/detect_ab.py run /tmp/b.pkl bench crossner_dev [--context-lemmas lowercase]
    .venv/bin/python bench/detect_ab.py diff /tmp/a.pkl /tmp/b.pkl

``bench`` is the seeded corpus of ``bench/corpus.py`` (2,000 records); ``probe_vN`` is
``bench/probe/probe_vN.jsonl``; any other name is a dev set ``$REDACT_SHARED_DIR/eval/<name>.jsonl`` (default
``../shared/eval``). Prints CPU seconds split into spaCy (``_nlp_batch``), Presidio analysis
(``_analyze``) and the rest (guards, propagation, overlap policy); ``diff`` counts spans added, removed or
re-scored per label. Span files hold offsets, labels and scores only (no text); keep them out of the repo.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import pickle
import sys
import time
from pathlib import Path

EVAL = Path(os.environ.get("REDACT_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared") / "eval"
PROBES = Path(__file__).resolve().parent / "probe"


def _texts(name: str) -> list[str]:
    if name == "bench":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from bench.corpus import generate

        return generate(2000).texts()
    path = PROBES / f"{name}.jsonl" if name.startswith("probe_") else EVAL / f"{name}.jsonl"
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


def run(out: str, sets: list[str], context_lemmas: str | None) -> None:
    from transforms.config import DetectionConfig
    from transforms.detection.detector import Detector

    det = Detector(DetectionConfig(**({"context_lemmas": context_lemmas} if context_lemmas else {})))
    cpu = {"nlp": 0.0, "analyze": 0.0}

    def timed(name: str, key: str) -> None:
        inner = getattr(det, name)

        def wrapper(*a, **k):
            t = time.process_time()
            try:
                return inner(*a, **k)
            finally:
                cpu[key] += time.process_time() - t

        setattr(det, name, wrapper)

    timed("_nlp_batch", "nlp")
    timed("_analyze", "analyze")
    spans = {}
    for name in sets:
        texts, found = _texts(name), []
        cpu.update(nlp=0.0, analyze=0.0)
        t = time.process_time()
        for i in range(0, len(texts), 64):
            for r in det.detect_many(texts[i : i + 64]):
                found.append(
                    [(s.start, s.end, s.label, round(s.score, 6)) for s in r] if isinstance(r, list) else "ERR"
                )
        total = time.process_time() - t
        spans[name] = found
        rest = total - cpu["nlp"] - cpu["analyze"]
        print(
            f"{name}: texts={len(texts)} cpu={total:.2f} spacy={cpu['nlp']:.2f} analyze={cpu['analyze']:.2f} rest={rest:.2f}"
        )
    with open(out, "wb") as f:
        pickle.dump(spans, f)


def diff(a_path: str, b_path: str) -> None:
    with open(a_path, "rb") as fa, open(b_path, "rb") as fb:
        a, b = pickle.load(fa), pickle.load(fb)
    for name in a.keys() & b.keys():
        counts, docs = collections.Counter(), 0
        for x, y in zip(a[name], b[name], strict=True):
            if x == y:
                continue
            docs += 1
            if "ERR" in (x, y):
                counts[("error", "-")] += 1
                continue
            xs, ys = {s[:3]: s[3] for s in x}, {s[:3]: s[3] for s in y}
            counts.update(("added", k[2]) for k in ys.keys() - xs.keys())
            counts.update(("removed", k[2]) for k in xs.keys() - ys.keys())
            counts.update(("rescored", k[2]) for k in xs.keys() & ys.keys() if xs[k] != ys[k])
        print(f"{name}: texts={len(a[name])} differing={docs} {dict(sorted(counts.items()))}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("out")
    r.add_argument("sets", nargs="+")
    r.add_argument("--context-lemmas", choices=["tagger", "lowercase"])
    d = sub.add_parser("diff")
    d.add_argument("a")
    d.add_argument("b")
    args = ap.parse_args()
    if args.cmd == "run":
        run(args.out, args.sets, args.context_lemmas)
    else:
        diff(args.a, args.b)


if __name__ == "__main__":
    main()
