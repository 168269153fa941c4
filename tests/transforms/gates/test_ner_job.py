"""``NerJob``'s child process: nothing outlives the job (spaCy's workers included), and the wait is bounded."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from transforms.config import load_config
from transforms.errors import GateFailure
from transforms.gates import ner_check as ner_check_mod
from transforms.gates.ner_check import NerJob

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the child process runs on Linux only")
FORK = multiprocessing.get_context("fork")


def _stat(pid: int) -> tuple[str, int, int] | None:
    """``(state, parent pid, process group)`` of ``pid`` from /proc, ``None`` when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1]), int(fields[2])


def _living() -> list[tuple[int, int, int]]:
    """``(pid, parent, group)`` of every living (not zombie) process."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) and st[0] != "Z":
            out.append((int(entry.name), st[1], st[2]))
    return out


def _descendants(pid: int) -> set[int]:
    procs, found, todo = _living(), set(), [pid]
    while todo:
        parent = todo.pop()
        kids = {p for p, pp, _ in procs if pp == parent}
        todo.extend(kids - found)
        found |= kids
    return found


def _assert_nothing_left(group: int, worker: int) -> None:
    """No descendant, and no member of the child's group (orphans re-parented to PID 1 included): a
    SIGKILLed process lingers a moment, so this looks up to 100 times, 0.1 s apart (bounded)."""
    for _ in range(100):
        if not _descendants(os.getpid()) and not [p for p, _, g in _living() if g == group]:
            break
        time.sleep(0.1)
    assert _descendants(os.getpid()) == set()
    assert [p for p, _, g in _living() if g == group] == []
    assert _stat(worker) is None or _stat(worker)[0] == "Z"


def _stuck_scan(started, worker_pid):
    """Stands in for ``ner_check``: starts a worker as spaCy's ``n_process`` does (a forked process
    holding the result pipe), then never returns."""

    def stuck(*_args, **_kwargs):
        worker = FORK.Process(target=time.sleep, args=(120,), daemon=False)
        worker.start()
        helper = subprocess.Popen(["sleep", "120"])  # another kind of descendant
        worker_pid.value = worker.pid
        started.set()
        helper.wait()

    return stuck


@pytest.fixture
def stuck(monkeypatch):
    started, worker_pid = FORK.Event(), FORK.Value("i", 0)
    monkeypatch.setattr(ner_check_mod, "ner_check", _stuck_scan(started, worker_pid))
    return started, worker_pid


def test_an_abandoned_job_leaves_no_process_behind(stuck):
    started, worker_pid = stuck
    with NerJob(["text"], load_config(None), "seed", processes=3) as job:
        assert job.parallel
        group = job._proc.pid
        assert started.wait(30)  # bounded: the worker is running before the driver gives up
        assert _stat(worker_pid.value)[2] == group  # spaCy's workers share the child's group
    assert not job.parallel
    _assert_nothing_left(group, worker_pid.value)


def test_a_stuck_scan_fails_the_gate_after_the_timeout(stuck):
    started, worker_pid = stuck
    job = NerJob(["Maria Lopez"], load_config(None), "seed", processes=2, timeout=0.5)
    group = job._proc.pid
    assert started.wait(30)
    with pytest.raises(GateFailure, match=r"did not finish within 0\.5 s") as err, job:
        job.result()
    assert "Maria" not in str(err.value)
    _assert_nothing_left(group, worker_pid.value)


def test_a_child_dying_while_its_workers_hold_the_pipe_fails_without_waiting_out_the_timeout(monkeypatch):
    worker_pid = FORK.Value("i", 0)

    def dies(*args, **kwargs):
        worker = FORK.Process(target=time.sleep, args=(120,))
        worker.start()
        worker_pid.value = worker.pid
        os._exit(1)  # e.g. killed by the OOM killer: no result, no error message

    monkeypatch.setattr(ner_check_mod, "ner_check", dies)
    job = NerJob(["text"], load_config(None), "seed", processes=2, timeout=600)
    group = job._proc.pid
    with pytest.raises(GateFailure, match="ended without a result"), job:
        job.result()
    _assert_nothing_left(group, worker_pid.value)
