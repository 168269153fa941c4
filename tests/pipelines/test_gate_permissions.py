"""``redact gate`` / ``redact publish`` leave the gate report and ``CURRENT`` with the training modes
(``transforms.permissions``: files 0640, folders 0750) under an ordinary umask 022, as ``redact run`` does."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.pipelines import gate_data as D
from transforms.permissions import modes_for


@pytest.fixture
def umask_022():
    old = os.umask(0o022)  # inherited by the CLI subprocesses
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_gate_and_publish_apply_the_training_modes(tmp_path, umask_022):
    c = D.Crafted(tmp_path / "out").write()
    assert run_cli("gate", "--output", str(c.out), "--version", c.version).returncode == 0
    proc = run_cli("publish", "--output", str(c.out), "--version", c.version)
    assert proc.returncode == 0, proc.stderr
    gate_dir = Path(c.layout.gate_dir(c.version))
    want = modes_for("gate")
    files = [p for p in gate_dir.rglob("*") if p.is_file()]
    dirs = [gate_dir, *(p for p in gate_dir.rglob("*") if p.is_dir())]
    assert {"summary.json", "report.html", "index.html"} <= {p.name for p in files}
    assert (gate_dir / "data_docs").is_dir()
    assert {str(p.relative_to(gate_dir)): _mode(p) for p in files if _mode(p) != want.file} == {}
    assert {str(p.relative_to(gate_dir)): _mode(p) for p in dirs if _mode(p) != want.dir} == {}
    assert _mode(Path(c.layout.current)) == modes_for("training").file
    assert _mode(Path(c.layout.manifest(c.version))) == modes_for("training").file
