"""Subcommands of ``redact``. Each module has ``register(subparsers)`` that sets ``func``."""

from pipelines.commands import keys, model_hashes, reveal, run

COMMANDS = [run, reveal, model_hashes, keys]
