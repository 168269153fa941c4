"""``redact publish``: point ``CURRENT`` at a version whose gate passed (for versions gated later)."""

from __future__ import annotations

import argparse

from pipelines.commands.options import add_output_root


def register(sub) -> None:
    p = sub.add_parser(
        "publish",
        help="publish a gated dataset version (atomically replaces OUT/training/CURRENT)",
        description="Refuses (exit 6) unless the version's manifest is complete, its last gate passed and its "
        "files are unchanged since; exit 2 when the version is missing or incomplete.",
    )
    add_output_root(p, old_dataset=True)
    p.add_argument("--version", required=True, metavar="V", help="the dataset version to publish")
    p.add_argument("--config", metavar="FILE", help="YAML configuration (output roots)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pipelines.dataset import Layout
    from pipelines.gate import publish_gated
    from transforms.config import load_config

    cfg = load_config(args.config)
    layout = Layout.build(args.output, cfg.outputs)
    publish_gated(layout, args.version)
    print(f"published {args.version} ({layout.current})")
    return 0
