"""The purge's staging folder (decision files with doc ids) is never reused and never left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import purge as purge_mod
from pipelines.dataset import Layout
from pipelines.purge_cleanup import marker_dir, recover
from tests.pipelines.purge_helpers import ZETA, published_corpus
from transforms.periods import parse_instant


def test_recover_deletes_staging_folders_of_a_killed_purge(tmp_path):
    layout = Layout.build(str(tmp_path / "out"))
    stale = tmp_path / "out" / ".purge" / "staging-v-old"
    stale.mkdir(parents=True)
    (stale / "decisions-00000-of-00002.jsonl").write_text('{"doc_id": "DOC_ID_x"}\n')
    recover(layout)
    assert not stale.exists()


@pytest.mark.slow
def test_purge_empties_staging_before_the_graph_and_removes_it_after_a_failure(tmp_path, kek_uri, monkeypatch):
    out, cfg, _ = published_corpus(tmp_path, kek_uri, "main")
    seen = {}

    def failing_execute(spec, beam_args):
        seen["staging"] = spec.staging
        raise RuntimeError("graph failed")

    # skip recovery: the purge itself must not read shards an earlier attempt left in its staging folder
    monkeypatch.setattr(purge_mod, "recover", lambda layout: [])
    monkeypatch.setattr(purge_mod, "_execute", failing_execute)
    req = purge_mod.PurgeRequest(dataset=str(out), as_of=parse_instant("2000-01-01"), subjects=[ZETA], config=cfg)
    with pytest.raises(RuntimeError):
        purge_mod.purge(req)
    staging = seen["staging"]
    assert staging.startswith(marker_dir(Layout.build(str(out))))

    # plant a stale shard of a killed attempt (another shard count) in that very folder
    Path(staging).mkdir(parents=True, exist_ok=True)
    (Path(staging) / "decisions-00000-of-00009.jsonl").write_text('{"doc_id": "DOC_ID_stale"}\n')

    def checking_execute(spec, beam_args):
        seen["leftovers"] = sorted(p.name for p in Path(spec.staging).glob("*")) if Path(spec.staging).exists() else []
        raise RuntimeError("graph failed")

    monkeypatch.setattr(purge_mod, "_execute", checking_execute)
    with pytest.raises(RuntimeError):
        purge_mod.purge(req)
    assert seen["leftovers"] == []
    assert not Path(staging).exists()
