"""The same pipeline through Beam's PortableRunner (embedded job service, LOOPBACK workers) gives the
same training rows as the DirectRunner: no runner-specific code in the transforms."""

from __future__ import annotations

import glob
import shutil

import pyarrow.parquet as pq
import pytest

from pipelines.run import RunRequest, run
from tests.conftest import REPO
from transforms.config import load_config

pytestmark = pytest.mark.slow

PORTABLE = ["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=LOOPBACK"]


def _rows(summary: dict) -> list[tuple]:
    files = glob.glob(summary["outputs"]["training"] + "/data/*.parquet")
    rows = [r for f in files for r in pq.read_table(f).to_pylist()]
    return sorted((r["doc_id"], r["text"], str(r["turns"]), str(r["entity_counts"])) for r in rows)


def test_portable_runner_matches_direct_runner(tmp_path, kek_uri):
    cfg = load_config(None, **{"keys.kek_uri": kek_uri})
    corpus = str(REPO / "examples" / "corpus" / "*.jsonl")
    direct = run(RunRequest(inputs=[corpus], output=str(tmp_path / "direct"), config=cfg))
    shutil.copytree(tmp_path / "direct" / "keys", tmp_path / "portable" / "keys")  # same scope keys
    portable = run(RunRequest(inputs=[corpus], output=str(tmp_path / "portable"), config=cfg, beam_args=PORTABLE))
    assert direct["status"] == portable["status"] == "complete"
    assert direct["counts"] == portable["counts"]
    assert _rows(direct) == _rows(portable) != []
