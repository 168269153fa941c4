"""``redact run``: the main job."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from pipelines.commands.common import add_config_options, config_from_args
from pipelines.gate import gate_version
from pipelines.run import RunRequest, run
from transforms.errors import GateFailure, PipelineFailure


def register(sub) -> None:
    p = sub.add_parser(
        "run",
        help="redact a corpus into a Parquet training dataset",
        description="Read documents/transcripts, detect PII, tokenize it, write Parquet, manifest and publish. "
        "Unknown options are passed to Apache Beam (e.g. --runner, --direct_num_workers).",
    )
    p.add_argument(
        "--input",
        required=True,
        action="append",
        metavar="PATH_OR_GLOB",
        help="file, directory (every file below it) or glob; local, s3:// or gs://; repeatable",
    )
    p.add_argument("--output", required=True, metavar="DIR", help="output root (training/, vault/, quarantine/ ...)")
    add_config_options(p)
    p.add_argument("--summary-json", metavar="FILE", help="write a machine-readable run summary here")
    p.add_argument("--no-publish", action="store_true", help="write, check and gate the version but do not publish it")
    p.set_defaults(func=main, accepts_extra=True)


def main(args: argparse.Namespace) -> int:
    from rich.console import Console

    cfg = config_from_args(args)
    req = RunRequest(
        inputs=args.input,
        output=args.output,
        config=cfg,
        beam_args=args.extra,
        publish=not args.no_publish and cfg.publish == "on_success",
    )
    console = Console(stderr=True)
    started = time.monotonic()
    with console.status("[bold]redacting[/] (reading, detecting, tokenizing, writing)…", spinner="dots"):
        summary = run(req, gate=lambda layout, version, manifest: gate_version(layout, version, manifest, cfg))
    summary["elapsed_seconds"] = round(time.monotonic() - started, 2)
    if args.summary_json:
        Path(args.summary_json).write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    print_summary(Console(), summary)
    if summary["status"] != "complete":
        raise PipelineFailure(f"version {summary['version']} failed: {'; '.join(summary.get('failures', []))}")
    gate = summary.get("gate") or {}
    if not gate.get("success"):
        raise GateFailure(
            f"version {summary['version']} failed its gate ({len(gate.get('failed', []))} expectations); "
            f"not published; see {gate.get('summary')}"
        )
    return 0


def print_summary(console, s: dict) -> None:
    from rich.table import Table

    c = s["counts"]
    t = Table(title=f"redact run {s['run_id']} -> {s['version']}", show_header=False, box=None)
    t.add_row("records read", str(c["read"]))
    t.add_row("written to training", str(c["written"]))
    t.add_row("quarantined", f"{c['quarantined_total']} {c['quarantined'] or ''}")
    t.add_row("dropped by policy", f"{c['dropped_total']} {c['dropped'] or ''}")
    t.add_row("entities", ", ".join(f"{k} {v}" for k, v in s["entities"].items()) or "none")
    t.add_row("reconciled", "yes" if s["reconciliation"]["ok"] else "NO")
    gate = s.get("gate") or {}
    t.add_row("gate", ("passed" if gate.get("success") else "FAILED") + f" (report: {gate.get('data_docs')})")
    t.add_row("published", "yes (CURRENT updated)" if s["published"] else "no")
    t.add_row("training", s["outputs"]["training"])
    t.add_row("vault", s["outputs"]["vault"])
    t.add_row("quarantine", s["outputs"]["quarantine"])
    t.add_row("elapsed", f"{s.get('elapsed_seconds', 0)} s")
    console.print(t)
