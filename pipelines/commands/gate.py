"""``redact gate``: validate one dataset version with the quality gate (exit 6 when it fails).

A failed gate of the published version removes ``CURRENT``: the gate holds the purge lock
(``pipelines/locks.py``) meanwhile, so it never races a purge or a publish moving the pointer, and is
refused (exit 7, nothing written) while one of them holds it."""

from __future__ import annotations

import argparse

from pipelines.commands.options import add_output_root


def register(sub) -> None:
    p = sub.add_parser(
        "gate",
        help="validate a dataset version (GE suites, residual PII, tokens, canaries); writes _gate/ report",
        description="Validate one dataset version. Writes OUT/training/<version>/_gate/summary.json, "
        "_gate/report.html (self-contained: opens offline) and _gate/data_docs/ (Great Expectations Data "
        "Docs). Exit 6 when the gate fails (a failed published version is unpublished); exit 7 while a "
        "purge or publish holds the dataset root.",
    )
    add_output_root(p, old_dataset=True)
    p.add_argument("--version", metavar="V", help="dataset version (default: the newest complete one)")
    p.add_argument("--config", metavar="FILE", help="YAML configuration (gates thresholds, output roots)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pipelines.dataset import Layout, latest_complete_version, load_complete_manifest
    from pipelines.gate import gate_version
    from pipelines.locks import purge_lock
    from transforms.config import load_config
    from transforms.errors import GateFailure

    cfg = load_config(args.config)
    layout = Layout.build(args.output, cfg.outputs)
    version = args.version or latest_complete_version(layout)
    manifest = load_complete_manifest(layout, version)
    with purge_lock(layout, refuse_runs=False, command="gate"):
        result = gate_version(layout, version, manifest, cfg)
    print_result(version, result)
    if not result["success"]:
        raise GateFailure(
            f"version {version} failed its gate ({len(result['failed'])} expectations); "
            f"see {result.get('report') or result['summary']}"
        )
    return 0


def print_result(version: str, result: dict) -> None:
    from pipelines.console import print_fields

    rows = [(name, "passed" if ok else "FAILED") for name, ok in sorted(result["suites"].items())]
    rows += [("failed", failed) for failed in result["failed"]]
    if result.get("report"):
        rows.append(("report", result["report"]))
    rows += [("summary", result["summary"]), ("data docs", result["data_docs"])]
    print_fields(f"redact gate {version}: {'passed' if result['success'] else 'FAILED'}", rows)
