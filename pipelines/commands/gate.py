"""``redact gate``: validate one dataset version with the quality gate (exit 6 when it fails)."""

from __future__ import annotations

import argparse

from pipelines.dataset import Layout, latest_complete_version, load_complete_manifest
from pipelines.gate import gate_version
from transforms.config import load_config
from transforms.errors import GateFailure


def register(sub) -> None:
    p = sub.add_parser(
        "gate",
        help="validate a dataset version (GE suites, residual PII, tokens, canaries); writes _gate/ report",
        description="Validate one dataset version. Writes OUT/training/<version>/_gate/summary.json and "
        "_gate/data_docs/index.html (Great Expectations Data Docs). Exit 6 when the gate fails.",
    )
    p.add_argument("--dataset", required=True, metavar="OUT", help="the output root given to 'redact run'")
    p.add_argument("--version", metavar="V", help="dataset version (default: the newest complete one)")
    p.add_argument("--config", metavar="FILE", help="YAML configuration (gates thresholds, output roots)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    cfg = load_config(args.config)
    layout = Layout.build(args.dataset, cfg.outputs)
    version = args.version or latest_complete_version(layout)
    manifest = load_complete_manifest(layout, version)
    result = gate_version(layout, version, manifest, cfg)
    print_result(version, result)
    if not result["success"]:
        raise GateFailure(
            f"version {version} failed its gate ({len(result['failed'])} expectations); see {result['summary']}"
        )
    return 0


def print_result(version: str, result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(
        title=f"redact gate {version}: {'PASSED' if result['success'] else 'FAILED'}", show_header=False, box=None
    )
    for name, ok in sorted(result["suites"].items()):
        t.add_row(name, "pass" if ok else "FAIL")
    for failed in result["failed"]:
        t.add_row("failed", failed)
    t.add_row("summary", result["summary"])
    t.add_row("data docs", result["data_docs"])
    Console().print(t)
