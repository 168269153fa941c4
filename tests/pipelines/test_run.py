"""``pipelines/run.py`` checks made before a byte is written: output roots never inside input roots."""

from __future__ import annotations

import json

import pytest

from pipelines.dataset import Layout
from pipelines.run import check_outputs_outside_inputs
from tests.conftest import run_cli, write_jsonl
from transforms.config import OutputsConfig
from transforms.errors import InputError


@pytest.mark.parametrize(
    ("outputs", "inputs", "name"),
    [
        ({}, ["{in}"], "output"),  # --output equal to the input folder
        ({"vault": "{in}/vault"}, ["{in}"], "outputs.vault"),
        ({"quarantine": "{in}/deep/q"}, ["{in}/**"], "outputs.quarantine"),
        ({"audit": "{in}"}, ["{in}/"], "outputs.audit"),
        ({"training": "s3://b/corpus/training"}, ["s3://b/corpus/"], "outputs.training"),
        ({"keys": "gs://b/in/keys"}, ["gs://b/in/**"], "outputs.keys"),
    ],
)
def test_output_roots_inside_or_equal_to_an_input_root_are_refused(tmp_path, outputs, inputs, name):
    src = tmp_path / "in"
    src.mkdir()
    fill = {k: v.format(**{"in": src}) for k, v in outputs.items()}
    out = str(src) if name == "output" else str(tmp_path / "out")
    layout = Layout.build(out, OutputsConfig(**fill))
    with pytest.raises(InputError, match=f"^{name} root .* is inside input"):
        check_outputs_outside_inputs([i.format(**{"in": src}) for i in inputs], layout)


def test_roots_beside_the_inputs_and_non_recursive_inputs_are_fine(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    layout = Layout.build(str(tmp_path / "out"), OutputsConfig(vault=str(tmp_path / "in-vault")))
    check_outputs_outside_inputs([str(src), str(src / "*.jsonl"), "s3://b/corpus/", "s3://b/x.jsonl"], layout)
    # a single-file glob cannot read back files that all lie in subfolders of the root
    check_outputs_outside_inputs([str(src / "*.jsonl")], Layout.build(str(src)))


def test_cli_refuses_a_config_root_inside_the_input_with_one_line_and_exit_2(tmp_path):
    src = tmp_path / "in"
    write_jsonl(src / "a.jsonl", [{"id": "1", "text": "hello"}])
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(json.dumps({"outputs": {"vault": str(src / "vault")}}))
    r = run_cli("run", "--input", str(src), "--output", str(tmp_path / "out"), "--config", str(cfg))
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "outputs.vault root" in r.stderr
    assert not (src / "vault").exists() and not (tmp_path / "out").exists()
