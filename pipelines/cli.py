"""``redact``: the one console entry point. Subcommands live in ``pipelines/commands/``.

Errors are one line on stderr with a non-zero exit code; tracebacks only with ``--debug`` (they may
carry library messages we do not control). Building the parser imports nothing heavy (no Beam,
Presidio, GE, Tink, pyarrow): ``redact --version`` and ``--help`` answer at once; each command imports
what it needs when it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from pipelines.commands import COMMANDS
from pipelines.commands.options import Parser, UsageError, check_extra_args, own_options
from transforms import PIPELINE_VERSION
from transforms.errors import RedactError

EXIT_INTERNAL = 70


def _global_options(p, suppress: bool) -> None:
    """Global switches, accepted before or after the command (``SUPPRESS`` keeps the value given first)."""
    d = {"default": argparse.SUPPRESS} if suppress else {}
    if suppress:
        p = p.add_argument_group("global options (also accepted before the command)")
    p.add_argument("--debug", action="store_true", help="show tracebacks and debug logs", **d)
    p.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors", **d)
    p.add_argument(
        "--log-format",
        choices=["text", "json"],
        help="log lines on stderr: text (default) or json (one object per line); timestamps ISO-8601 UTC",
        **(d or {"default": "text"}),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="redact", description="PII redaction and data minimization for AI training data.")
    parser.add_argument("--version", action="version", version=f"redact {PIPELINE_VERSION}")
    _global_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for module in COMMANDS:
        module.register(sub)
    for command in _subparsers(parser):
        _global_options(command, suppress=True)
    return parser


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every command parser below ``parser`` (``keys rotate`` included)."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += [child, *_subparsers(child)]
    return found


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the command that was chosen (``keys rotate`` included)."""
    current = parser
    for dest in ("command", "keys_command"):
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction) and getattr(args, dest, None) in action.choices:
                current = action.choices[getattr(args, dest)]
    return current


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    from pipelines.console import setup_logging

    setup_logging(args.debug, args.quiet, args.log_format)
    name = " ".join(filter(None, [args.command, getattr(args, "keys_command", None)]))
    early = getattr(args, "early", None)  # what a command starts before its options are checked (``run``)
    ours = own_options(_command_parser(parser, args))
    try:  # the early hook inside: its start and its clean-up fail in one line too
        with early(extra) if early else contextlib.nullcontext():
            try:
                check_extra_args(extra, ours, getattr(args, "beam", False))
            except UsageError as exc:
                print(f"redact {name}: error: {exc}", file=sys.stderr)
                return exc.exit_code
            args.extra = extra
            return int(args.func(args) or 0)
    except RedactError as exc:
        print(f"redact: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("redact: interrupted; nothing was published", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"redact: internal error ({type(exc).__name__}); nothing was published. Re-run with --debug for details.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def entry() -> None:
    """Console entry point. Exits with ``os._exit`` after flushing: native threads of grpc/pyarrow
    (loaded through Beam's filesystems) have been seen to abort the process during interpreter
    teardown ("terminate called without an active exception") after the work was done."""
    import logging

    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(ValueError, OSError):  # closed, or a broken pipe (``detect --output - | head``)
            stream.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    entry()
