"""``redact reveal``: show the original (normalized) value of tokens, audited."""

from __future__ import annotations

import argparse

from pipelines.commands.common import add_config_options, config_from_args
from pipelines.layout import Layout
from pipelines.reveal import reveal
from transforms.errors import ConfigError


def register(sub) -> None:
    p = sub.add_parser("reveal", help="detokenize tokens (needs KMS decrypt on the KEK; audited)")
    p.add_argument("tokens", nargs="+", metavar="TOKEN", help="e.g. '<PERSON_3f9a1c7b2d4e5f60>'")
    p.add_argument("--output", required=True, metavar="DIR", help="the output root given to 'redact run'")
    p.add_argument("--reason", required=True, help="why you need the values (recorded in the audit log)")
    add_config_options(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        raise ConfigError("--reason must not be empty")
    cfg = config_from_args(args)
    try:
        values = reveal(
            Layout.build(args.output, cfg.outputs), cfg.keys.scope, cfg.keys.kek_uri, args.tokens, args.reason
        )
    except ValueError:
        raise ConfigError("every TOKEN must look like <TYPE_0123456789abcdef>") from None
    missing = 0
    for token, value in values.items():
        if value is None:
            missing += 1
            print(f"{token}\t(not in vault)")
        else:
            print(f"{token}\t{value}")
    return 1 if missing else 0
