"""Subcommands of ``redact``. Each module has ``register(subparsers)`` that sets ``func``."""

from pipelines.commands import detect, eval, model_hashes, reveal, run

COMMANDS = [run, reveal, model_hashes, detect, eval]
