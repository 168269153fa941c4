"""Subcommands of ``redact``. Each module has ``register(subparsers)`` that sets ``func``."""

from pipelines.commands import gate, keys, model_hashes, publish, purge, reveal, run

COMMANDS = [run, gate, publish, reveal, keys, purge, model_hashes]
