"""``redact model-hashes --model-dir``: a manifest of every file of a local model folder."""

from __future__ import annotations

import hashlib
import json

from tests.conftest import run_cli
from transforms.detection.model_integrity import aggregate, verify_folder


def test_model_dir_manifest_pins_every_file(tmp_path):
    folder = tmp_path / "model"
    (folder / "sub").mkdir(parents=True)
    (folder / "model.onnx").write_bytes(b"\x08\x01weights")
    (folder / "sub" / "tokenizer.json").write_text("{}")
    out = tmp_path / "hashes.json"
    proc = run_cli("model-hashes", "--model-dir", str(folder), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads(out.read_text())
    assert manifest["files"] == {
        "model.onnx": hashlib.sha256(b"\x08\x01weights").hexdigest(),
        "sub/tokenizer.json": hashlib.sha256(b"{}").hexdigest(),
    }
    assert manifest["sha256"] == aggregate(manifest["files"]) and manifest["sha256"] in proc.stdout
    assert verify_folder(folder, out, "m").sha256 == manifest["sha256"]


def test_model_dir_errors_are_one_line(tmp_path):
    proc = run_cli("model-hashes", "--model-dir", str(tmp_path / "nope"), "--output", str(tmp_path / "h.json"))
    assert proc.returncode == 2 and "model folder not found" in proc.stderr and "Traceback" not in proc.stderr
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "a").write_text("x")
    proc = run_cli("model-hashes", "--model-dir", str(tmp_path / "m"), "--output", str(tmp_path / "m" / "h.json"))
    assert proc.returncode == 2 and "outside --model-dir" in proc.stderr
    proc = run_cli("model-hashes", "--model", "x", "--model-dir", str(tmp_path), "--output", "h.json")
    assert proc.returncode == 2
