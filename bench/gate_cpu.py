"""CPU and wall seconds of the quality gate on an existing output, as ``redact run`` calls it.

The gate runs after the pipeline, so spaCy, pandas, pyarrow and scipy are imported first (Great
Expectations is not, as in a run). ``--code DIR`` runs another checkout's gate (e.g. an exported older
commit) on the same output, so two versions compare one after the other in one command:

    git archive <commit> | tar -x -C /tmp/old
    for c in /tmp/old .; do nice .venv/bin/python bench/gate_cpu.py --output OUT --code $c; done

CPU counts this process and its children (the NER child, whenever the machine has a second core or
``--workers`` is above 1). ``--early S`` starts that child S seconds before the gate (``NerJob.ready``, as
``redact run`` does before its pipeline) and reports its warm-up CPU (imports, model load) apart: the
gate's own share is what remains. Wall time is only meaningful on an idle machine.
Memory: this process's RSS before the gate and its peak after (the peak includes the imports before
the gate, which the RSS before already holds), and the largest child's peak.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path


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


def _proc_cpu(pid: int) -> float:
    """CPU seconds of a running process (/proc: Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--output", required=True, help="output root of a finished run")
    ap.add_argument("--code", default=".", help="checkout whose gate to run")
    ap.add_argument("--workers", type=int, default=1, help="the run's worker count (n_process)")
    ap.add_argument("--early", type=float, default=0.0, metavar="S", help="start the NER child S s before")
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
    job, warm = None, 0.0
    if args.early:
        from transforms.gates.ner_check import NerJob, overlaps

        job = NerJob.ready(cfg, processes=args.workers, child=overlaps(args.workers))  # as redact run
        time.sleep(args.early)  # the run's pipeline, meanwhile
        warm = _proc_cpu(job._proc.pid) if job.parallel else 0.0
    extra = {"job": job} if job is not None else {}
    rss_before = _rss_mb()
    wall, (own, kids) = time.perf_counter(), _cpu()
    result = gate_version(layout, version, manifest, cfg, n_process=args.workers, **extra)
    wall, (own2, kids2) = time.perf_counter() - wall, _cpu()
    kids += warm  # the child's warm-up ran before the gate: not the gate's (it is reaped during it)
    peak, child_peak = _peak_mb()
    print(
        f"{args.code}: gate {wall:.2f} s wall, {own2 - own + kids2 - kids:.2f} CPU-s (this process "
        f"{own2 - own:.2f}, children {kids2 - kids:.2f}; child warm-up before the gate {warm:.2f}), "
        f"workers {args.workers}, passed {result['success']}; "
        f"RSS {rss_before:.0f} MB before the gate, peak {peak:.0f} MB (+{peak - rss_before:.0f}), "
        f"largest child {child_peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
