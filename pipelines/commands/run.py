"""``redact run``: the main job."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

from pipelines.commands.common import add_config_options, config_from_args
from pipelines.commands.options import add_ner_child, add_output_root

log = logging.getLogger(__name__)


def register(sub) -> None:
    p = sub.add_parser(
        "run",
        help="redact a corpus into a Parquet training dataset",
        description="Read documents/transcripts, detect PII, tokenize it, write Parquet, manifest and publish. "
        "Other options must be Apache Beam pipeline options (e.g. --runner, --direct_num_workers); anything "
        "else is refused (exit 2) before anything is read.",
    )
    p.add_argument(
        "--input",
        required=True,
        action="append",
        metavar="PATH_OR_GLOB",
        help="file, directory (every file below it) or glob; local, s3:// or gs://; repeatable",
    )
    add_output_root(p, help="output root to write (training/, vault/, quarantine/, audit/ ...)")
    add_config_options(p)
    p.add_argument("--summary-json", metavar="FILE", help="write a machine-readable run summary here")
    p.add_argument("--no-publish", action="store_true", help="write, check and gate the version but do not publish it")
    add_ner_child(
        p,
        auto="when the pipeline runs here with one worker and the machine has another core",
        what="detect whole batches in a child process too, beside the worker's own",
    )
    p.set_defaults(func=main, beam=True, early=warm_server)


@contextlib.contextmanager
def warm_server(extra: list[str]) -> Iterator[None]:
    """The CLI enters this before anything else, Beam's check of ``extra`` included (it imports Beam: a
    second or two): with several local worker processes, the server they are forked from starts now and
    imports beside the launcher's start-up (``pipelines.warm_workers``). However the command ends, the
    server is killed, so it does not go on importing (a no-op once the pipeline has stopped it)."""
    from pipelines import warm_workers

    if warm_workers.wanted(extra):
        try:
            warm_workers.start()
        except Exception as exc:  # the run goes on; Beam spawns its workers cold, as without the server
            log.warning("the warm worker server did not start (%s); workers start cold", type(exc).__name__)
    try:
        yield
    finally:
        warm_workers.stop(kill=True)


def main(args: argparse.Namespace) -> int:
    from pipelines.beam_runner import dofns_run_here, local_workers, ner_child_wanted, runs_locally
    from pipelines.progress import run_progress
    from pipelines.run import RunRequest, run
    from pipelines.run_gate import RunGate
    from transforms.errors import GateFailure, PipelineFailure

    cfg = config_from_args(args)
    req = RunRequest(
        inputs=args.input,
        output=args.output,
        config=cfg,
        beam_args=args.extra,
        publish=not args.no_publish and cfg.publish == "on_success",
        release_after_pipeline=True,  # one pipeline per process: the gate may reuse its memory
        ner_child=ner_child_wanted(args.ner_child, args.extra),
    )
    started = time.monotonic()
    workers = local_workers(args.extra)  # the gate runs alone after the pipeline: its NER scan may use them
    with (
        run_progress(args.input, every_records=cfg.progress_every, live=dofns_run_here(args.extra)),
        RunGate(cfg, n_process=workers, early=runs_locally(args.extra)) as gate,
    ):
        summary = run(req, gate=gate)
    summary["elapsed_seconds"] = round(time.monotonic() - started, 2)
    if args.summary_json:
        Path(args.summary_json).write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    print_summary(summary)
    if summary["status"] != "complete":
        raise PipelineFailure(f"version {summary['version']} {stop_line(summary)}")
    gate = summary.get("gate") or {}
    if not gate.get("success"):
        raise GateFailure(
            f"version {summary['version']} failed its gate ({len(gate.get('failed', []))} expectations); "
            f"not published; see {gate.get('report') or gate.get('summary')}"
        )
    return 0


def stop_line(s: dict) -> str:
    """Why a run stopped before its gate, in one line of plain words (ids and counts only)."""
    return "stopped: " + "; ".join(s.get("failures") or ["the run did not complete"]) + "; nothing published"


def gate_line(s: dict) -> str:
    gate = s.get("gate")
    if s["status"] != "complete":
        return "not run (the run stopped before it)"
    if not gate:
        return "not run"
    if gate.get("success"):
        return "passed"
    return f"FAILED ({len(gate.get('failed', []))} expectations)"


def published_line(s: dict) -> str:
    if s["published"]:
        return "yes (CURRENT updated)"
    if s["status"] != "complete":
        return "no (the run stopped; the previous published version, if any, is unchanged)"
    return "no (the previous published version, if any, is unchanged)"


def print_summary(s: dict, out=None) -> None:
    from pipelines.console import plain_counts, print_fields, total_with_reasons

    c = s["counts"]
    rows = [
        ("status", "complete" if s["status"] == "complete" else stop_line(s)),
        ("records read", str(c["read"])),
        ("written to training", str(c["written"])),
        ("quarantined", total_with_reasons(c["quarantined_total"], c["quarantined"])),
        ("dropped by policy", total_with_reasons(c["dropped_total"], c["dropped"])),
        ("entities", plain_counts(s["entities"]) or "none"),
        ("reconciled", "yes" if s["reconciliation"]["ok"] else "NO (read != written + quarantined + dropped)"),
        ("gate", gate_line(s)),
    ]
    gate = s.get("gate") or {}
    if gate.get("report"):
        rows.append(("gate report", gate["report"]))
    elif gate.get("summary"):
        rows.append(("gate summary", gate["summary"]))
    rows += [
        ("published", published_line(s)),
        ("training", s["outputs"]["training"]),
        ("vault", s["outputs"]["vault"]),
        ("quarantine", s["outputs"]["quarantine"]),
        ("elapsed", f"{s.get('elapsed_seconds', 0)} s"),
    ]
    print_fields(f"redact run {s['run_id']} -> {s['version']}", rows, out)
