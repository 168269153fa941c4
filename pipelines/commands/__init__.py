"""Subcommands of ``redact``. Each module has ``register(subparsers)`` that sets ``func``."""

from pipelines.commands import detect, eval, gate, keys, model_hashes, publish, purge, reveal, run, versions

COMMANDS = [run, detect, eval, gate, publish, reveal, keys, purge, versions, model_hashes]
