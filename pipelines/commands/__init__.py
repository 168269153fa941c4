"""Subcommands of ``redact``. Each module has ``register(subparsers)`` that sets ``func``."""

from pipelines.commands import keys, model_hashes, purge, reveal, run

COMMANDS = [run, reveal, keys, purge, model_hashes]
