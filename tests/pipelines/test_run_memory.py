"""``release_pipeline_memory``: what Beam's ``Shared`` keeps alive after a pipeline (the detector) is
freed before the gate, in a process that runs one pipeline (the CLI)."""

from __future__ import annotations

import argparse
import gc
import weakref

import pytest
from apache_beam.utils.shared import Shared

from pipelines.run import release_pipeline_memory
from pipelines.run_gate import RunGate
from transforms.config import load_config
from transforms.errors import PipelineFailure


class _Heavy:
    """Stands in for the detector (spaCy and Presidio)."""


def test_the_object_shared_keeps_alive_is_freed():
    held = Shared().acquire(_Heavy, tag="detector")
    ref = weakref.ref(held)
    del held
    gc.collect()
    assert ref() is not None  # Beam keeps the last acquired object alive after its users are gone
    release_pipeline_memory()
    assert ref() is None


def test_the_cli_asks_for_it(monkeypatch, tmp_path):
    from pipelines.commands import run as run_cmd

    seen, gates = [], []
    monkeypatch.setattr(
        "pipelines.run.run",
        lambda req, gate=None: seen.append(req) or gates.append(gate) or {"status": "failed", "version": "v1"},
    )
    monkeypatch.setattr(run_cmd, "config_from_args", lambda _args: load_config(None))
    monkeypatch.setattr(run_cmd, "print_summary", lambda _summary: None)
    args = argparse.Namespace(
        input=[str(tmp_path)],
        output=str(tmp_path / "o"),
        extra=[],
        no_publish=False,
        summary_json=None,
        ner_child="off",
    )
    with pytest.raises(PipelineFailure):  # the stand-in run did not complete
        run_cmd.main(args)
    assert [r.release_after_pipeline for r in seen] == [True]
    assert [r.ner_child for r in seen] == [False]  # --ner-child off
    assert [type(g) for g in gates] == [RunGate]  # the gate whose NER child starts before the pipeline
    gates[0].start()  # the CLI closed it: nothing starts any more
    assert not gates[0].started
