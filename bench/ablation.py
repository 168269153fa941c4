"""Per-method ablation of the detector over the four development sets and probes v1-v4, in one process.

For the full default configuration (the reference row) and then for each method switched off (every key
of ``methods:`` in the recognizer YAML, read from the config so new methods are picked up; optionally
named recognizers too), one ``Detector`` is built, every text is detected and scored with the same code
as ``redact eval`` (``transforms/detection/eval_run.evaluate`` -> ``metrics.Tally``; definitions in
``shared/eval/README.md``). A method is switched off exactly as ``redact eval --ablate NAME`` does it
(``pipelines.commands.eval._ablated_config``).

Sign convention: every change is (all on) - (this method off), i.e. what the method does. A positive
recall change = the method adds recall; a positive over-redaction change = the method adds
over-redaction; a positive precision change = the method adds precision.

Only counts and ratios are printed or written, never text. The probe list is explicit: probe_v5 and later
are held out and refused.

NER cache (``--ner-cache``, on by default): the spaCy artifacts of a text are remembered under the exact
string spaCy is given, so a configuration that feeds spaCy the same string reuses them; a configuration
that changes what spaCy sees (``segment_casing`` off re-cases differently) has a different key and gets a
fresh analysis. ``tests/bench/test_ablation.py`` checks that cached and uncached runs give identical spans,
and every run re-scores the reference configuration from the cache at the end and exits 1 unless the
scores are identical to the uncached reference row.

Usage (from the repository root; ``make ablation`` runs it with the defaults of the Makefile):
  PYTHONPATH=. nice .venv/bin/python bench/ablation.py [--limit N] [--limit SET=N] [--sets NAME ...]
      [--methods NAME ...] [--recognizers NAME ...] [--output FILE] [--flag-threshold 0.01] [--config FILE]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SETS = ("presidio_synth_v2", "slurp_devel", "resumes_dev", "crossner_dev")
PROBES = ("probe_v1", "probe_v2", "probe_v3", "probe_v4")  # probe_v5 and later are held out: never here
SHORT = {
    "presidio_synth_v2": "synth",
    "slurp_devel": "slurp",
    "resumes_dev": "CVs",
    "crossner_dev": "CrossNER",
}
REFERENCE = "all on"
_PROBE_NAME = re.compile(r"probe_v(\d+)")


class AblationError(ValueError):
    """Bad arguments (unknown set, held-out probe, unknown method): a one-line message, exit 2."""


def check_set(name: str) -> str:
    m = _PROBE_NAME.fullmatch(name)
    if m and int(m.group(1)) >= 5:
        raise AblationError(f"{name} is held out: the ablation uses only {', '.join(PROBES)}")
    if name not in DEV_SETS + PROBES:
        raise AblationError(f"unknown set {name!r} (sets: {', '.join(DEV_SETS + PROBES)})")
    return name


def set_path(name: str, eval_dir: Path) -> Path:
    return ROOT / "bench" / "probe" / f"{name}.jsonl" if name in PROBES else eval_dir / f"{name}.jsonl"


def load_sets(names: list[str], limits: dict[str, int | None], eval_dir: Path) -> dict[str, list[dict]]:
    """Gold documents per set (``redact eval``'s reader), the first ``limits[name]`` of each."""
    from pipelines.commands.eval import load_gold

    return {n: load_gold(str(set_path(check_set(n), eval_dir)), limits.get(n)) for n in names}


def configurations(rules, methods: list[str] | None = None, recognizers: list[str] = ()) -> list[tuple]:
    """(name, kind, ablate-list): the reference, then each method of ``rules.methods`` (all, in the config's
    order, or the named subset), then each named recognizer."""
    known = list(rules.methods.model_dump())
    chosen = known if methods is None else methods
    unknown = [m for m in chosen if m not in known]
    if unknown:
        raise AblationError(f"unknown method(s) {unknown} (methods: {', '.join(known)})")
    names = {r.name for r in rules.recognizers}
    bad = [r for r in recognizers if r not in names]
    if bad:
        raise AblationError(f"unknown recognizer(s) {bad} (YAML recognizers: {', '.join(sorted(names))})")
    return (
        [(REFERENCE, "reference", [])]
        + [(m, "method", [m]) for m in chosen]
        + [(r, "recognizer", [r]) for r in recognizers]
    )


class NerCache:
    """spaCy artifacts by (language, exact text given to spaCy); at most ``max_chars`` characters of text
    are kept (later texts are analysed, not stored), so memory stays bounded."""

    def __init__(self, max_chars: int = 4_000_000) -> None:
        self.store: dict[tuple[str, str], object] = {}
        self.max_chars, self.chars, self.hits, self.misses = max_chars, 0, 0, 0

    def _put(self, key: tuple[str, str], art) -> None:
        if self.chars + len(key[1]) <= self.max_chars:
            self.store[key] = art
            self.chars += len(key[1])

    def install(self, nlp_engine) -> None:
        """Wrap ``nlp_engine.process_text``/``process_batch`` (Presidio's ``SpacyNlpEngine``) in the cache."""
        single, batch = nlp_engine.process_text, nlp_engine.process_batch

        def process_text(text, language):
            art = self.store.get((language, text))
            if art is None:
                self.misses += 1
                art = single(text, language)
                self._put((language, text), art)
            else:
                self.hits += 1
            return art

        def process_batch(texts, language, batch_size=1, n_process=1, as_tuples=False):
            if as_tuples:  # not used by the Detector; pass through unchanged
                yield from batch(texts, language, batch_size=batch_size, n_process=n_process, as_tuples=True)
                return
            texts = list(texts)
            missing = [t for t in dict.fromkeys(texts) if (language, t) not in self.store]
            fresh = dict(batch(missing, language, batch_size=batch_size, n_process=n_process)) if missing else {}
            self.misses += len(missing)
            self.hits += len(texts) - len(missing)
            for t, art in fresh.items():
                self._put((language, t), art)
            for t in texts:
                yield t, fresh[t] if t in fresh else self.store[(language, t)]

        nlp_engine.process_text, nlp_engine.process_batch = process_text, process_batch


def run_config(base_cfg, ablate: list[str], sets: dict[str, list[dict]], cache: NerCache | None) -> dict:
    """One configuration: build its Detector once, score every set. Returns {set: report}."""
    from pipelines.commands.eval import _ablated_config
    from transforms.detection.detector import Detector
    from transforms.detection.eval_run import evaluate

    with tempfile.TemporaryDirectory() as tmp:  # a fresh path per config: the YAML loader caches by path
        cfg = _ablated_config(base_cfg, ablate, Path(tmp)) if ablate else base_cfg
        detector = Detector(cfg.detection)
        if cache is not None:
            cache.install(detector.engine.nlp_engine)
        try:
            out = {}
            for name, docs in sets.items():
                report = evaluate(cfg, docs, detector=detector)["redact"]
                report.pop("seconds", None)  # wall time of a shared machine: meaningless here
                out[name] = report
            return out
        finally:
            detector._logger.removeHandler(detector._watch)  # one handler per Detector on a global logger
            del detector
            gc.collect()


def ablation(
    base_cfg,
    sets: dict[str, list[dict]],
    configs: list[tuple],
    cache: NerCache | None = None,
    progress: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> list[dict]:
    """Score every configuration on every set; one progress line per configuration (CPU seconds)."""
    rows, started = [], time.process_time()
    for i, (name, kind, ablate) in enumerate(configs, 1):
        t0 = time.process_time()
        scores = run_config(base_cfg, ablate, sets, cache)
        cpu = time.process_time() - t0
        rows.append({"name": name, "kind": kind, "ablate": ablate, "cpu_seconds": round(cpu, 1), "sets": scores})
        cached = f", NER cache {cache.hits} hits / {cache.misses} misses" if cache else ""
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        total = time.process_time() - started
        progress(f"[{i}/{len(configs)}] {name}: {cpu:.1f} CPU-s (total {total:.1f}, max RSS {rss} MB){cached}")
    return rows


def check_cache(base_cfg, sets: dict[str, list[dict]], reference: dict, cache: NerCache) -> bool:
    """Re-score the reference configuration with every spaCy analysis served from the cache: the scores
    must equal the reference row, which was computed before anything was cached."""
    misses = cache.misses
    again = run_config(base_cfg, [], sets, cache)
    return again == reference and cache.misses == misses


def deltas(rows: list[dict], threshold: float) -> list[dict]:
    """Per non-reference row: (reference - row) of recall, precision, over-redaction per set, and every
    per-label recall change larger than ``threshold`` in absolute value (what the method does)."""
    ref = rows[0]["sets"]
    out = []
    for row in rows[1:]:
        per_set, flags = {}, []
        for name, m in row["sets"].items():
            r = ref[name]
            per_set[name] = {k: _diff(r[k], m[k]) for k in ("recall", "precision", "over_redaction")}
            for label, value in r["per_label_recall"].items():
                d = _diff(value, m["per_label_recall"].get(label))
                if d is not None and abs(d) > threshold:
                    flags.append({"set": name, "label": label, "change": d})
        out.append({"name": row["name"], "kind": row["kind"], "sets": per_set, "label_flags": flags})
    return out


def _diff(on, off) -> float | None:
    return None if on is None or off is None else round(on - off, 4)


def _signed(x: float | None) -> str:
    return "n/a" if x is None else f"{x:+.4f}"


def markdown(rows: list[dict], changes: list[dict], threshold: float) -> str:
    """Rows = configurations; per set 'R / OR' (reference absolute, others the method's change), plus synth
    precision. Blank cell = no change at 4 decimals."""
    names = list(rows[0]["sets"])
    synth = "presidio_synth_v2" if "presidio_synth_v2" in names else None
    head = [SHORT.get(n, n) for n in names] + (["synth P"] if synth else [])
    lines = [
        "| method | " + " | ".join(head) + " |",
        "|---|" + "---|" * len(head),
    ]
    ref = rows[0]["sets"]
    cells = [f"R {ref[n]['recall']} / OR {ref[n]['over_redaction']}" for n in names]
    lines.append(
        f"| {REFERENCE} (absolute) | " + " | ".join(cells + ([str(ref[synth]["precision"])] if synth else [])) + " |"
    )
    for c in changes:
        cells = []
        for n in names:
            d = c["sets"][n]
            parts = [f"{k} {_signed(d[key])}" for k, key in (("R", "recall"), ("OR", "over_redaction")) if d[key]]
            cells.append(" / ".join(parts))
        if synth:
            p = c["sets"][synth]["precision"]
            cells.append(_signed(p) if p else "")
        label = f"`{c['name']}`" + (" (recognizer)" if c["kind"] == "recognizer" else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    idle = [c["name"] for c in changes if not any(v for d in c["sets"].values() for v in d.values())]
    flagged = [c for c in changes if c["label_flags"]]
    lines += [
        "",
        "Change = (all on) - (method off): positive R = the method adds recall, positive OR = it adds "
        "over-redaction, positive synth P = it adds precision; blank = no change at 4 decimals.",
    ]
    if flagged:
        lines += ["", f"Per-label recall changes larger than {threshold} (same sign):"]
        for c in flagged:
            moves = ", ".join(
                f"{SHORT.get(f['set'], f['set'])} {f['label']} {_signed(f['change'])}" for f in c["label_flags"]
            )
            lines.append(f"- `{c['name']}`: {moves}")
    lines += ["", "No change on any set: " + (", ".join(f"`{n}`" for n in idle) if idle else "none")]
    return "\n".join(lines)


def parse_limits(values: list[str]) -> tuple[int | None, dict[str, int]]:
    """``--limit N`` (every set) and ``--limit SET=N`` (one set; wins over N)."""
    default, per_set = None, {}
    for v in values:
        name, _, n = v.rpartition("=")
        if not n.isdigit() or int(n) < 1:
            raise AblationError(f"--limit {v!r}: expected N or SET=N with N >= 1")
        if name:
            per_set[check_set(name)] = int(n)
        else:
            default = int(n)
    return default, per_set


def _commit() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        )
        return rev.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", nargs="+", default=list(DEV_SETS + PROBES), metavar="NAME")
    ap.add_argument("--limit", action="append", default=[], metavar="N|SET=N", help="first N documents per set")
    ap.add_argument("--methods", nargs="+", metavar="NAME", help="only these `methods:` keys (default: all)")
    ap.add_argument("--recognizers", nargs="+", default=[], metavar="NAME", help="also ablate these recognizers")
    ap.add_argument("--flag-threshold", type=float, default=0.01, help="flag per-label recall moves above this")
    ap.add_argument("--output", metavar="FILE", help="JSON (default bench/results/ablation-<UTC>.json)")
    ap.add_argument("--eval-dir", default=os.environ.get("REDACT_SHARED_DIR", str(ROOT.parent / "shared")) + "/eval")
    ap.add_argument("--no-ner-cache", action="store_true", help="run spaCy afresh for every configuration")
    ap.add_argument("--config", metavar="FILE", help="run config YAML (default: embedded defaults)")
    args = ap.parse_args(argv)
    try:
        from transforms.config import load_config
        from transforms.detection.recognizer_config import load_recognizers_file
        from transforms.errors import ConfigError, InputError

        if os.nice(0) < 10:
            os.nice(10 - os.nice(0))
        stamp, commit = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"), _commit()  # the code that runs
        default, per_set = parse_limits(args.limit)
        names = [check_set(n) for n in args.sets]
        limits = {n: per_set.get(n, default) for n in names}
        cfg = load_config(args.config)
        configs = configurations(load_recognizers_file(cfg.detection.recognizers_file), args.methods, args.recognizers)
        sets = load_sets(names, limits, Path(args.eval_dir))
    except (AblationError, ConfigError, InputError) as exc:
        print(f"ablation: {exc}", file=sys.stderr)
        return 2
    print(
        f"ablation: {len(configs)} configurations x {len(sets)} sets ({sum(len(d) for d in sets.values())} documents)",
        file=sys.stderr,
        flush=True,
    )
    t0 = time.process_time()
    cache = None if args.no_ner_cache else NerCache()
    rows = ablation(cfg, sets, configs, cache)
    same = None
    if cache is not None and configs[0][1] == "reference":
        same = check_cache(cfg, sets, rows[0]["sets"], cache)
        print(
            f"ablation: cache check (reference re-scored from the NER cache): {'identical' if same else 'DIFFERENT'}",
            file=sys.stderr,
            flush=True,
        )
    changes = deltas(rows, args.flag_threshold)
    result = {
        "created_utc": stamp,
        "commit": commit,
        "command": "bench/ablation.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "limits": limits,
        "docs": {n: len(d) for n, d in sets.items()},
        "ner_cache": not args.no_ner_cache,
        "ner_cache_check_identical": same,
        "cpu_seconds": round(time.process_time() - t0, 1),
        "flag_threshold": args.flag_threshold,
        "sign": "change = (all on) - (method off): positive = what the method adds",
        "rows": rows,
        "changes": changes,
    }
    out = Path(args.output) if args.output else ROOT / "bench" / "results" / f"ablation-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, separators=(",", ":")) + "\n")  # compact: 34 configs x 8 sets
    print(markdown(rows, changes, args.flag_threshold))
    print(f"ablation: {result['cpu_seconds']} CPU-s; JSON in {out}", file=sys.stderr)
    if same is False:
        print("ablation: the NER cache changed the reference scores: rerun with --no-ner-cache", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
