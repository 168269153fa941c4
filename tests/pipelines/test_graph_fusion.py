"""The record path of ``redact run`` is one fused stage on the local runner.

Beam's FnApiRunner (our local runner) runs a graph stage by stage and holds every PCollection that
crosses from one stage to another in memory, whole. So the path parse -> canonicalize -> minimize ->
detect -> tokenize -> lineage -> write must be a single fused stage: a ``Flatten``, ``GroupByKey`` or
side input on it would hold the whole corpus (the canaries once joined through a ``Flatten``). Checked
on the stages the runner itself plans, not by running anything.
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.runners.portability.fn_api_runner import fn_runner

from pipelines.graph import build_graph
from pipelines.run import RunRequest, prepare
from tests.conftest import write_jsonl
from transforms.config import RunConfig

RECORD_PATH = [
    "ReadRecords/Parse/",
    "Canonicalize/",
    "Minimize/",
    "DetectPII/Batch/",
    "DetectPII/Detect/",
    "TokenizeRecords/",
    "AttachLineage/",
    "SplitCanaries/",
    "WriteTraining/Write/Parquet/Write/WriteImpl/WriteBundles",
    "WriteCanaries/Write/Parquet/Write/WriteImpl/WriteBundles",
]


def _stages(tmp_path, **config) -> list[list[str]]:
    write_jsonl(tmp_path / "in" / "a.jsonl", [{"id": "1", "text": "x"}])
    cfg = RunConfig.model_validate({"keys": {"kek_uri": f"local://{tmp_path / 'kek.json'}"}, **config})
    spec, _ = prepare(RunRequest([str(tmp_path / "in")], str(tmp_path / "out"), cfg))
    p = beam.Pipeline()
    build_graph(p, spec)
    _ctx, stages = fn_runner.FnApiRunner().create_stages(p.to_runner_api())
    return [[t.unique_name for t in s.transforms] for s in stages]


def _stages_of(stages: list[list[str]], prefix: str) -> set[int]:
    return {i for i, names in enumerate(stages) if any(n.startswith(prefix) for n in names)}


def test_record_path_from_parse_to_training_writer_is_one_stage(tmp_path):
    stages = _stages(tmp_path)
    where = {label: _stages_of(stages, label) for label in RECORD_PATH}
    assert all(len(s) == 1 for s in where.values()), where  # each step planned exactly once
    assert len(set().union(*where.values())) == 1, where


def test_canaries_ride_the_record_path_without_a_flatten_of_records(tmp_path):
    stages = _stages(tmp_path, gates={"canaries": [{"id": "c", "text": "Call Zed Quill.", "values": ["Zed Quill"]}]})
    (main,) = _stages_of(stages, "DetectPII/Detect/")
    # detection is fed by the read units' reshuffle alone (the canaries join as units before it)
    feeding = {n.split("/Read")[0] for n in stages[main] if n.endswith("/Read")}
    assert feeding == {"ReadRecords/SpreadUnits/ReshufflePerKey/GroupByKey"}, feeding


def test_local_vault_spills_inside_the_record_path(tmp_path):
    """On the local runner the vault's entries never cross a stage: they are spilled to sorted runs by a
    step fused into the record path (only run paths reach the next stage); no GroupByKey by token."""
    stages = _stages(tmp_path)
    (main,) = _stages_of(stages, "DetectPII/Detect/")
    for label in ("BuildVault/SpillRuns", "BuildCanaryVault/SpillRuns"):
        assert _stages_of(stages, label) == {main}, label
    assert not _stages_of(stages, "BuildVault/GroupByToken")
    assert _stages_of(stages, "BuildVault/MergeRuns") == _stages_of(
        stages, "WriteVault/Write/Parquet/Write/WriteImpl/WriteBundles"
    )
