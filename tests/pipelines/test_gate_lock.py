"""``redact gate`` holds the purge lock (``pipelines/locks.py``): a failed gate of the published version
removes ``CURRENT``, which must never race a purge or a publish moving it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import locks
from pipelines.dataset import Layout, publish, published_version
from tests.conftest import run_cli
from tests.pipelines import gate_data as D
from transforms.errors import LockedError


def test_gate_is_refused_with_exit_7_while_a_purge_holds_the_root_and_changes_nothing(tmp_path):
    c = D.Crafted(tmp_path / "out")
    c.rows[0]["text"] = "Reach me at leaked.value@example.org please, thanks."  # this gate would fail
    c.write()
    publish(c.layout, c.version)
    with locks.purge_lock(c.layout):
        proc = run_cli("gate", "--output", str(c.out), "--version", c.version)
    assert proc.returncode == 7, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("redact: error: another purge is in progress"), proc.stderr
    assert published_version(c.layout) == c.version  # not unpublished behind the purge's back
    assert not Path(c.layout.gate_summary(c.version)).exists()  # nothing written


def test_a_purge_or_run_is_refused_while_the_gate_holds_the_lock_and_says_so(tmp_path):
    lay = Layout.build(str(tmp_path))
    with locks.purge_lock(lay, refuse_runs=False, command="gate"):
        with pytest.raises(LockedError, match="another redact gate is in progress"), locks.purge_lock(lay):
            pytest.fail("the purge must not start")
        with pytest.raises(LockedError, match="a redact gate is in progress"), locks.run_marker(lay, "r1", "v1"):
            pytest.fail("the run must not start")
    assert list(Path(lay.locks).iterdir()) == []
