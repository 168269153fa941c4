"""Progress of ``redact run`` while the pipeline runs.

The total is the number of input files (from the listing); done counts come from ``ReportProgress``
(``transforms/progress.py``): input files finished and records read. In a terminal: a rich progress
bar (files done/total, records, records/s, elapsed, ETA). Otherwise: one log line every
``every_seconds`` or every ``every_records`` records, and a last line when the pipeline ends.

Privacy contract: counts and durations only (no paths, ids or values).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from pipelines.console import is_tty

log = logging.getLogger("redact.progress")


def count_input_files(inputs: list[str]) -> int | None:
    """How many files the inputs list (``None`` when listing fails: ``redact run`` reports that itself)."""
    from pipelines.run import expand_inputs
    from transforms import fs
    from transforms.errors import RedactError

    try:
        return sum(len(fs.list_files(p)) for p in expand_inputs(inputs))
    except RedactError:
        return None


def eta_seconds(files_done: int, files_total: int | None, elapsed: float) -> float | None:
    if not files_total or not files_done or files_done >= files_total:
        return None
    return elapsed * (files_total - files_done) / files_done


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s" if m else f"{s}s"


ELSEWHERE = "records are counted when the pipeline ends: its workers run in other processes"


def progress_line(
    records: int, files: int, total: int | None, elapsed: float, done: bool = False, live: bool = True
) -> str:
    """``progress: 3 of 10 files, 1234 records, 150.0 records/s, elapsed 8s, ETA 19s``; where the counts
    cannot be seen from here (``live=False``), elapsed time only, and why."""
    if not live:
        head = "progress (pipeline finished): " if done else "progress: "
        return f"{head}elapsed {_duration(elapsed)}" + ("" if done else f" ({ELSEWHERE})")
    rate = records / elapsed if elapsed > 0 else 0.0
    parts = [
        f"{files} of {total if total is not None else '?'} files",
        f"{records} records",
        f"{rate:.1f} records/s",
        f"elapsed {_duration(elapsed)}",
    ]
    if not done:
        parts.append(f"ETA {_duration(eta_seconds(files, total, elapsed))}")
    return ("progress (pipeline finished): " if done else "progress: ") + ", ".join(parts)


class _LogDisplay:
    def __init__(self, total: int | None, every_records: int, every_seconds: float, live: bool = True) -> None:
        self.total, self.every_records, self.every_seconds, self.live = total, every_records, every_seconds, live
        self.last_time, self.last_records = 0.0, 0

    def update(self, records: int, files: int, elapsed: float) -> None:
        if elapsed - self.last_time >= self.every_seconds or records - self.last_records >= self.every_records:
            log.info(progress_line(records, files, self.total, elapsed, live=self.live))
            self.last_time, self.last_records = elapsed, records

    def close(self, records: int, files: int, elapsed: float, finished: bool) -> None:
        if finished:
            log.info(progress_line(records, files, self.total, elapsed, done=True, live=self.live))


class _BarDisplay:
    def __init__(self, total: int | None, console=None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("[bold]redacting[/] files"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[records]} records, {task.fields[rate]} records/s, ETA {task.fields[eta]}"),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task("run", total=total, records=0, rate="0.0", eta="unknown")
        self.total = total
        self.progress.start()

    def update(self, records: int, files: int, elapsed: float) -> None:
        rate = f"{records / elapsed:.1f}" if elapsed > 0 else "0.0"
        eta = _duration(eta_seconds(files, self.total, elapsed))
        self.progress.update(self.task, completed=files, records=records, rate=rate, eta=eta)

    def close(self, records: int, files: int, elapsed: float, finished: bool) -> None:
        self.progress.stop()


@contextmanager
def run_progress(
    inputs: list[str],
    every_records: int = 1000,
    every_seconds: float = 30.0,
    tty: bool | None = None,
    poll_seconds: float = 0.5,
    live: bool = True,
) -> Iterator[None]:
    """Show progress while the body runs (a terminal bar, or periodic log lines). ``live=False``: the
    pipeline's DoFns run in other processes (local worker processes, a remote runner), whose counts this
    process cannot see until the end: periodic log lines of elapsed time only, on a terminal too."""
    from transforms.progress import TRACKER

    total = count_input_files(inputs) if live else None
    TRACKER.reset()
    tty = is_tty(sys.stderr) if tty is None else tty
    display = _BarDisplay(total) if tty and live else _LogDisplay(total, every_records, every_seconds, live)
    started = time.monotonic()
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(poll_seconds):
            display.update(*TRACKER.snapshot(), time.monotonic() - started)

    thread = threading.Thread(target=poll, name="redact-progress", daemon=True)
    thread.start()
    finished = False
    try:
        yield
        finished = True
    finally:
        stop.set()
        thread.join(timeout=5)
        records, files = TRACKER.snapshot()
        display.close(records, files, time.monotonic() - started, finished)
