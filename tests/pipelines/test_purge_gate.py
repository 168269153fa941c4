"""``redact gate`` on a version made by ``redact purge`` checks the canaries of the run it derives from."""

from __future__ import annotations

import json

import pytest

from pipelines.dataset import Layout, load_complete_manifest, published_version
from pipelines.gate import gate_version
from tests.pipelines.purge_helpers import ZETA, published_corpus, purge_at

pytestmark = pytest.mark.slow


def test_regating_a_purge_made_version_finds_every_canary(tmp_path, kek_uri):
    out, cfg, res = published_corpus(tmp_path, kek_uri, "main")
    report = purge_at(out, cfg, as_of="2000-01-01", subjects=[ZETA])
    layout = Layout.build(str(out))
    new = report["new_version"]
    assert published_version(layout) == new
    manifest = load_complete_manifest(layout, new)
    assert manifest.produced_by == "purge" and layout.files("canaries", new)

    result = gate_version(layout, new, manifest, cfg)

    summary = json.loads((out / "training" / new / "_gate" / "summary.json").read_text())
    assert summary["canaries"]["expected"] > 0
    assert summary["canaries"]["not_found"] == [] and summary["canaries"]["leaking"] == []
    # the gate judges the purged data itself (its NER shares may change with fewer rows), but neither the
    # canaries nor the lineage run id of the rows the purge kept may fail it
    assert not [f for f in result["failed"] if "canar" in f or "run_id" in f], result["failed"]
    assert manifest.data_run_id == res["run_id"]
