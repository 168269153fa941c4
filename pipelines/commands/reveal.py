"""``redact reveal``: show the original (normalized) values of tokens, audited.

Sources (exactly one): TOKEN arguments, ``--tokens-file FILE``, or ``--whole-version`` (the published
version's ``text`` column, or ``--version V``; needs ``--write FILE``). Values go to stdout or ``--write
FILE`` (created 0600), never to logs. ``--reason`` is required; the audit log keeps its SHA-256 and length
(never the text). Every attempt is audited, refusals (an empty reason, bad arguments) included. The output
root is ``--output DIR`` as in every command; the old switch ``--dataset`` is a deprecated alias of
``--whole-version``.
"""

from __future__ import annotations

import argparse
import sys

from pipelines.commands.common import add_config_options, config_from_args
from pipelines.commands.options import DeprecatedAlias, add_output_root
from transforms.errors import ConfigError, InputError

MAX_REASON_CHARS = 500


def register(sub) -> None:
    p = sub.add_parser(
        "reveal",
        help="detokenize tokens or a dataset version (needs KMS decrypt on the KEK; audited)",
        description="Reveal the normalized values behind tokens. Needs KMS decrypt on the scope's KEK and "
        "read access to the vault. Every attempt is recorded under OUT/audit/reveal/ (never the values).",
    )
    p.add_argument(
        "tokens",
        nargs="*",
        metavar="TOKEN",
        help="e.g. '<PERSON_3f9a1c7b2d4e5f60>'; an indexed placeholder ('<PERSON_1>') is resolved per "
        "document: use --whole-version",
    )
    p.add_argument("--tokens-file", metavar="FILE", help="file with one token per line")
    p.add_argument(
        "--whole-version",
        action="store_true",
        help="reveal every token in the text column of the published version (or --version); needs --write",
    )
    p.add_argument(
        "--dataset",
        dest="whole_version",
        nargs=0,
        action=DeprecatedAlias,
        new="--whole-version",
        default=False,
        help=argparse.SUPPRESS,
    )
    p.add_argument("--version", metavar="V", help="with --whole-version: this dataset version instead of CURRENT")
    p.add_argument("--write", metavar="FILE", help="write revealed output to this new file (0600) instead of stdout")
    add_output_root(p)
    p.add_argument("--reason", help="required: why you need the values (the audit log keeps its SHA-256 and length)")
    add_config_options(p)
    p.set_defaults(func=main)


def _check_args(args: argparse.Namespace) -> None:
    reason = (args.reason or "").strip()
    if not reason:
        raise ConfigError("--reason must not be empty")
    if len(reason) > MAX_REASON_CHARS or "\n" in reason:
        raise ConfigError(f"--reason must be one line of at most {MAX_REASON_CHARS} characters")
    sources = sum([bool(args.tokens), bool(args.tokens_file), bool(args.whole_version)])
    if sources != 1:
        raise ConfigError("give exactly one of: TOKEN..., --tokens-file FILE, --whole-version")
    if args.version and not args.whole_version:
        raise ConfigError("--version only applies with --whole-version")
    if args.whole_version and not args.write:
        raise ConfigError("--whole-version needs --write FILE (revealed text is never printed)")


def main(args: argparse.Namespace) -> int:
    from pipelines.dataset import Layout
    from pipelines.reveal import (
        check_write_target,
        open_exclusive,
        read_tokens_file,
        record_refusal,
        reveal,
        reveal_dataset,
    )

    cfg = config_from_args(args)
    layout = Layout.build(args.output, cfg.outputs)
    try:
        _check_args(args)
    except ConfigError as exc:  # refused attempts are audited too
        record_refusal(layout, cfg.keys.scope, args.reason, "dataset" if args.whole_version else "tokens", exc)
        raise
    keys, reason = cfg.keys, args.reason.strip()
    if args.whole_version:
        stats = reveal_dataset(
            layout,
            keys.scope,
            keys.kek_uri,
            args.version,
            reason,
            args.write,
            gcp_kms_endpoint=keys.gcp_kms_endpoint,
        )
        print(
            f"revealed {stats['found']} of {stats['tokens']} distinct tokens in {stats['documents']} documents "
            f"of {stats['version']} -> {args.write}"
            + (
                f" ({stats['missing']} not in the vault of scope {keys.scope!r}, left as tokens)"
                if stats["missing"]
                else ""
            )
        )
        return 0
    try:
        tokens = args.tokens or read_tokens_file(args.tokens_file)
        if not tokens:
            raise ConfigError(f"no tokens in {args.tokens_file}")
        if args.write:
            check_write_target(layout, args.write)
    except (ConfigError, InputError) as exc:
        record_refusal(layout, keys.scope, reason, "tokens", exc)
        raise
    try:
        values = reveal(layout, keys.scope, keys.kek_uri, tokens, reason, gcp_kms_endpoint=keys.gcp_kms_endpoint)
    except ValueError:
        raise ConfigError("every TOKEN must look like <TYPE_0123456789abcdef>") from None
    out = open_exclusive(args.write) if args.write else sys.stdout
    missing = 0
    try:
        for token, value in values.items():
            missing += value is None
            out.write(f"{token}\t{'(not in vault)' if value is None else value}\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if missing:
        print(f"redact: {missing} of {len(values)} tokens not in the vault of scope {keys.scope!r}", file=sys.stderr)
    return 1 if missing else 0
