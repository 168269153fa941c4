"""Fresh-interpreter helper processes that talk over anonymous pipes (Beam-free, Linux-checked).

Three stages run a child process beside the work of their own process: the gate's NER residual check
(``transforms/gates/ner_check.py``), ``redact run``'s detection when the runner does not parallelise
(``transforms/detection/batch_child.py``) and ``redact detect``'s NER (``transforms/detection/ner_child.py``);
the last two through ``transforms/detection/ordered_child.py``. This module owns what they share: how the
child is started (a fresh ``python -P -m <module>`` of this same code, not a fork: a process holding gRPC's
threads and locks can abort in gRPC's fork handlers when a forked copy forks again), which environment it
gets, how many cores there are, how work of a child yields its cores (``at_lowest_priority``), and how its
whole process group is stopped.

Privacy contract: a child gets data only over the pipes (memory only: no file, no temp file, no
argument or environment variable), and its environment keeps locale, paths and the numeric libraries'
settings, never the caller's credentials (cloud and KMS variables).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

STOP_GRACE_S = 5.0  # after SIGTERM, before SIGKILL
PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])  # the child imports this same code
_ENV_NAMES = frozenset({"PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "VIRTUAL_ENV"})
_ENV_PREFIXES = ("LC_", "PYTHON", "OMP_", "OPENBLAS_", "MKL_", "SPACY_", "THINC_")


def child_env() -> dict[str, str]:
    """The child's environment: the caller's locale, paths and numeric settings; this code on its path."""
    keep = {k: v for k, v in os.environ.items() if k in _ENV_NAMES or k.startswith(_ENV_PREFIXES)}
    keep["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p)
    return keep


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the platform says, else the core count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def child_wanted(choice: str, helps: bool = True) -> bool:
    """An ``auto|on|off`` choice of a helper child process (``--ner-child``): ``on``/``off`` as said;
    ``auto``: where it ``helps`` (nothing else fills this process's other cores) and there is another core."""
    if choice != "auto":
        return choice == "on"
    return helps and usable_cores() > 1


def spawn(module: str, *args: str) -> tuple[subprocess.Popen, Connection, Connection]:
    """Start ``python -P -m module <args> <in_fd> <out_fd>`` in its own process group; return the process,
    the connection its results arrive on and the one that feeds it. ``-P``: the caller's working directory
    is not put on ``sys.path`` (a ``transforms/`` or ``spacy.py`` lying there would shadow this code)."""
    child_in, feed = os.pipe()
    result, child_out = os.pipe()
    argv = [sys.executable, "-P", "-m", module, *args, str(child_in), str(child_out)]
    try:  # its own process group from the start: ``stop`` ends it with any process it starts
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            pass_fds=(child_in, child_out),
            env=child_env(),
            process_group=0,
        )
    except BaseException:
        for fd in (feed, result):
            os.close(fd)
        raise
    finally:
        os.close(child_in)
        os.close(child_out)
    return proc, Connection(result, writable=False), Connection(feed, readable=False)


TERM_EXIT_S = 1  # after SIGTERM, a child whose ``SystemExit`` was swallowed ends itself (``exit_on_term``)


def exit_on_term() -> None:
    """In a child: SIGTERM (``stop``) becomes ``SystemExit``, so ``finally`` blocks run (spaCy stops its
    own worker processes, pipes are closed).

    Python cannot raise an exception out of a ``__del__`` or a weakref callback: a SIGTERM that lands in
    one (the child stopped while it imports or loads its model) is printed as "Exception ignored in ...",
    with a traceback, and the child goes on. So a stopped child first points its stderr at ``/dev/null``
    (what an interrupted library prints on the way out is noise, and would reach the caller's stderr),
    and arms an alarm that ends it ``TERM_EXIT_S`` later if the exit did not happen, instead of waiting
    for ``stop``'s SIGKILL."""
    import signal

    def _raise(_signum, _frame) -> None:
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # its default action ends the process
        signal.alarm(TERM_EXIT_S)
        raise SystemExit(128 + signal.SIGTERM)

    signal.signal(signal.SIGTERM, _raise)


LOWEST_PRIORITY = 19  # the largest nice value


def at_lowest_priority(fn, *args) -> None:
    """Run ``fn(*args)`` in a thread of its own at the lowest CPU priority, and wait for it; its exception
    is raised here. Linux nice values are per thread: the work takes only a core that nothing else of
    normal priority wants (a child warming up beside a pipeline that fills the cores), and what the
    caller does afterwards runs at the priority it had (an unprivileged process could not raise it back).
    Off Linux, or where priorities cannot be set, ``fn`` simply runs. The thread is a daemon: a
    ``SystemExit`` raised while waiting (``exit_on_term``) ends the process without waiting for it."""
    import threading

    failure: list[BaseException] = []

    def body() -> None:
        if sys.platform == "linux":  # elsewhere the id would name a process, not this thread
            with contextlib.suppress(OSError):  # not allowed: normal priority
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST_PRIORITY)
        try:
            fn(*args)
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=body, name="lowest-priority", daemon=True)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def exited(pid: int, within: float) -> bool:
    """Has child ``pid`` exited within ``within`` seconds? It is not reaped (``WNOWAIT``), so its pid,
    hence its process-group id, cannot be reused while the caller still signals that group."""
    deadline = time.monotonic() + within
    while True:
        try:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:  # already reaped
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is empty (all have exited)
        os.killpg(pgid, sig)


def stop(proc: subprocess.Popen, wait: float = 0.0) -> None:
    """Stop ``proc``'s whole process group and reap it: ``wait`` seconds to exit on its own, then
    SIGTERM, then SIGKILL after ``STOP_GRACE_S``. Bounded; nothing of the group outlives it."""
    import signal

    if not exited(proc.pid, wait):
        signal_group(proc.pid, signal.SIGTERM)
        exited(proc.pid, STOP_GRACE_S)
    signal_group(proc.pid, signal.SIGKILL)  # any straggler; the child is unreaped, so the id is still its
    proc.wait()
