"""Terminal and log output of the CLI: log lines on stderr, summaries on stdout.

- Logs: ``--log-format text`` (``2026-11-29T12:40:39.123Z INFO logger: message``) or ``json`` (one object
  per line: ``ts``, ``level``, ``logger``, ``message``); timestamps are ISO-8601 UTC with ``Z``.
  In a terminal, text logs are coloured by rich; elsewhere they are plain lines, never wrapped or cut.
- Summaries are ``label  value`` lines in plain words, never wrapped or truncated (paths stay whole).

Privacy contract: only messages the code logged (ids, counts, reason codes, paths) are printed.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

NOISY = ("apache_beam", "presidio-analyzer", "botocore", "urllib3", "great_expectations", "absl")


def utc_iso(epoch: float) -> str:
    """``2026-11-29T12:40:39.123Z``."""
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = f"{utc_iso(record.created)} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        row = {
            "ts": utc_iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            row["exception"] = self.formatException(record.exc_info)
        return json.dumps(row, ensure_ascii=False)


class QuietBeamTracebacks(logging.Filter):
    """Without ``--debug``, drop log records from Beam's code that carry a traceback or span several lines:
    runners log a failed DoFn's traceback (which can quote record values) before raising, and the CLI
    names the cause itself in one line (``pipelines/failures.py``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "/apache_beam/" not in record.pathname.replace("\\", "/"):
            return True
        return not record.exc_info and "\n" not in record.getMessage()


def is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def setup_logging(debug: bool = False, quiet: bool = False, log_format: str = "text") -> None:
    level = logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO
    if log_format == "text" and is_tty(sys.stderr):
        from rich.console import Console
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(
            console=Console(stderr=True),
            show_path=False,
            rich_tracebacks=debug,
            log_time_format=lambda dt: dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    if not debug:
        handler.addFilter(QuietBeamTracebacks())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)


def print_fields(title: str, rows: Iterable[tuple[str, str]], out: TextIO | None = None) -> None:
    """A title line, then ``label  value`` lines with the labels aligned; values are never cut."""
    out = out or sys.stdout
    rows = list(rows)
    width = max((len(k) for k, _ in rows), default=0)
    print(title, file=out)
    for key, value in rows:
        print(f"  {key.ljust(width)}  {value}", file=out)
    out.flush()


def plain_counts(counts: dict[str, int]) -> str:
    """``{'parse.invalid_json': 1, 'x': 2}`` -> ``parse.invalid_json 1, x 2`` (never a dict repr)."""
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def total_with_reasons(total: int, by_reason: dict[str, int]) -> str:
    return f"{total} ({plain_counts(by_reason)})" if by_reason else str(total)
