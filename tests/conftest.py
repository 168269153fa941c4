"""Shared fixtures. Tests never touch the user's real config dir: XDG_CONFIG_HOME points into tmp."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.egress_guard import install as install_egress_guard

pytest_plugins = ["tests.kms_servers"]  # loopback KMS fixtures (moto, gRPC Cloud KMS)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REDACT_SHARED_DIR") or REPO.parent / "shared")


def pytest_configure(config) -> None:
    """No network egress in any test: sockets reach loopback only (``tests/egress_guard.py``)."""
    install_egress_guard()


@pytest.fixture(autouse=True)
def _isolated_config_home(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared/ not found at {SHARED} (set REDACT_SHARED_DIR)")
    return SHARED


@pytest.fixture
def kek_uri(tmp_path) -> str:
    """A fresh local development KEK for this test."""
    return f"local://{tmp_path / 'kek' / 'dev-kek.json'}"


@pytest.fixture(scope="session")
def session_kek_uri(tmp_path_factory) -> str:
    return f"local://{tmp_path_factory.mktemp('kek') / 'dev-kek.json'}"


def write_jsonl(path: Path, rows: list[dict | str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def run_cli(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run ``redact`` (as ``python -m pipelines.cli``) in a subprocess from the repo root."""
    # tests/_egress/sitecustomize.py installs the egress guard in the subprocess too
    path = os.pathsep.join([str(REPO), str(REPO / "tests" / "_egress")])
    full_env = {**os.environ, "PYTHONPATH": path, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
