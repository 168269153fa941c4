"""Developer tool: show missed gold spans and false-positive predictions on a PUBLIC dev set.

Prints text fragments of the (public, synthetic or published) evaluation data to the terminal; never
run it on real data. Usage:
  PYTHONPATH=. python bench/inspect_misses.py GOLD.jsonl [--limit N] [--fp] [--label LOCATION]
"""

from __future__ import annotations

import argparse
import json
import random

from pipelines.commands.eval import load_gold
from transforms.config import load_config
from transforms.detection.service import DetectionService


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--fp", action="store_true", help="show false positives instead of misses")
    ap.add_argument("--label")
    ap.add_argument("--sample", type=int, default=60)
    ap.add_argument("--config")
    a = ap.parse_args()
    docs = load_gold(a.gold, a.limit)
    orig = {}
    with open(a.gold) as fh:
        for line in fh:
            row = json.loads(line)
            orig[row["id"]] = [s.get("orig_label", s["label"]) for s in row["spans"]]
    svc = DetectionService(load_config(a.config))
    rows = []
    for d, det in zip(docs, svc.detect_texts((d["id"], d["text"]) for d in docs), strict=True):
        text = d["text"]
        pred = [(s.start, s.end, s.label) for s in det.spans or []]
        covered = set()
        for s, e, _ in pred:
            covered.update(range(s, e))
        gold_chars = set()
        for s, e, _ in d["gold"]:
            gold_chars.update(range(s, e))
        if a.fp:
            for s, e, lab in pred:
                bad = [i for i in range(s, e) if i not in gold_chars and text[i].isalnum()]
                if bad:
                    rows.append(f"FP {lab:14} {text[s:e]!r:40} | {text[max(0, s - 40) : e + 30]!r}")
        else:
            for (s, e, lab), ol in zip(d["gold"], orig[d["id"]], strict=True):
                if a.label and a.label not in (lab, ol):
                    continue
                miss = [i for i in range(s, e) if i not in covered and text[i].isalnum()]
                if miss:
                    part = "".join(text[i] if i not in covered else "_" for i in range(s, e))
                    rows.append(f"MISS {ol:14} {part!r:40} | {text[max(0, s - 40) : e + 30]!r} | pred={pred}")
    random.seed(0)
    print(len(rows))
    for r in random.sample(rows, min(a.sample, len(rows))):
        print(r)


if __name__ == "__main__":
    main()
