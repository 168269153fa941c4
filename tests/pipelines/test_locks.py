"""``pipelines/locks.py``: a run in flight never escapes a purge; killed runs' versions are swept."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipelines import dataset as D
from pipelines import locks
from pipelines.purge import PurgeRequest, purge
from tests.pipelines.gate_data import Crafted
from transforms.errors import LockedError
from transforms.periods import format_instant


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def _marker(lay: D.Layout, name: str, **owner) -> Path:
    doc = {"pid": 1, "host": socket.gethostname(), "at": format_instant(datetime.now(UTC)), "token": "t", **owner}
    path = Path(lay.locks) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))
    return path


def _killed_run(lay: D.Layout, name: str) -> None:
    for kind, scope in ((D.TRAINING, ""), (D.VAULT, "default"), (D.QUARANTINE, ""), (D.CANARIES, "")):
        d = Path(lay.data_dir(kind, name, scope))
        d.mkdir(parents=True)
        (d / "part-00000-of-00001.parquet").write_bytes(b"PAR1")


def test_purge_refuses_while_a_run_is_in_flight_and_changes_nothing(tmp_path):
    c = Crafted(tmp_path).write()
    D.publish(c.layout, c.version)
    with locks.run_marker(c.layout, "run123", "v-inflight"):
        _killed_run(c.layout, "v-inflight")  # the run's files so far: no manifest yet
        with pytest.raises(LockedError, match="in flight"):
            purge(PurgeRequest(dataset=str(tmp_path), as_of=datetime.now(UTC)))
        assert Path(c.layout.version_dir("v-inflight")).is_dir()
        assert not (Path(c.layout.locks) / locks.PURGE_LOCK).exists()  # the refused purge let go of its lock
    assert list(Path(c.layout.locks).iterdir()) == []  # the run's marker goes when the run ends


def test_a_run_refuses_to_start_while_a_purge_holds_the_lock(tmp_path):
    lay = D.Layout.build(str(tmp_path))
    with locks.purge_lock(lay):
        with pytest.raises(LockedError, match="purge is in progress"), locks.run_marker(lay, "run1", "v1"):
            pytest.fail("the run must not start")
        assert [p.name for p in Path(lay.locks).iterdir()] == [locks.PURGE_LOCK]  # its marker was removed


def test_a_second_purge_is_refused_and_a_stale_lock_is_taken_over(tmp_path):
    lay = D.Layout.build(str(tmp_path))
    with locks.purge_lock(lay), pytest.raises(LockedError, match="another purge"), locks.purge_lock(lay):
        pass
    _marker(lay, locks.PURGE_LOCK, pid=_dead_pid())  # a purge killed on this host
    with locks.purge_lock(lay):
        pass
    old = format_instant(datetime.now(UTC) - timedelta(hours=30))
    _marker(lay, locks.PURGE_LOCK, pid=1, host="elsewhere", at=old)  # a host that died a day ago
    with locks.purge_lock(lay):
        pass


def test_sweep_deletes_killed_runs_in_every_root_but_not_runs_in_flight(tmp_path):
    c = Crafted(tmp_path).write()
    failed = Crafted(tmp_path, version="v-failed").write()
    m = failed.manifest()
    Path(failed.layout.manifest("v-failed")).write_text(json.dumps({**m, "status": "failed"}))
    lay = c.layout
    _killed_run(lay, "v-killed")
    _killed_run(lay, "v-alive")
    _marker(lay, "run-a.json", pid=_dead_pid(), version="v-killed")  # its run died
    _marker(lay, "run-b.json", pid=__import__("os").getpid(), version="v-alive")  # still running
    assert locks.sweep_incomplete(lay, dry_run=True) == ["v-killed"]
    assert Path(lay.version_dir("v-killed")).is_dir()
    assert locks.sweep_incomplete(lay) == ["v-killed"]
    assert not [p for p in tmp_path.rglob("*") if "v-killed" in p.name]
    assert not (Path(lay.locks) / "run-a.json").exists()
    assert locks.sweep_incomplete(lay, failed=True) == ["v-failed"]  # purge also removes failed runs
    assert {i.name for i in D.discover(lay)} == {c.version, "v-alive"}


def test_the_staging_of_killed_runs_is_swept_but_not_a_live_runs(tmp_path):
    """A killed run's ``finally`` never ran: its staging (the vault's sorted runs: ciphertexts, doc ids)
    must not outlive it. The next run's start (and a purge) deletes it; a run in flight keeps its own."""
    lay = Crafted(tmp_path).write().layout
    for run_id in ("r-killed", "r-alive"):
        runs = Path(lay.staging(run_id)) / "vault-runs"
        runs.mkdir(parents=True)
        (runs / "run-0.parquet").write_bytes(b"PAR1")
        (Path(lay.staging(run_id)) / "sources-00000-of-00001.jsonl").write_text("{}\n")
    _marker(lay, "run-a.json", pid=_dead_pid(), run_id="r-killed", version="v-killed")
    _marker(lay, "run-b.json", pid=__import__("os").getpid(), run_id="r-alive", version="v-alive")
    assert locks.sweep_staging(lay) == ["r-killed"]
    assert not Path(lay.staging("r-killed")).exists()
    assert (Path(lay.staging("r-alive")) / "vault-runs" / "run-0.parquet").is_file()
    assert locks.sweep_staging(lay) == []


def test_purge_of_a_root_without_any_version_is_refused_without_leaving_a_lock(tmp_path):
    from transforms.errors import InputError

    with pytest.raises(InputError, match="no published dataset version"):
        purge(PurgeRequest(dataset=str(tmp_path / "typo"), as_of=datetime.now(UTC)))
    assert not (tmp_path / "typo").exists()


def test_staleness_is_judged_by_the_last_heartbeat_not_the_start_time():
    now = datetime.now(UTC)
    started = format_instant(now - timedelta(hours=30))  # a long run on another host
    alive = locks.Owner(1, "elsewhere", started, "t", beat=format_instant(now - timedelta(minutes=1)))
    gone = locks.Owner(1, "elsewhere", started, "t", beat=format_instant(now - locks.STALE_AFTER * 2))
    assert not alive.stale(now) and gone.stale(now)


def test_a_run_marker_is_refreshed_while_the_run_lasts_and_removed_after(tmp_path, monkeypatch):
    monkeypatch.setattr(locks, "HEARTBEAT_EVERY", 0.01)
    lay = D.Layout.build(str(tmp_path))
    path = Path(lay.locks) / "run-r1.json"
    with locks.run_marker(lay, "r1", "v1"):
        beat = ""
        for _ in range(1000):  # bounded wait for the heartbeat thread's first refresh
            beat = json.loads(path.read_text()).get("beat", "") if path.exists() else ""
            if beat:
                break
            threading.Event().wait(0.01)
        assert beat and not locks.live_runs(lay)[0].stale()
    assert not path.exists()
    assert not [t for t in threading.enumerate() if t.name == "redact-lock-heartbeat"]
