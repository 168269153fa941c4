"""``redact versions``: every dataset version under an output root, with status, rows, gate and age."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from pipelines.commands.options import add_output_root


def register(sub) -> None:
    p = sub.add_parser(
        "versions",
        help="list the dataset versions under an output root (status, rows, gate result, age)",
        description="List every dataset version under OUT, oldest first. Status: published (named by "
        "training/CURRENT), complete (finished, not published), failed (the run failed or its gate did), "
        "partial (no manifest: a killed run or one still in flight). No published version is a valid state.",
    )
    add_output_root(p)
    p.add_argument("--config", metavar="FILE", help="YAML configuration (output roots)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=main)


def describe(layout, now: datetime | None = None) -> dict:
    """Versions (oldest first) and the published one: ids, counts and statuses only."""
    from pipelines.dataset import discover, published_version

    now = now or datetime.now(UTC)
    return {"published": published_version(layout), "versions": [_row(layout, i, now) for i in discover(layout)]}


def _row(layout, info, now: datetime) -> dict:
    from pipelines.dataset import gate_passed

    m = info.manifest
    gate = None if m is None else gate_passed(layout, m)
    return {
        "version": info.name,
        "status": info.status,
        "rows": m.rows("training") if m else None,
        "gate": {True: "passed", False: "failed", None: "not run"}[gate] if m else None,
        "produced_by": m.produced_by if m else None,
        "created_at": m.created_at or None if m else None,
        "age": _age(m.created_at, now) if m and m.created_at else None,
        "outputs": list(info.kinds),
    }


def _age(created_at: str, now: datetime) -> str:
    from transforms.periods import parse_instant

    try:
        seconds = max(0, int((now - parse_instant(created_at)).total_seconds()))
    except ValueError:
        return "?"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def main(args: argparse.Namespace) -> int:
    from pipelines.dataset import Layout
    from transforms.config import load_config

    cfg = load_config(args.config)
    listing = describe(Layout.build(args.output, cfg.outputs))
    if args.json:
        print(json.dumps(listing, indent=2, sort_keys=True))
        return 0
    rows = [["version", "status", "rows", "gate", "age", "by"]]
    for v in listing["versions"]:
        rows.append(
            [
                v["version"],
                v["status"],
                *(str(v[k] if v[k] is not None else "-") for k in ("rows", "gate", "age", "produced_by")),
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    if not listing["versions"]:
        print(f"no dataset versions under {args.output}")
    published = listing["published"]
    print(f"published: {published}" if published else "published: none (no version is published)")
    return 0
