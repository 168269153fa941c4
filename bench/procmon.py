"""Run a command and record its wall time and the peak RSS of every process in its tree (Linux /proc).

Peak RSS per process is the kernel's high-water mark (``VmHWM``), read until the process exits, so it
covers Beam's worker subprocesses too. CPU seconds (user + system) cover the whole tree: a process's
children are counted once it has reaped them (Beam's workers and the gate's NER child are), which on a
shared machine compares two variants better than wall time does. Where /proc is missing, only the children's overall maximum
from ``resource.getrusage`` is reported.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ProcResult:
    wall_s: float
    returncode: int
    cpu_s: float = 0.0  # user + system CPU seconds of the whole tree (every descendant this run reaped)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # "pid name" -> MB
    max_rss_children_mb: float = 0.0
    stderr_tail: str = ""
    profiler_rc: int | None = None  # the attached profiler's exit status (None: none attached)
    profiler_stderr_tail: str = ""

    @property
    def max_process_rss_mb(self) -> float:
        return max(self.peak_rss_mb.values(), default=self.max_rss_children_mb)


def _children(root: int) -> set[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, todo = {root}, [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in tree:
                tree.add(child)
                todo.append(child)
    return tree


def _hwm(pid: int) -> tuple[str, float] | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    name, kb = "?", None
    for line in status.splitlines():
        if line.startswith("Name:"):
            name = line.split()[1]
        elif line.startswith("VmHWM:"):
            kb = int(line.split()[1])
    return (name, kb / 1024) if kb is not None else None


PROFILER_WAIT_S = 60.0  # for an attached profiler to write its file once the process it samples has ended


def run(
    cmd: list[str],
    env: dict | None = None,
    interval: float = 0.2,
    profiler: Callable[[int], list[str]] | None = None,
) -> ProcResult:
    """Run ``cmd`` to completion; stdout is discarded, the stderr tail kept for error messages.

    ``profiler``: the command of a sampling profiler to attach to the process by its pid (e.g. py-spy
    ``record --pid``), started right after it. It is not part of the measured tree: its failure (py-spy
    0.4.2 has crashed mid-run) loses the profile, not the run, and its CPU is not in ``cpu_s``. It is
    waited for (bounded) after the run's numbers are taken, then killed if it still runs."""
    peaks: dict[str, float] = {}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    spy = None
    if profiler is not None:
        try:
            spy = subprocess.Popen(profiler(proc.pid), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        except BaseException:  # no profiler: do not leave the measured process running
            proc.kill()
            proc.wait()
            raise
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if Path("/proc").is_dir():
                for pid in _children(proc.pid):
                    got = _hwm(pid)
                    if got:
                        key = f"{pid} {got[0]}"
                        peaks[key] = max(peaks.get(key, 0.0), got[1])
            done.wait(interval)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_kb = after.ru_maxrss
    return ProcResult(
        wall_s=wall,
        returncode=proc.returncode,
        cpu_s=round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
        peak_rss_mb={k: round(v, 1) for k, v in peaks.items() if v > 20},
        max_rss_children_mb=round(children_kb / 1024, 1),
        stderr_tail=(err or "")[-2000:],
        **_reap(spy),
    )


def _reap(spy: subprocess.Popen | None) -> dict:
    """The profiler's exit status and stderr tail, once it has written its file (bounded wait, then killed)."""
    if spy is None:
        return {}
    try:
        _, err = spy.communicate(timeout=PROFILER_WAIT_S)
    except subprocess.TimeoutExpired:
        spy.kill()
        _, err = spy.communicate()
    return {"profiler_rc": spy.returncode, "profiler_stderr_tail": (err or "")[-500:]}


YAMA_SCOPE = Path("/proc/sys/kernel/yama/ptrace_scope")


def can_attach(scope: Path = YAMA_SCOPE, euid: int | None = None) -> bool:
    """Whether a profiler started by this process may attach to a sibling by pid: root, or no Yama
    restriction (``kernel.yama.ptrace_scope`` 0 or absent). Otherwise only a parent may trace its child."""
    if (os.geteuid() if euid is None else euid) == 0:
        return True
    try:
        return int(scope.read_text()) == 0
    except (OSError, ValueError):
        return True


def nice_env() -> dict:
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    return env
