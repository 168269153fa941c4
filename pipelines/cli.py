"""``redact``: the one console entry point. Subcommands live in ``pipelines/commands/``.

Errors are one line on stderr with a non-zero exit code; tracebacks only with ``--debug`` (they may
carry library messages we do not control).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from pipelines.commands import COMMANDS
from transforms.errors import RedactError

EXIT_INTERNAL = 70


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redact", description="PII redaction and data minimization for AI training data."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def setup_logging(debug: bool, quiet: bool) -> None:
    from rich.console import Console
    from rich.logging import RichHandler

    level = logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO
    handler = RichHandler(console=Console(stderr=True), show_path=False, rich_tracebacks=debug)
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler], force=True)
    for noisy in ("apache_beam", "presidio-analyzer", "botocore", "urllib3", "great_expectations", "absl"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "accepts_extra", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    setup_logging(args.debug, args.quiet)
    try:
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
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    entry()
