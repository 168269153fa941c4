"""Local runs never try Beam's Prism runner (a binary the DirectRunner would download from GitHub)."""

from __future__ import annotations

import apache_beam as beam
import pytest
from apache_beam.runners.portability import prism_runner

from pipelines.beam_runner import LocalRunner, make_pipeline, run_beam, shuffles_in_memory
from tests.pipelines.beam_protos import proto_with
from transforms.counters import NS


@pytest.fixture
def prism_calls(monkeypatch):
    calls = []

    def record(self, *args, **kwargs):
        calls.append(1)
        raise RuntimeError("prism must not be used")

    monkeypatch.setattr(prism_runner.PrismRunner, "run_pipeline", record)
    return calls


def _count(p: beam.Pipeline) -> None:
    def inc(x):
        beam.metrics.Metrics.counter(NS, "seen").inc()
        return x

    _ = p | beam.Create(range(5)) | beam.Map(inc)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--runner=DirectRunner"],
        ["--runner=direct"],  # Beam's loose spellings name the same runner (and would try Prism first)
        ["--runner", "directrunner"],
        ["--runner=apache_beam.runners.direct.direct_runner.DirectRunner"],
        ["--runner=SwitchingDirectRunner"],
    ],
)
def test_default_and_direct_runner_skip_prism(prism_calls, args):
    assert isinstance(make_pipeline(args).runner, LocalRunner)
    counters = run_beam(_count, args, "test run")
    assert counters.get("seen") == 5
    assert prism_calls == []


def test_multi_processing_still_runs(prism_calls):
    args = ["--direct_num_workers=2", "--direct_running_mode=multi_processing"]
    assert run_beam(_count, args, "test run").get("seen") == 5
    assert prism_calls == []


def test_other_runners_are_left_to_beam():
    assert not isinstance(make_pipeline(["--runner=BundleBasedDirectRunner"]).runner, LocalRunner)


def test_multi_processing_workers_start_through_our_entry_point():
    """Beam's default subprocess worker command becomes ``pipelines.beam_worker``; nothing else changes."""
    import sys

    from apache_beam.portability import python_urns

    from pipelines.beam_runner import WORKER_MODULE, use_prompt_exit_workers

    beam_cmd = f"{sys.executable} -m apache_beam.runners.worker.sdk_worker_main".encode()
    custom = b"/opt/python -m my.worker"
    proto = proto_with(
        {
            "default": (python_urns.SUBPROCESS_SDK, beam_cmd),
            "custom": (python_urns.SUBPROCESS_SDK, custom),
            "embedded": (python_urns.EMBEDDED_PYTHON, b""),
        }
    )
    assert use_prompt_exit_workers(proto) == 1
    envs = proto.components.environments
    assert envs["default"].payload == f"{sys.executable} -m {WORKER_MODULE}".encode()
    assert envs["custom"].payload == custom
    assert envs["embedded"].payload == b""


def test_worker_exits_only_after_the_harness_returns(monkeypatch):
    """The prompt exit comes after Beam's harness has returned (status 0); a failing harness raises."""
    from apache_beam.runners.worker import sdk_worker_main

    from pipelines import beam_worker

    calls = []
    monkeypatch.setattr(sdk_worker_main, "main", lambda argv: calls.append("harness"))
    monkeypatch.setattr(beam_worker.os, "_exit", lambda status: calls.append(("exit", status)))
    monkeypatch.setattr(beam_worker.logging, "shutdown", lambda: None)  # keep this process's logging
    beam_worker.main(["worker"])
    assert calls == ["harness", ("exit", 0)]

    def fails(argv):
        raise RuntimeError("harness failed")

    calls.clear()
    monkeypatch.setattr(sdk_worker_main, "main", fails)
    with pytest.raises(RuntimeError):
        beam_worker.main(["worker"])
    assert calls == []


def _count_entry_points(p: beam.Pipeline) -> None:
    def entry(x):
        import sys as _sys

        main = getattr(_sys.modules.get("__main__"), "__spec__", None)
        via = main is not None and main.name == "pipelines.beam_worker"
        beam.metrics.Metrics.counter(NS, "via_beam_worker" if via else "elsewhere").inc()
        return x

    _ = p | beam.Create(range(4)) | beam.Reshuffle() | beam.Map(entry)


def test_multi_processing_workers_run_our_entry_point():
    """A real two-process run: every element is processed in a worker started as ``pipelines.beam_worker``."""
    args = ["--direct_num_workers=2", "--direct_running_mode=multi_processing"]
    counters = run_beam(_count_entry_points, args, "test run")
    assert counters.get("via_beam_worker") == 4 and "elsewhere" not in counters


@pytest.mark.parametrize(
    ("args", "in_memory"),
    [
        ([], True),  # the default: our LocalRunner (Beam's FnApiRunner)
        (["--direct_num_workers=2", "--direct_running_mode=multi_processing"], True),
        (["--runner=direct"], True),
        (["--runner=apache_beam.runners.direct.direct_runner.BundleBasedDirectRunner"], True),
        (["--runner=PrismRunner"], True),
        (["--runner=PortableRunner", "--job_endpoint=embed"], True),
        (["--runner=PortableRunner", "--job_endpoint=localhost:8099"], False),
        (["--runner=DataflowRunner"], False),
        (["--runner=FlinkRunner"], False),
        (["--runner=SparkRunner"], False),
    ],
)
def test_which_runners_hold_a_shuffle_in_memory(args, in_memory):
    """The vault is built by external sort exactly where a GroupByKey would sit in one process's memory."""
    assert shuffles_in_memory(args) is in_memory
