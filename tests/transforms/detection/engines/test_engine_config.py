"""``detection.engines`` config edge cases that must raise (no model needed)."""

from __future__ import annotations

import json

import pytest

from transforms.config import DetectionConfig, load_config
from transforms.errors import ConfigError

BASE = {
    "type": "hf_token_classification",
    "name": "deid",
    "model_dir": "/models/deid",
    "hashes_file": "/models/deid.hashes.json",
    "labels": {"PATIENT": "PERSON"},
}


def test_config_hash_pins_the_engines_model_files(tmp_path):
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps({"files": {"model.onnx": "a" * 64}}))
    cfg = DetectionConfig(engines=[{**BASE, "hashes_file": str(manifest)}])
    first = cfg.sha256()
    assert DetectionConfig().engines == [] and DetectionConfig().sha256() != first
    manifest.write_text(json.dumps({"files": {"model.onnx": "b" * 64}}))
    assert cfg.sha256() != first  # same paths, other pinned files: another detector identity


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"type": "torch"}, "type"),
        ({"labels": {}}, "labels"),
        ({"labels": {"PATIENT": "person"}}, "not an entity name"),
        ({"ignore_labels": ["PATIENT"]}, "both mapped and ignored"),
        ({"max_length": 64, "stride": 32}, "stride must be less than half"),
        ({"device": "tpu"}, "device"),
        ({"aggregation": "average"}, "aggregation"),
        ({"score_threshold": 1.5}, "score_threshold"),
        ({"batch_size": 0}, "batch_size"),
        ({"onnx_file": "../model.onnx"}, "onnx_file"),
        ({"name": "has space"}, "name"),
        ({"hashes": "x"}, "hashes"),
    ],
)
def test_bad_engine_config_fails_at_load(tmp_path, override, message):
    cfg = tmp_path / "c.yaml"
    import yaml

    cfg.write_text(yaml.safe_dump({"detection": {"engines": [{**BASE, **override}]}}))
    with pytest.raises(ConfigError, match=message):
        load_config(str(cfg))


def test_engine_names_must_be_unique():
    with pytest.raises(ValueError, match="engine names must be unique: deid"):
        DetectionConfig(engines=[BASE, BASE])


def test_missing_required_fields_fail():
    with pytest.raises(ValueError, match="hashes_file"):
        DetectionConfig(engines=[{k: v for k, v in BASE.items() if k != "hashes_file"}])
