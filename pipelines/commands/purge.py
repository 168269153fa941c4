"""``redact purge``: retention expiry, subject erasure, legal hold, crypto-shred; audited."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines.commands.common import add_config_options, config_from_args
from pipelines.commands.options import add_output_root
from transforms.errors import ConfigError, RedactError


def register(sub) -> None:
    p = sub.add_parser(
        "purge",
        help="write a new dataset version without expired or erased records (audited)",
        description="Remove records whose retention expired at --as-of and records of the named subjects "
        "from the published dataset version (legal holds win), publish the result, delete older versions "
        "that still hold removed records, and garbage-collect the vault. Other options must be Apache Beam "
        "pipeline options (e.g. --runner); anything else is refused (exit 2) before anything changes.",
    )
    add_output_root(p, old_dataset=True)
    p.add_argument(
        "--as-of", required=True, metavar="DATE", help="ISO date or datetime (UTC unless an offset is given), or now"
    )
    p.add_argument("--subject", action="append", default=[], metavar="ID", help="raw subject id to erase; repeatable")
    p.add_argument(
        "--subject-file",
        metavar="FILE",
        help="file with one raw subject id per line (keeps ids out of process listings and shell history)",
    )
    p.add_argument("--dry-run", action="store_true", help="change nothing; report what would be removed")
    p.add_argument(
        "--shred-scope", action="store_true", help="after the purge, crypto-shred the key scope named by --scope"
    )
    p.add_argument(
        "--delete-sources",
        action="store_true",
        help="delete raw sources of removed records (retention.source_roots); exit 1 (purge incomplete) when "
        "a source due for erasure was not deleted",
    )
    p.add_argument("--summary-json", metavar="FILE", help="write the purge report (ids and counts only) here")
    add_config_options(p)
    p.set_defaults(func=main, beam=True)


def _subjects(args: argparse.Namespace) -> list[str]:
    subjects = list(args.subject)
    if args.subject_file:
        path = Path(args.subject_file)
        if not path.is_file():
            raise ConfigError(f"subject file not found: {args.subject_file}")
        subjects += [line.strip() for line in path.read_text().splitlines() if line.strip()]
    return subjects


def main(args: argparse.Namespace) -> int:
    from pipelines.purge import PurgeRequest, purge
    from transforms.periods import parse_instant

    cfg = config_from_args(args)
    try:
        as_of = parse_instant(args.as_of)
    except ValueError:
        raise ConfigError("--as-of must be an ISO date (2027-01-31), datetime, 'today' or 'now'") from None
    if args.shred_scope and not args.scope:
        raise ConfigError("--shred-scope needs an explicit --scope NAME (shredding is irreversible)")
    req = PurgeRequest(
        dataset=args.output,
        as_of=as_of,
        subjects=_subjects(args),
        dry_run=args.dry_run,
        shred_scope=args.scope if args.shred_scope else None,
        delete_sources=args.delete_sources,
        config=cfg,
        kek_uri=args.kek_uri,
        beam_args=args.extra,
    )
    report = purge(req)
    text = json.dumps(report, indent=2, sort_keys=True)
    if args.summary_json:
        Path(args.summary_json).write_text(text + "\n")
    print(text, file=sys.stdout)
    missed = report.get("sources_not_deleted") or []
    if missed:
        raise RedactError(
            f"purge incomplete: {len(missed)} source(s) due for erasure were not deleted "
            "(not read, changed since ingestion or gone; see sources_not_deleted and sources_not_read)"
        )
    return 0
