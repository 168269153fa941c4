"""Options shared by several subcommands (import-light: the config models load when a command runs)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transforms.config import RunConfig


def add_config_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="YAML configuration (defaults are embedded)")
    p.add_argument("--kek-uri", metavar="URI", help="key-encryption key: local://PATH, aws-kms://..., gcp-kms://...")
    p.add_argument("--scope", metavar="NAME", help="key scope (tenant or dataset); default 'default'")


def config_from_args(args: argparse.Namespace) -> RunConfig:
    from transforms.config import load_config

    return load_config(args.config, **{"keys.kek_uri": args.kek_uri, "keys.scope": args.scope})
