"""Subcommands of ``redact``. Each module has ``register(subparsers)`` that sets ``func``."""

from pipelines.commands import model_hashes, purge, reveal, run

COMMANDS = [run, reveal, model_hashes, purge]
