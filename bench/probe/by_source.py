"""Score detection per ``source`` (domain) of a gold JSONL set, for our detector and vanilla Presidio.

``redact eval`` scores a set as a whole; the probe set mixes six domains, so this splits the same metrics
(``transforms/detection/metrics.py``, definitions in ``shared/eval/README.md``) by each document's
``source``. Prints a markdown table; ``--output`` also writes the JSON.

``--errors FILE`` writes every false-positive prediction and every missed gold span WITH ITS TEXT (JSON
lines) for error analysis: use it only on the invented probe set or public data, never on real data.

Usage (from the repository root):
  PYTHONPATH=. nice .venv/bin/python bench/probe/by_source.py bench/probe/probe_v1.jsonl \
      [--baseline presidio] [--config FILE] [--ablate METHOD] [--output out/probe/by_source.json] [--errors out/probe/errors.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from transforms.detection.metrics import Tally

Gold = Sequence[tuple[int, int, str]]
Pred = Sequence[tuple[int, int, str]]


def load(path: str) -> list[dict]:
    """Documents with ``id``, ``text``, ``source``, ``gold`` [(start, end, label)] and ``orig`` labels."""
    docs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            spans = row.get("spans", [])
            docs.append(
                {
                    "id": str(row["id"]),
                    "text": row["text"],
                    "source": str(row.get("source", "?")),
                    "gold": [(int(s["start"]), int(s["end"]), str(s["label"])) for s in spans],
                    "orig": [str(s.get("orig_label", s["label"])) for s in spans],
                }
            )
    return docs


def score_by_source(docs: Iterable[dict], preds: Iterable[Pred]) -> dict[str, dict]:
    """Metrics per source plus ``ALL``; each report also has ``per_orig_label_recall``."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    orig_tallies: dict[str, Tally] = defaultdict(Tally)
    for doc, pred in zip(docs, preds, strict=True):
        orig_gold = [(s, e, o) for (s, e, _), o in zip(doc["gold"], doc.get("orig", []), strict=False)]
        if len(orig_gold) != len(doc["gold"]):
            orig_gold = list(doc["gold"])
        for key in (doc["source"], "ALL"):
            tallies[key].add(doc["text"], doc["gold"], pred)
            orig_tallies[key].add(doc["text"], orig_gold, pred)
    out = {}
    for key in sorted(tallies, key=lambda k: (k == "ALL", k)):
        out[key] = {**tallies[key].report(), "per_orig_label_recall": orig_tallies[key].report()["per_label_recall"]}
    return out


def errors(docs: Iterable[dict], preds: Iterable[Pred], system: str) -> Iterable[dict]:
    """False positives (predicted spans with alnum chars outside gold) and misses (gold spans not fully covered)."""
    for doc, pred in zip(docs, preds, strict=True):
        text = doc["text"]
        in_gold = [False] * len(text)
        for s, e, _ in doc["gold"]:
            in_gold[s:e] = [True] * (e - s)
        covered = [False] * len(text)
        for s, e, _ in pred:
            covered[s:e] = [True] * (e - s)
        for s, e, label in pred:
            outside = sum(1 for i in range(s, e) if text[i].isalnum() and not in_gold[i])
            if outside:
                yield _row("fp", system, doc, s, e, label, outside)
        for (s, e, label), orig in zip(doc["gold"], doc["orig"], strict=True):
            missed = sum(1 for i in range(s, e) if text[i].isalnum() and not covered[i])
            if missed:
                yield _row("miss", system, doc, s, e, f"{label}/{orig}", missed)


def _row(kind: str, system: str, doc: dict, s: int, e: int, label: str, chars: int) -> dict:
    text = doc["text"]
    return {
        "kind": kind,
        "system": system,
        "source": doc["source"],
        "id": doc["id"],
        "label": label,
        "value": text[s:e],
        "alnum_chars": chars,
        "context": text[max(0, s - 30) : e + 30],
    }


def predict(
    docs: list[dict], config: str | None, baseline: bool, ablate: list[str] | None = None
) -> dict[str, list[list[tuple]]]:
    from transforms.config import load_config

    cfg = load_config(config)
    with tempfile.TemporaryDirectory() as tmp:  # holds the ablated recognizer YAML while detecting
        if ablate:  # the same switch as `redact eval --ablate`: methods or recognizers off
            from pipelines.commands.eval import _ablated_config

            cfg = _ablated_config(cfg, ablate, Path(tmp))
        out = {"redact": _detect(cfg, docs)}
    if baseline:
        from transforms.detection.baseline import VanillaPresidio

        vanilla = VanillaPresidio(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file)
        out["presidio"] = [[(s, e, lab) for s, e, lab, _ in p] for p in vanilla.detect_texts(d["text"] for d in docs)]
    return out


def _detect(cfg, docs: list[dict]) -> list[list[tuple]]:
    from transforms.detection.service import DetectionService

    preds = []
    for det in DetectionService(cfg).detect_texts((d["id"], d["text"]) for d in docs):
        if det.spans is None:
            raise SystemExit(f"by_source: detection failed on a document ({det.error})")
        preds.append([(s.start, s.end, s.label) for s in det.spans])
    return preds


def table(results: dict[str, dict[str, dict]]) -> str:
    lines = [
        "| source | system | docs | recall | precision | F2 | over-redaction | over-redaction by label (top 4) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    sources = next(iter(results.values())).keys()
    for src in sources:
        for system, per in results.items():
            m = per[src]
            orl = ", ".join(f"{k} {v}" for k, v in list(m["over_redaction_by_label"].items())[:4])
            lines.append(
                f"| {src} | {system} | {m['docs']} | {m['recall']} | {m['precision']} | {m['f2']} | "
                f"{m['over_redaction']} | {orl} |"
            )
    lines += ["", "| source | system | per-label recall |", "|---|---|---|"]
    for src in sources:
        for system, per in results.items():
            plr = ", ".join(f"{k} {v}" for k, v in per[src]["per_label_recall"].items())
            lines.append(f"| {src} | {system} | {plr} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold")
    ap.add_argument("--baseline", choices=["presidio"])
    ap.add_argument("--config", help="run config (default: the built-in defaults)")
    ap.add_argument("--output", help="also write the per-source metrics as JSON here")
    ap.add_argument("--errors", help="write false positives and misses (with text) as JSON lines here")
    ap.add_argument("--ablate", action="append", default=[], metavar="NAME", help="as in `redact eval --ablate`")
    a = ap.parse_args(argv)
    docs = load(a.gold)
    preds = predict(docs, a.config, a.baseline == "presidio", a.ablate)
    results = {system: score_by_source(docs, p) for system, p in preds.items()}
    print(table(results))
    if a.output:
        Path(a.output).parent.mkdir(parents=True, exist_ok=True)
        Path(a.output).write_text(json.dumps(results, indent=2) + "\n")
    if a.errors:
        Path(a.errors).parent.mkdir(parents=True, exist_ok=True)
        with open(a.errors, "w", encoding="utf-8") as fh:
            for system, p in preds.items():
                for row in errors(docs, p, system):
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
