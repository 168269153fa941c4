"""The ``RunNerEngines`` stage is in the graph only when extra engines are configured."""

from __future__ import annotations

import apache_beam as beam
import pytest

from pipelines.graph import build_graph
from pipelines.run import RunRequest, prepare
from tests.conftest import write_jsonl
from tests.transforms.detection.engines.tiny_model_fixtures import HAS_HF, SKIP_REASON, engine_dict, make_pinned_model
from transforms.config import RunConfig


def _labels(tmp_path, **detection) -> set[str]:
    write_jsonl(tmp_path / "in" / "a.jsonl", [{"id": "1", "text": "x"}])
    cfg = RunConfig.model_validate({"keys": {"kek_uri": f"local://{tmp_path / 'kek.json'}"}, "detection": detection})
    spec, _ = prepare(RunRequest([str(tmp_path / "in")], str(tmp_path / "out"), cfg))
    p = beam.Pipeline()
    build_graph(p, spec)
    return set(p.applied_labels)


def test_default_graph_has_no_engine_stage(tmp_path):
    labels = _labels(tmp_path)
    assert "DetectPII" in labels and "RunNerEngines" not in labels


@pytest.mark.skipif(not HAS_HF, reason=SKIP_REASON)
def test_engine_stage_runs_before_detection_when_configured(tmp_path):
    folder, hashes = make_pinned_model(tmp_path)
    labels = _labels(tmp_path, engines=[engine_dict(folder, hashes)])
    assert {"RunNerEngines", "DetectPII"} <= labels
