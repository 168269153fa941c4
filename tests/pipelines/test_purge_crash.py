"""Kill ``redact purge`` with SIGKILL at known steps: the published version stays intact and complete,
no half-written version looks complete, and a re-run finishes with the same result as a clean purge."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli
from tests.pipelines.purge_helpers import ZETA, current, manifest, rows, training_versions, write_corpus

pytestmark = pytest.mark.slow
READY_TIMEOUT_S = 240


@pytest.fixture(scope="module")
def base(tmp_path_factory, session_kek_uri):
    """One published zero-config version holding subject ZETA, plus the result of a clean purge."""
    root = tmp_path_factory.mktemp("crash")
    out = root / "out"
    r = run_cli(
        "run", "--input", str(write_corpus(root / "in", "main")), "--output", str(out), "--kek-uri", session_kek_uri
    )
    assert r.returncode == 0, r.stderr[-2000:]
    clean = root / "clean"
    shutil.copytree(out, clean)
    r = run_cli(
        "purge", "--output", str(clean), "--as-of", "2000-01-01", "--subject", ZETA, "--kek-uri", session_kek_uri
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return out, clean, session_kek_uri


def _assert_published_intact(out: Path) -> str:
    """CURRENT names a complete version whose files all match the manifest's sha256."""
    version = current(out)
    m = manifest(out, version)
    assert m["status"] == "complete"
    for files in m["outputs"].values():
        for f in files:
            assert hashlib.sha256(Path(f["path"]).read_bytes()).hexdigest() == f["sha256"], f["path"]
    return version


def _assert_no_fake_complete(out: Path) -> None:
    for v in training_versions(out):
        mpath = out / "training" / v / "_MANIFEST.json"
        if mpath.exists():  # anything that looks complete must be complete
            m = json.loads(mpath.read_text())
            for f in m["outputs"]["training"]:
                assert Path(f["path"]).exists()


def _purge_and_kill(out: Path, kek_uri: str, point: str, tmp: Path) -> None:
    ready = tmp / "ready"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "REDACT_FAULT_PAUSE_AT": point,
        "REDACT_FAULT_READY_FILE": str(ready),
        "REDACT_FAULT_PAUSE_SECONDS": "90",
    }
    args = ["purge", "--output", str(out), "--as-of", "2000-01-01", "--subject", ZETA, "--kek-uri", kek_uri]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "-q", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not ready.exists():
            assert proc.poll() is None, f"purge exited before {point}: {proc.stderr.read().decode()[-2000:]}"
            assert time.monotonic() < deadline, f"checkpoint {point} not reached"
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize(
    ("point", "published_after_kill"),
    [
        ("purge.after_pipeline", "old"),  # new version's data written, no manifest
        ("purge.after_manifest", "old"),  # new version complete, not yet published
        ("purge.after_publish", "new"),  # published, old version not yet deleted
        ("purge.mid_cleanup", "new"),  # deletion marker written, old version being deleted
    ],
)
def test_kill_during_purge_then_rerun(base, tmp_path, point, published_after_kill):
    src, clean, kek_uri = base
    out = tmp_path / "out"
    shutil.copytree(src, out)
    old = current(out)
    old_rows = rows(out, old)

    _purge_and_kill(out, kek_uri, point, tmp_path)

    version = _assert_published_intact(out)
    _assert_no_fake_complete(out)
    if published_after_kill == "old":
        assert version == old and rows(out, old) == old_rows
    else:
        assert version == current(clean)

    r = run_cli("purge", "--output", str(out), "--as-of", "2000-01-01", "--subject", ZETA, "--kek-uri", kek_uri)
    assert r.returncode == 0, r.stderr[-2000:]
    assert current(out) == current(clean)
    assert training_versions(out) == training_versions(clean) == [current(clean)]
    assert rows(out, current(out)) == rows(clean, current(clean))
    assert sorted(p.name for p in (out / "vault" / "default").iterdir()) == [current(clean)]
    assert not list((out / ".purge").glob("*"))
    _assert_published_intact(out)
