"""Erasure reaches versions left by a killed run (Parquet parts, no manifest) in every output root."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines import dataset as D
from tests.pipelines.purge_helpers import (
    ZETA,
    published_corpus,
    purge_at,
    run_published,
    subject_token,
    write_config,
    write_corpus,
)
from transforms.config import load_config

pytestmark = pytest.mark.slow


def test_subject_erasure_deletes_a_killed_runs_version_from_every_root(tmp_path, kek_uri):
    out, cfg, res = published_corpus(tmp_path, kek_uri, "main")
    lay, v = D.Layout.build(str(out)), res["version"]
    zeta = subject_token(out, kek_uri, ZETA)
    # A run killed after its Parquet parts were written: the same rows under a new version, no manifest.
    killed = "v20300101T000000Z-killed"
    for kind, scope in ((D.TRAINING, "default"), (D.VAULT, "default"), (D.QUARANTINE, ""), (D.CANARIES, "")):
        src = Path(lay.data_dir(kind, v, scope))
        if src.is_dir():
            shutil.copytree(src, lay.data_dir(kind, killed, scope), ignore=shutil.ignore_patterns("vault"))
    killed_files = [p for p in out.rglob("*.parquet") if killed in str(p)]
    assert any(
        r["subject_ref"] == zeta for p in killed_files if "training" in str(p) for r in pq.read_table(p).to_pylist()
    )
    assert {i.name: i.status for i in D.discover(lay)}[killed] == "partial"

    report = purge_at(out, cfg, as_of="2000-01-01", subjects=[ZETA])

    assert report["incomplete_versions_deleted"] == [killed]
    for path in killed_files:
        with pytest.raises(FileNotFoundError):
            pq.read_table(path)
    for path in out.rglob("*.parquet"):  # no row of the subject is readable anywhere under OUT
        table = pq.read_table(path)
        for col in ("subject_ref", "subject_refs"):
            if col in table.column_names:
                assert zeta not in json.dumps(table.column(col).to_pylist()), path
    events = [json.loads(p.read_text()) for p in (out / "audit" / "purge").glob("*.json")]
    assert [e["incomplete_versions_deleted"] for e in events] == [[killed]]


def test_a_runs_start_deletes_versions_of_killed_runs(tmp_path, kek_uri):
    cfg = load_config(str(write_config(tmp_path, kek_uri)))
    out = tmp_path / "out"
    lay = D.Layout.build(str(out))
    killed = "v20300101T000000Z-killed"
    for kind, scope in ((D.TRAINING, ""), (D.VAULT, "default"), (D.QUARANTINE, ""), (D.CANARIES, "")):
        part = Path(lay.data_dir(kind, killed, scope)) / "part-00000-of-00001.parquet"
        part.parent.mkdir(parents=True)
        part.write_bytes(b"PAR1")  # its run died before the manifest
    res = run_published(out, write_corpus(tmp_path / "in", "c"), cfg)
    assert res["incomplete_versions_deleted"] == [killed]
    assert not [p for p in out.rglob("*") if killed in p.name]
    assert [i.name for i in D.discover(lay)] == [res["version"]]
    (event,) = [json.loads(p.read_text()) for p in (out / "audit" / "cleanup").glob("*.json")]
    assert event["incomplete_versions"] == [killed] and event["by"] == "run"
