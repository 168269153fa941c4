"""Who is writing under ``OUT``: run markers and the purge lock, so no run in flight escapes a purge.

The rule (docs/purge.md, "Runs and purges at the same time"):

* A run registers itself before it writes a byte: ``OUT/.locks/run-<run_id>.json`` (pid, host, start
  time, version), removed when the run ends, however it ends. Runs do not exclude each other.
* A purge takes ``OUT/.locks/purge.json`` (created exclusively) and refuses to start while a live run
  marker exists: the run's version has no manifest yet, so the purge could neither erase it nor delete
  it safely. A run refuses to start while a live purge lock exists.
* Each side writes its own file before it looks for the other's, so a run and a purge can never both
  go ahead (at worst both refuse, and are retried).
* Heartbeat: while a run or purge holds its file, a daemon thread rewrites it every
  ``HEARTBEAT_EVERY`` with a fresh ``beat`` time, and stops (joined) when the run or purge ends.
* Stale: a marker or lock written on this host whose pid is gone, or one whose last heartbeat is older
  than ``STALE_AFTER`` (its host died or lost the storage). A stale run marker is removed, and its
  version (no manifest) is an incomplete version that purge and the next run delete.

On object stores the exclusive create is best effort (write, then read back the owner). Files hold a
pid, a host name, a run id and a version name: no record value.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta

from pipelines.dataset import FAILED, PARTIAL, Layout, delete_version, discover
from transforms import fs
from transforms.errors import LockedError
from transforms.periods import now_iso, parse_instant

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 60.0  # seconds between two refreshes of a held marker or lock
STALE_AFTER = timedelta(minutes=30)  # a heartbeat this old: the holder is gone (well above HEARTBEAT_EVERY)
PURGE_LOCK = "purge.json"


@dataclass(frozen=True)
class Owner:
    pid: int
    host: str
    at: str
    token: str
    run_id: str = ""
    version: str = ""
    beat: str = ""  # last heartbeat (``at`` until the first one)
    command: str = ""  # who holds the purge lock: "purge" (also when empty), "publish" or "gate"

    @classmethod
    def me(cls, run_id: str = "", version: str = "", command: str = "") -> Owner:
        return cls(os.getpid(), socket.gethostname(), now_iso(), uuid.uuid4().hex, run_id, version, command=command)

    def holder(self) -> str:
        """What holds the purge lock, for messages: ``purge`` or ``redact gate`` / ``redact publish``."""
        return "purge" if self.command in ("", "purge") else f"redact {self.command}"

    def stale(self, now: datetime | None = None) -> bool:
        if self.host == socket.gethostname() and not _pid_alive(self.pid):
            return True
        try:
            last = parse_instant(self.beat or self.at)
        except ValueError:
            return True
        return (now or datetime.now(UTC)) - last > STALE_AFTER


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read(path: str) -> Owner | None:
    try:
        return Owner(**json.loads(fs.read_text(path)))
    except (OSError, ValueError, TypeError):
        return None
    except Exception:  # an object vanished between listing and reading
        return None


def _create_exclusive(path: str, owner: Owner) -> bool:
    data = json.dumps(asdict(owner), sort_keys=True)
    if fs.is_remote(path):
        if fs.exists(path):
            return False
        fs.write_text_atomic(path, data)
        found = _read(path)
        return found is not None and found.token == owner.token
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as fh:
        fh.write(data)
    return True


def _remove(path: str) -> None:
    if fs.exists(path):
        fs.delete([path])


@contextmanager
def _heartbeat(path: str, owner: Owner) -> Iterator[None]:
    """Rewrite ``path`` with a fresh ``beat`` every ``HEARTBEAT_EVERY`` seconds until the block ends.

    The thread is a daemon, wakes only on its interval or on stop, and is joined before the caller
    removes the file; a write that fails is logged (no record value) and retried on the next beat."""
    stop = threading.Event()
    guard = threading.Lock()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_EVERY):
            with guard:
                if stop.is_set():
                    return
                try:
                    fs.write_text_atomic(path, json.dumps(asdict(replace(owner, beat=now_iso())), sort_keys=True))
                except Exception as exc:  # storage hiccup: the next beat tries again
                    log.warning("could not refresh %s (%s)", path, type(exc).__name__)

    thread = threading.Thread(target=beat, name="redact-lock-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        with guard:
            stop.set()
        thread.join(timeout=HEARTBEAT_EVERY)


def live_runs(layout: Layout, *, clean: bool = True) -> list[Owner]:
    """Runs in flight under ``OUT``. Stale markers (their run died) are removed on the way (``clean``)."""
    live = []
    for path in fs.list_files(fs.join(layout.locks, "run-*.json")):
        owner = _read(path)
        if owner is None or owner.stale():
            if clean:
                _remove(path)
            continue
        live.append(owner)
    return live


def purge_in_progress(layout: Layout) -> Owner | None:
    path = fs.join(layout.locks, PURGE_LOCK)
    owner = _read(path) if fs.exists(path) else None
    return None if owner is None or owner.stale() else owner


@contextmanager
def run_marker(layout: Layout, run_id: str, version: str) -> Iterator[None]:
    """Register a run for its whole duration; refuse (``LockedError``) while a purge holds the lock."""
    path = fs.join(layout.locks, f"run-{run_id}.json")
    me = Owner.me(run_id, version)
    fs.write_text_atomic(path, json.dumps(asdict(me), sort_keys=True))
    try:
        busy = purge_in_progress(layout)
        if busy is not None:
            raise LockedError(
                f"a {busy.holder()} is in progress under {layout.out} (pid {busy.pid} on {busy.host} since {busy.at}); "
                "nothing was written, run again when it has finished"
            )
        with _heartbeat(path, me):
            yield
    finally:
        _remove(path)


@contextmanager
def purge_lock(layout: Layout, *, refuse_runs: bool = True, command: str = "purge") -> Iterator[None]:
    """Hold the purge lock; refuse (``LockedError``) while another purge or any run is in flight.

    ``redact publish`` and ``redact gate`` take it with ``refuse_runs=False``: they move ``CURRENT``
    only (the gate removes it when the published version fails), never while a purge does, but a run
    writing a new version does not stop them. ``command`` names the holder in other commands' messages."""
    path = fs.join(layout.locks, PURGE_LOCK)
    me = Owner.me(command=command)
    if not _create_exclusive(path, me):
        other = _read(path)
        if other is not None and not other.stale():
            raise LockedError(
                f"another {other.holder()} is in progress under {layout.out} (pid {other.pid} on {other.host} since "
                f"{other.at}); nothing was changed"
            )
        _remove(path)  # stale: its purge died; intent markers let this purge finish its work
        if not _create_exclusive(path, me):
            raise LockedError(f"another purge took the lock under {layout.out}; nothing was changed")
    try:
        runs = live_runs(layout) if refuse_runs else []
        if runs:
            names = ", ".join(sorted(r.version for r in runs))
            raise LockedError(
                f"{len(runs)} run(s) in flight under {layout.out} (versions {names}); nothing was changed, "
                "purge again when they have finished"
            )
        with _heartbeat(path, me):
            yield
    finally:
        owner = _read(path)
        if owner is not None and owner.token == me.token:
            _remove(path)


def sweep_incomplete(layout: Layout, *, failed: bool = False, dry_run: bool = False) -> list[str]:
    """Delete every version without a readable manifest (a killed run) from every root, and with
    ``failed`` also versions whose manifest says failed (never publishable); versions of runs still in
    flight are left alone. Returns the names (what would be deleted, with ``dry_run``)."""
    wanted = {PARTIAL} | ({FAILED} if failed else set())
    # Versions first, markers second: a run writes its marker before its first file, so a version seen
    # here whose run is alive is always protected by a marker found below.
    candidates = [i for i in discover(layout) if i.status in wanted and (i.manifest is None or not i.manifest.complete)]
    busy = {r.version for r in live_runs(layout, clean=not dry_run)}
    names = sorted(i.name for i in candidates if i.name not in busy)
    if not dry_run:
        for name in names:
            delete_version(layout, name)
    return names


def sweep_staging(layout: Layout) -> list[str]:
    """Delete the staging folders (``OUT/.runs/<run_id>``) of runs no longer in flight: those of killed
    runs, whose own ``finally`` never ran. They hold dropped records' ids and, on local runners, the
    vault's sorted runs (ciphertexts, doc ids), which must not outlive their run. A live run's folder is
    left alone. Returns the run ids whose folders were deleted."""
    live = {o.run_id for o in live_runs(layout, clean=False)}
    root = fs.join(layout.out, ".runs")
    found: set[str] = set()
    for depth in ("*", "*/*", "*/*/*"):  # staging files lie at most two folders below a run's folder
        for path in fs.list_files(fs.join(root, depth)):
            found.add(path[len(root) :].lstrip("/").split("/", 1)[0])
    dead = sorted(found - live - {""})
    for run_id in dead:
        fs.delete_tree(layout.staging(run_id))
    return dead
