"""``NerJob``'s child process: a fresh interpreter (nothing of the driver's native state), nothing
outlives the job (spaCy's workers included), and every wait is bounded."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from tests.processes import descendants, group_members, stat
from tests.transforms.gates import scan_stand_ins
from transforms.child_process import LOWEST_PRIORITY
from transforms.config import load_config
from transforms.errors import GateFailure
from transforms.gates import ner_check as ner_check_mod
from transforms.gates.ner_check import NerJob

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the child process runs on Linux only")


def _assert_nothing_left(group: int, worker: int) -> None:
    """No descendant, and no member of the child's group (orphans re-parented to PID 1 included): a
    SIGKILLed process lingers a moment, so this looks up to 100 times, 0.1 s apart (bounded)."""
    for _ in range(100):
        if not descendants(os.getpid()) and not group_members(group):
            break
        time.sleep(0.1)
    assert descendants(os.getpid()) == set()
    assert group_members(group) == []
    assert stat(worker) is None or stat(worker)[0] == "Z"


def _reported(folder: Path, name: str, within: float = 60.0) -> str:
    """What a stand-in wrote to ``folder/name``; waits at most ``within`` seconds (bounded poll)."""
    deadline = time.monotonic() + within
    while not (folder / name).exists():
        assert time.monotonic() < deadline, f"the child did not report {name!r} within {within:g} s"
        time.sleep(0.05)
    return (folder / name).read_text()


@pytest.fixture
def stand_in(monkeypatch):
    def use(name: str) -> None:
        monkeypatch.setattr(ner_check_mod, "CHILD_SCAN", f"{scan_stand_ins.MODULE}:{name}")

    return use


def test_an_abandoned_job_leaves_no_process_behind(stand_in, tmp_path):
    stand_in("stuck")
    with NerJob([str(tmp_path)], load_config(None), "seed", processes=3) as job:
        assert job.parallel
        group = job._proc.pid
        worker = int(_reported(tmp_path, "worker"))  # the worker runs before the driver gives up
        assert stat(worker)[2] == group  # spaCy's workers share the child's group
    assert not job.parallel
    _assert_nothing_left(group, worker)


def test_a_stuck_scan_fails_the_gate_after_the_timeout(stand_in, tmp_path):
    stand_in("stuck")
    job = NerJob([str(tmp_path), "Maria Lopez"], load_config(None), "seed", processes=2, timeout=0.5)
    group = job._proc.pid
    worker = int(_reported(tmp_path, "worker"))
    with pytest.raises(GateFailure, match=r"did not finish within 0\.5 s") as err, job:
        job.result()
    assert "Maria" not in str(err.value)
    _assert_nothing_left(group, worker)
    with pytest.raises(GateFailure, match="did not finish"):  # the failure again, never a scan inline
        job.result()


def test_a_child_dying_while_its_workers_hold_the_pipe_fails_without_waiting_out_the_timeout(stand_in, tmp_path):
    stand_in("dies")
    job = NerJob([str(tmp_path)], load_config(None), "seed", processes=2, timeout=600)
    group = job._proc.pid
    with pytest.raises(GateFailure, match="ended without a result"), job:
        job.result()
    _assert_nothing_left(group, int(_reported(tmp_path, "worker", within=0)))


def test_the_child_inherits_none_of_the_drivers_native_state(stand_in, tmp_path):
    """The bug this guards: a forked copy of a driver holding live gRPC threads (Beam's workers, a KMS
    client) aborted in gRPC's fork handlers when spaCy forked its workers inside it. The child is a fresh
    interpreter: gRPC, Beam and Arrow, all loaded here, are absent there, and it forks its workers."""
    import apache_beam  # noqa: F401  (loaded in the driver, as after a run)
    import grpc
    import pyarrow  # noqa: F401

    channel = grpc.insecure_channel("127.0.0.1:9")  # gRPC initialised, its threads running (never connects)
    try:
        stand_in("inherited")
        with NerJob([str(tmp_path)], load_config(None), "seed", processes=3) as job:
            group = job._proc.pid
            loaded, n_process = job.result()
        assert loaded == [] and n_process == 2
        _assert_nothing_left(group, int(_reported(tmp_path, "worker", within=0)))
    finally:
        channel.close()


def test_the_child_runs_this_code_without_the_drivers_credentials(stand_in, tmp_path, monkeypatch):
    """A ``transforms`` package in the driver's working directory does not shadow this code (``-P``),
    and the driver's credential variables stay in the driver."""
    shadow = tmp_path / "transforms"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("raise ImportError('shadowed')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REDACT_TEST_SECRET", "not for the child")
    stand_in("surroundings")
    with NerJob([str(tmp_path)], load_config(None), "seed", processes=2) as job:
        secret_seen, cwd_on_path, package = job.result()
    assert not secret_seen and not cwd_on_path
    assert Path(package).resolve() == Path(ner_check_mod.__file__).resolve().parents[1] / "__init__.py"


def _members_beyond(group: int, n: int, within: float = 60.0) -> list[int]:
    """The child's group once it has more than ``n`` members; waits at most ``within`` s (bounded)."""
    deadline = time.monotonic() + within
    while len(members := group_members(group)) <= n:
        assert time.monotonic() < deadline, f"the child's group did not grow beyond {n} within {within:g} s"
        time.sleep(0.05)
    return members


@pytest.fixture
def warm(monkeypatch):
    def use(name: str) -> None:
        monkeypatch.setattr(ner_check_mod, "CHILD_WARM", f"{scan_stand_ins.MODULE}:{name}")

    return use


def test_a_job_started_early_and_never_given_its_sample_leaves_no_process_behind(warm):
    """``redact run`` starts the child before its pipeline; a run that stops before its gate closes it."""
    warm("warm_with_worker")
    job = NerJob.ready(load_config(None), processes=1, child=True)
    assert job.parallel
    group = job._proc.pid
    worker = next(p for p in _members_beyond(group, 1) if p != group)  # warmed up, waiting for the sample
    job.close()
    job.close()  # idempotent
    assert not job.parallel
    _assert_nothing_left(group, worker)
    with pytest.raises(GateFailure, match="stopped before its result"):
        job.submit(["text"], "seed")
        job.result()


def test_a_job_started_early_scans_what_it_is_given_later(stand_in, tmp_path):
    stand_in("inherited")
    job = NerJob.ready(load_config(None), processes=3, child=True)
    group = job._proc.pid
    job.submit([str(tmp_path)], "seed")
    with job:
        assert job.result() == ([], 2)
    with pytest.raises(RuntimeError, match="twice"):
        job.submit([str(tmp_path)], "seed")
    _assert_nothing_left(group, int(_reported(tmp_path, "worker", within=0)))


def test_a_warm_up_failure_fails_the_gate_with_the_type_name_only(warm):
    warm("warm_raises_with_text")
    job = NerJob.ready(load_config(None), processes=1, child=True, timeout=600)
    group = job._proc.pid
    job.submit(["Maria Lopez lives here"], "seed")
    with pytest.raises(GateFailure, match=r"failed \(ValueError\)") as err, job:
        job.result()
    assert "Maria" not in str(err.value)
    assert descendants(os.getpid()) == set() and group_members(group) == []


@pytest.mark.parametrize("yield_cores", [True, False])
def test_a_warm_up_that_yields_the_cores_runs_at_the_lowest_priority_and_the_scan_at_the_childs_own(
    warm, stand_in, yield_cores
):
    """Started beside workers that fill the cores, the model load waits for an idle one; the scan, when
    the gate needs it, does not; without ``yield_cores`` both run at the child's own priority."""
    own = os.getpriority(os.PRIO_PROCESS, 0)
    if own >= LOWEST_PRIORITY:
        pytest.skip("this process already runs at the lowest priority")
    warm("warm_notes_priority")
    stand_in("priorities")
    job = NerJob.ready(load_config(None), processes=1, child=True, yield_cores=yield_cores)
    job.submit(["text"], "seed")
    with job:
        assert job.result() == (LOWEST_PRIORITY if yield_cores else own, own)


def test_one_worker_runs_inline_and_result_needs_the_sample(monkeypatch):
    monkeypatch.setattr(ner_check_mod, "usable_cores", lambda: 2)
    job = NerJob.ready(load_config(None), processes=1)  # started when needed: this process has the model
    assert not job.parallel and descendants(os.getpid()) == set()
    with pytest.raises(RuntimeError, match="before submit"):
        job.result()


def test_an_early_job_overlaps_with_a_second_core_or_several_workers(monkeypatch):
    monkeypatch.setattr(ner_check_mod, "usable_cores", lambda: 1)
    assert not ner_check_mod.overlaps(1) and ner_check_mod.overlaps(2)
    monkeypatch.setattr(ner_check_mod, "usable_cores", lambda: 2)
    assert ner_check_mod.overlaps(1)
