"""A small slice of the public dev sets, with generous bounds only (the full run is bench/eval_dev_sets.sh)."""

from __future__ import annotations

import pytest

from pipelines.commands.eval import load_gold
from transforms.config import load_config
from transforms.detection.eval_run import evaluate


@pytest.mark.parametrize(("name", "min_recall"), [("presidio_synth_v2", 0.85), ("slurp_devel", 0.6)])
def test_first_100_docs(shared_dir, name, min_recall):
    path = shared_dir / "eval" / f"{name}.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    result = evaluate(load_config(None), load_gold(str(path), limit=100))["redact"]
    assert result["docs"] == 100 and result["errors"] == 0
    assert result["recall"] >= min_recall
    if name == "presidio_synth_v2":
        assert result["precision"] >= 0.75
