"""Local runs never try Beam's Prism runner (a binary the DirectRunner would download from GitHub)."""

from __future__ import annotations

import apache_beam as beam
import pytest
from apache_beam.runners.portability import prism_runner

from pipelines.beam_runner import LocalRunner, make_pipeline, run_beam
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


@pytest.mark.parametrize("args", [[], ["--runner=DirectRunner"]])
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
