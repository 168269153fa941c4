"""CPU and wall seconds of the quality gate on an existing output, as ``redact run`` calls it.

The gate runs after the pipeline, so spaCy, pandas, pyarrow and scipy are imported first (Great
Expectations is not, as in a run). ``--code DIR`` runs another checkout's gate (e.g. an exported older
commit) on the same output, so two versions compare one after the other in one command:

    git archive <commit> | tar -x -C /tmp/old
    for c in /tmp/old .; do nice .venv/bin/python bench/gate_cpu.py --output OUT --code $c; done

CPU counts this process and its children (the NER child after a several-worker run: ``--workers 2``).
Memory: this process's RSS before the gate and its peak after (the peak includes the imports before
the gate, which the RSS before already holds), and the largest child's peak.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time


def _cpu() -> tuple[float, float]:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def _rss_mb() -> float:
    """This process's resident set now (/proc: Linux)."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def _peak_mb() -> tuple[float, float]:
    """Peak resident set of this process and of its largest waited-for child (MB)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_maxrss / 1024, kids.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--output", required=True, help="output root of a finished run")
    ap.add_argument("--code", default=".", help="checkout whose gate to run")
    ap.add_argument("--workers", type=int, default=1, help="the run's worker count (n_process)")
    args = ap.parse_args()
    sys.path.insert(0, args.code)
    import pandas  # noqa: F401  (imported by the run before its gate)
    import pyarrow  # noqa: F401
    import scipy.stats  # noqa: F401
    import spacy  # noqa: F401

    from pipelines.dataset import Layout, latest_complete_version, load_complete_manifest
    from pipelines.gate import gate_version
    from transforms.config import load_config

    cfg = load_config(None)
    layout = Layout.build(args.output, cfg.outputs)
    version = latest_complete_version(layout)
    manifest = load_complete_manifest(layout, version)
    rss_before = _rss_mb()
    wall, (own, kids) = time.perf_counter(), _cpu()
    result = gate_version(layout, version, manifest, cfg, n_process=args.workers)
    wall, (own2, kids2) = time.perf_counter() - wall, _cpu()
    peak, child_peak = _peak_mb()
    print(
        f"{args.code}: gate {wall:.2f} s wall, {own2 - own + kids2 - kids:.2f} CPU-s (this process "
        f"{own2 - own:.2f}, children {kids2 - kids:.2f}), workers {args.workers}, passed {result['success']}; "
        f"RSS {rss_before:.0f} MB before the gate, peak {peak:.0f} MB (+{peak - rss_before:.0f}), "
        f"largest child {child_peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
