"""The CLI reference (``docs/cli.md``), generated from the argparse parsers so it cannot drift.

Regenerate with ``python scripts/gen_cli_docs.py``; ``tests/pipelines/test_cli_docs.py`` fails when the
file differs from what the parsers say.
"""

from __future__ import annotations

import argparse

WIDTH = 100

INTRO = """# `redact` command-line reference

<!-- Generated from the argparse parsers by `python scripts/gen_cli_docs.py`; do not edit by hand.
     tests/pipelines/test_cli_docs.py fails when this file drifts from the parsers. -->

Conventions shared by every command:

- **Output root**: `--output DIR` is the root `redact run` wrote (`training/`, `vault/`, `quarantine/`,
  `audit/`, `keys/`) in run, gate, publish, purge, reveal, keys and versions. The old `--dataset DIR` of gate,
  publish and purge is a deprecated alias for one release (one warning on stderr). In reveal the switch
  that reveals a whole dataset version is `--whole-version` (formerly `--dataset`), and its file is
  `--write FILE`.
- **Files are not roots**: in `detect`, `eval` and `model-hashes`, `--output FILE` names one output file
  (`redact detect --input texts.jsonl --output spans.jsonl` is a stable contract; `-` is stdout for
  detect).
- **Exact options**: no abbreviations. Options that are neither the command's own nor a known Apache
  Beam pipeline option (Beam's own option classes list them; only `run` and `purge` accept Beam options)
  are refused with exit 2 before anything is read or changed, naming the closest known option.
- **Global options** (`--debug`, `-q/--quiet`, `--log-format text|json`) go before or after the command.
  Logs go to stderr with ISO-8601 UTC timestamps (`2026-11-29T12:40:39.123Z`); summaries go to stdout,
  never wrapped or cut when stdout is not a terminal.
- **Exit codes**: 0 success; 1 failure; 2 usage, configuration or input error; 3 key access; 4 integrity;
  5 pipeline failure; 6 gate failure; 7 output root busy (a run, purge, gate or publish holds its lock);
  70 internal error; 130 interrupted. Every failure is one line on
  stderr.
"""


def _help(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=WIDTH, max_help_position=32)
    return parser.format_help().rstrip()


def _walk(parser: argparse.ArgumentParser, name: str):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _walk(sub, f"{name} {sub_name}")


def render(parser: argparse.ArgumentParser | None = None) -> str:
    if parser is None:
        from pipelines.cli import build_parser

        parser = build_parser()
    parts = [INTRO]
    for name, p in _walk(parser, "redact"):
        parts.append(f"## `{name}`\n\n```text\n{_help(p)}\n```\n")
    return "\n".join(parts)
