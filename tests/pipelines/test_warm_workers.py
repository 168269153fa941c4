"""Local multi-processing workers forked from one warm server (``pipelines.warm_workers``): only runs that
started it use it, the workers get Beam's environment and run the pipeline, and a failing worker fails
the run as a spawned one does."""

from __future__ import annotations

import os
import sys

import apache_beam as beam
import pytest
from apache_beam.portability import python_urns

from pipelines import warm_workers
from pipelines.beam_runner import WORKER_MODULE, run_beam
from tests.pipelines.beam_protos import proto_with
from tests.processes import descendants
from transforms.counters import NS

MULTI_2 = ["--direct_num_workers=2", "--direct_running_mode=multi_processing"]


@pytest.fixture
def warm(monkeypatch):
    """The server started for this test; later tests in this process start their workers as before."""
    monkeypatch.setattr(warm_workers, "_context", None)
    warm_workers.start()
    yield warm_workers
    warm_workers.stop()
    assert descendants(os.getpid()) == set()  # the server and its resource tracker are gone


def _envs():
    return {
        "ours": (python_urns.SUBPROCESS_SDK, f"{sys.executable} -m {WORKER_MODULE}".encode()),
        "custom": (python_urns.SUBPROCESS_SDK, b"/opt/python -m my.worker"),
        "embedded": (python_urns.EMBEDDED_PYTHON, b""),
    }


def test_only_a_started_server_switches_our_worker_environment(monkeypatch):
    monkeypatch.setattr(warm_workers, "_context", None)
    proto = proto_with(_envs())
    assert warm_workers.use_forked_workers(proto, WORKER_MODULE) == 0
    assert proto.components.environments["ours"].urn == python_urns.SUBPROCESS_SDK

    monkeypatch.setattr(warm_workers, "_context", object())  # as if started
    assert warm_workers.use_forked_workers(proto, WORKER_MODULE) == 1
    envs = proto.components.environments
    assert envs["ours"].urn == warm_workers.URN
    assert envs["ours"].payload == f"{sys.executable} -m {WORKER_MODULE}".encode()  # same command, kept
    assert envs["custom"].urn == python_urns.SUBPROCESS_SDK
    assert envs["embedded"].urn == python_urns.EMBEDDED_PYTHON


def test_no_server_where_its_socket_would_not_be_a_private_file(monkeypatch):
    from multiprocessing import connection

    monkeypatch.setattr(warm_workers, "_context", None)
    monkeypatch.setattr(connection, "arbitrary_address", lambda family: "\0listener-1")
    warm_workers.start()
    assert not warm_workers.started()


def test_a_forked_worker_gets_exactly_the_environment_beam_gives_it(monkeypatch):
    from pipelines import beam_worker

    seen = {}
    monkeypatch.setattr(os, "environ", {"LEFTOVER": "from the server"})
    monkeypatch.setattr(beam_worker, "main", lambda argv: seen.update(env=dict(os.environ), argv=argv))
    warm_workers._worker_main({"CONTROL_API_SERVICE_DESCRIPTOR": "url: 'localhost:1'", "PATH": "/bin"})
    assert seen == {
        "env": {"CONTROL_API_SERVICE_DESCRIPTOR": "url: 'localhost:1'", "PATH": "/bin"},
        "argv": ["pipelines.beam_worker"],
    }


def _where(p: beam.Pipeline) -> None:
    parent = os.getpid()

    def tag(x):
        import multiprocessing
        import os as _os

        forked = multiprocessing.current_process().name == "beam-worker" and _os.getpid() != parent
        beam.metrics.Metrics.counter(NS, "forked" if forked else "elsewhere").inc()
        return x

    _ = p | beam.Create(range(4)) | beam.Reshuffle() | beam.Map(tag)


@pytest.mark.slow
def test_a_two_worker_run_runs_in_forked_workers(warm):
    counters = run_beam(_where, MULTI_2, "test run")
    assert counters.get("forked") == 4 and "elsewhere" not in counters


@pytest.mark.slow
def test_a_forked_worker_that_fails_reports_its_status(warm):
    proc = warm_workers.ForkedProcess({"PATH": os.environ.get("PATH", "")})  # no control endpoint: Beam exits
    assert proc.wait() not in (0, None)
    assert proc.poll() == proc.returncode != 0


@pytest.mark.slow
def test_workers_start_cold_when_the_server_cannot_fork_them(monkeypatch, tmp_path, caplog):
    """A server that dies (here: a preload module fails with something other than ImportError, which
    multiprocessing does not catch) must not hang the run: each worker is spawned as Beam would."""
    (tmp_path / "broken_at_import.py").write_text("raise ValueError('broken at import')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setattr(warm_workers, "PRELOAD", ["broken_at_import"])
    monkeypatch.setattr(warm_workers, "_context", None)
    warm_workers.start()
    try:
        counters = run_beam(_where, MULTI_2, "test run")
    finally:
        warm_workers.stop()
    assert counters.get("elsewhere") == 4 and "forked" not in counters
    assert "could not fork a worker" in caplog.text
    assert descendants(os.getpid()) == set()


def test_an_early_end_kills_the_server_and_removes_its_folder(monkeypatch):
    """``stop(kill=True)`` (the CLI's ``finally``): no process and no temp folder left, at once."""
    from multiprocessing import process

    monkeypatch.setattr(warm_workers, "_context", None)
    warm_workers.start()
    tempdir = process.current_process()._config.get("tempdir")
    warm_workers.stop(kill=True)
    assert not warm_workers.started()
    assert descendants(os.getpid()) == set()
    assert tempdir is None or not os.path.exists(tempdir)
