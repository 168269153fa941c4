"""Fixtures and skip marker shared by the engine tests (the unit tests here and the CLI tests)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

HAS_HF = all(importlib.util.find_spec(m) is not None for m in ("onnxruntime", "tokenizers", "onnx"))
SKIP_REASON = "optional extra [hf] not installed (REDACT_EXTRAS=hf bash scripts/setup.sh; make test and CI do)"
requires_hf = pytest.mark.skipif(not HAS_HF, reason=SKIP_REASON)


def make_pinned_model(root: Path) -> tuple[Path, Path]:
    """A tiny model folder and its hash manifest (outside the folder)."""
    from tests.transforms.detection.engines.tiny_model import build_model_dir
    from transforms.detection.model_integrity import build_folder_manifest

    folder = build_model_dir(root / "tiny-ner")
    hashes = root / "tiny-ner.hashes.json"
    hashes.write_text(json.dumps(build_folder_manifest(folder)))
    return folder, hashes


def engine_dict(folder: Path, hashes: Path, **overrides) -> dict:
    cfg = {
        "type": "hf_token_classification",
        "name": "tiny",
        "model_dir": str(folder),
        "hashes_file": str(hashes),
        "labels": {"PER": "PERSON", "LOC": "LOCATION"},
        "ignore_labels": ["MISC"],
    }
    return {**cfg, **overrides}
