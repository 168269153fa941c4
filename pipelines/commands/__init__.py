"""Subcommands of ``redact``. Each module has ``register(subparsers)`` that sets ``func``."""

from pipelines.commands import gate, model_hashes, publish, reveal, run

COMMANDS = [run, reveal, model_hashes, gate, publish]
