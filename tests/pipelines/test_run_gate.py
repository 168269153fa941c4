"""``RunGate``: the gate's NER child starts just before the run's pipeline and is stopped on every path."""

from __future__ import annotations

import os
import sys

import pytest

import pipelines.run as run_mod
from pipelines.run import RunRequest, run
from pipelines.run_gate import RunGate
from tests.conftest import write_jsonl
from tests.processes import descendants
from transforms.config import load_config
from transforms.errors import PipelineFailure

TEXTS = ["Maria Lopez called from Lisbon about her order.", "The parcel left the depot on Monday."]


def _request(tmp_path) -> RunRequest:
    write_jsonl(tmp_path / "in" / "a.jsonl", [{"id": str(i), "text": t} for i, t in enumerate(TEXTS)])
    cfg = load_config(None, **{"keys.kek_uri": f"local://{tmp_path / 'kek.json'}"})
    return RunRequest(inputs=[str(tmp_path / "in")], output=str(tmp_path / "out"), config=cfg)


class _Recorder:
    def __init__(self, events: list[str]) -> None:
        self.events = events

    def start(self) -> None:
        self.events.append("start")

    def close(self) -> None:
        self.events.append("close")

    def __call__(self, *_args) -> dict:
        self.events.append("gate")
        return {"success": True}


def test_the_gate_starts_after_the_checks_and_before_the_pipeline_and_is_closed_when_it_fails(tmp_path, monkeypatch):
    events: list[str] = []

    def failing(_spec, _args):
        events.append("pipeline")
        raise PipelineFailure("pipeline failed: stand-in; nothing was published")

    monkeypatch.setattr(run_mod, "execute", failing)
    with pytest.raises(PipelineFailure):
        run(_request(tmp_path), gate=_Recorder(events))
    assert events == ["start", "pipeline", "close"]


def test_a_run_refused_before_its_pipeline_starts_nothing(tmp_path):
    events: list[str] = []
    req = _request(tmp_path)
    req.inputs = [str(tmp_path / "missing")]
    with pytest.raises(Exception, match="matches no files"):
        run(req, gate=_Recorder(events))
    assert events == ["close"]


@pytest.mark.skipif(sys.platform != "linux", reason="the child process runs on Linux only")
def test_the_started_child_is_stopped_when_the_pipeline_fails(tmp_path, monkeypatch):
    seen = []

    def failing(_spec, _args):
        seen.append(gate.started)
        raise PipelineFailure("pipeline failed: stand-in; nothing was published")

    monkeypatch.setattr(run_mod, "execute", failing)
    gate = RunGate(_request(tmp_path).config, n_process=2)  # two workers: a child whatever the core count
    with pytest.raises(PipelineFailure):
        run(_request(tmp_path), gate=gate)
    assert seen == [True]
    assert not gate.started and descendants(os.getpid()) == set()
    gate.start()  # closed: nothing starts again
    assert not gate.started


def test_a_run_with_the_early_gate_is_gated_and_published(tmp_path):
    req = _request(tmp_path)
    with RunGate(req.config) as gate:
        result = run(req, gate=gate)
    assert result["status"] == "complete" and result["published"]
    assert result["gate"]["success"]
    assert descendants(os.getpid()) == set()


@pytest.mark.skipif(sys.platform != "linux", reason="the child process runs on Linux only")
def test_a_gate_that_fails_before_taking_its_early_child_leaves_no_process(tmp_path, monkeypatch):
    from tests.transforms.gates import scan_stand_ins
    from transforms.gates import ner_check

    monkeypatch.setattr(ner_check, "CHILD_WARM", f"{scan_stand_ins.MODULE}:warm_with_worker")
    gate = RunGate(_request(tmp_path).config, n_process=2)
    gate.start()
    assert gate.started
    with pytest.raises(Exception):  # noqa: B017 - a manifest the gate cannot read: any failure will do
        gate(None, "v1", {"failures": 5})
    assert descendants(os.getpid()) == set()


def test_a_gate_not_early_starts_its_child_only_with_the_gate():
    gate = RunGate(load_config(None), n_process=2, early=False)
    gate.start()
    assert not gate.started
    gate.close()


@pytest.mark.parametrize(
    ("beam_args", "local"),
    [
        ([], True),
        (["--direct_num_workers", "2", "--direct_running_mode", "multi_processing"], True),
        (["--runner", "DataflowRunner"], False),
        (["--runner", "PortableRunner"], False),
    ],
)
def test_only_pipelines_on_this_machine_start_the_child_early(beam_args, local):
    from pipelines.beam_runner import runs_locally

    assert runs_locally(beam_args) is local


@pytest.mark.parametrize(("workers", "cores", "yields"), [(1, 2, False), (2, 2, True), (2, 4, False), (4, 4, True)])
def test_the_early_child_yields_the_cores_only_to_a_worker_process_per_core(monkeypatch, workers, cores, yields):
    import pipelines.run_gate as run_gate_mod

    seen = []
    monkeypatch.setattr(run_gate_mod, "usable_cores", lambda: cores)
    monkeypatch.setattr(run_gate_mod.NerJob, "ready", classmethod(lambda cls, *a, **kw: seen.append(kw)))
    RunGate(load_config(None), n_process=workers).start()
    assert [kw["yield_cores"] for kw in seen] == [yields]
