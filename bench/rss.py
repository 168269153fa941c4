"""Peak RSS against corpus size: is memory flat from a 10 MB to a 100 MB corpus?

For each size (``--mb``), generates the seeded corpus (``bench/corpus.py``: one documents.jsonl and one
chats.jsonl, so each file is about half the corpus) and runs, as a subprocess timed and watched by
``procmon`` (peak RSS of every process in the tree, /proc ``VmHWM``):

* ``--stage read`` (default): the input stage alone, ``ReadRecords`` on the DirectRunner followed by a
  count (the records flow on in the same fused stage, as they do into canonicalize/detect/write in a
  run). ``--whole`` reads every file whole instead of streaming JSON Lines (the previous reader), for
  comparison.
* ``--stage run``: the whole ``redact run`` (slow: about 45 CPU-seconds per MB of text on one core).
  ``pipeline_peak_rss_mb`` is the ``redact`` process's peak when the training files first appear (the
  Beam pipeline done); the rest of the run (reconciling, manifest, gate) may raise the peak after that.

Writes ``bench/results/rss-<time>[-label].json``. Usage:
``nice .venv/bin/python bench/rss.py --mb 10 100`` (``--stage run --mb 1 10`` for the whole run).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import corpus as corpus_mod  # noqa: E402
import procmon  # noqa: E402


def watch_pipeline_end(work: Path, done: threading.Event, out: dict) -> None:
    """Until ``done``: when the run's training files first appear, record the peak RSS (VmHWM) so far of
    the process whose command line names ``work`` (the ``redact run`` launched by ``measure``)."""
    while not done.wait(0.5):
        if not list((work / "out" / "training").glob("*/data/*.parquet")):
            continue
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                if str(work).encode() in (proc / "cmdline").read_bytes():
                    status = (proc / "status").read_text()
                    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
                    out["pipeline_peak_rss_mb"] = max(out.get("pipeline_peak_rss_mb", 0.0), round(kb / 1024, 1))
            except (OSError, StopIteration, ValueError):
                continue
        return


def role_read(input_dir: str, out: str, whole: bool) -> None:
    """``ReadRecords`` -> count, on the DirectRunner (in-process): records read while the file streams."""
    import apache_beam as beam

    import transforms.read as read_mod
    from transforms.config import InputConfig

    if whole:
        read_mod.streamable = lambda path: False  # the whole-file reader, for comparison
    t0 = time.process_time()
    with beam.Pipeline() as p:
        read = p | read_mod.ReadRecords([f"{input_dir}/*.jsonl"], InputConfig())
        (
            read.records
            | beam.combiners.Count.Globally()
            | beam.Map(lambda n: Path(out).write_text(json.dumps({"records": n})))
        )
    result = json.loads(Path(out).read_text())
    result["cpu_s"] = round(time.process_time() - t0, 2)
    Path(out).write_text(json.dumps(result))


def measure(stage: str, mb: float, seed: int, whole: bool, work: Path) -> dict:
    corpus = corpus_mod.generate_mb(mb, seed)
    paths = corpus_mod.write(corpus, work)
    file_mb = {p.name: round(p.stat().st_size / 1e6, 1) for p in sorted(paths["run"].glob("*.jsonl"))}
    n = corpus.n_records()
    del corpus
    if stage == "read":
        out = work / "read.json"
        cmd = [sys.executable, __file__, "--role", "read", "--input", str(paths["run"]), "--out", str(out)]
        res = procmon.run(cmd + (["--whole"] if whole else []), env=procmon.nice_env())
        inner = json.loads(out.read_text()) if out.exists() else {}
    else:
        exe = Path(sys.executable).with_name("redact")
        cmd = [str(exe), "run", "--input", str(paths["run"]), "--output", str(work / "out")]
        cmd += ["--kek-uri", f"local://{work / 'kek.json'}", "--summary-json", str(work / "s.json")]
        done, phase = threading.Event(), {}
        watcher = threading.Thread(target=watch_pipeline_end, args=(work, done, phase), daemon=True)
        watcher.start()
        res = procmon.run(cmd, env=procmon.nice_env())
        done.set()
        watcher.join()
        s = work / "s.json"
        inner = {"records": json.loads(s.read_text())["counts"]["read"]} if s.exists() else {}
        inner.update(phase)
    if res.returncode:
        print(f"{stage} at {mb} MB failed (exit {res.returncode}):\n{res.stderr_tail}", file=sys.stderr)
    return {
        "mb": mb,
        "records": n,
        "files_mb": file_mb,
        "returncode": res.returncode,
        "wall_s": round(res.wall_s, 2),
        **inner,
        "peak_rss_mb": res.peak_rss_mb,
        "max_process_rss_mb": res.max_process_rss_mb,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, nargs="+", default=[10, 100], help="corpus sizes in MB of text")
    ap.add_argument("--stage", choices=["read", "run"], default="read")
    ap.add_argument("--whole", action="store_true", help="read files whole (the pre-streaming reader)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--results", default=str(HERE / "results"))
    ap.add_argument("--label", default="")
    ap.add_argument("--role", choices=["read"], help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.role:
        role_read(args.input, args.out, args.whole)
        return
    started = datetime.now(UTC)
    runs = []
    for mb in args.mb:
        with tempfile.TemporaryDirectory(prefix="redact-rss-") as tmp:
            runs.append(measure(args.stage, mb, args.seed, args.whole, Path(tmp)))
        r = runs[-1]
        pipe = f", pipeline {r['pipeline_peak_rss_mb']:.0f} MB" if "pipeline_peak_rss_mb" in r else ""
        print(
            f"{args.stage} {mb:6.1f} MB: {r['records']} records, max RSS/process {r['max_process_rss_mb']:.0f} MB{pipe}"
        )
    report = {
        "stage": args.stage,
        "reader": "whole-file" if args.whole else "streaming JSON Lines",
        "runs": runs,
        "command": " ".join(sys.argv),
        "started_at": started.isoformat(timespec="seconds"),
    }
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.stage}{'-whole' if args.whole else ''}{'-' + args.label if args.label else ''}"
    path = out / f"rss-{started.strftime('%Y%m%dT%H%M%SZ')}{suffix}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {path}")


if __name__ == "__main__":
    main()
