"""Scale-out gives the same rows: the pipeline through Beam's PortableRunner (embedded job service,
LOOPBACK workers) and through the DirectRunner with two worker processes (``multi_processing``) gives the
same training rows and counts as the in-process DirectRunner: no runner-specific code in the transforms,
and batching/worker-local caches (detector, token memo) do not change results; nor does a detection child
process sharing each worker's batches (``--ner-child``). The vault too: the reference run builds it with a
``GroupByKey``, every other run (all on runners that would hold that shuffle in memory) by external sort
(``BuildVault(spill_prefix=...)``), here with small runs so that the merge reads many."""

from __future__ import annotations

import glob
import shutil

import pyarrow.parquet as pq
import pytest

from pipelines.beam_runner import shuffles_in_memory
from pipelines.run import RunRequest, run
from tests.conftest import REPO
from transforms.config import load_config

pytestmark = pytest.mark.slow

PORTABLE = ["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=LOOPBACK"]


def _rows(summary: dict) -> list[tuple]:
    files = glob.glob(summary["outputs"]["training"] + "/data/*.parquet")
    rows = [r for f in files for r in pq.read_table(f).to_pylist()]
    return sorted((r["doc_id"], r["text"], str(r["turns"]), str(r["entity_counts"])) for r in rows)


def _vault(summary: dict, kind: str) -> list[tuple]:
    """Vault (or canary vault) rows, but for the dataset version (each run has its own)."""
    rows = [r for f in summary["outputs"]["files"][kind] for r in pq.read_table(f).to_pylist()]
    return sorted(tuple((k, str(v)) for k, v in sorted(r.items()) if k != "dataset_version") for r in rows)


MULTI_PROCESSING = ["--direct_num_workers=2", "--direct_running_mode=multi_processing"]


@pytest.fixture(scope="module")
def direct(tmp_path_factory, session_kek_uri):
    root = tmp_path_factory.mktemp("scale")
    cfg = load_config(None, **{"keys.kek_uri": session_kek_uri})
    corpus = str(REPO / "examples" / "corpus" / "*.jsonl")
    with pytest.MonkeyPatch.context() as mp:  # the reference vault: by GroupByKey
        mp.setattr("pipelines.run.shuffles_in_memory", lambda _args: False)
        summary = run(RunRequest(inputs=[corpus], output=str(root / "direct"), config=cfg))
    return root, cfg, corpus, summary


@pytest.mark.parametrize(
    ("name", "beam_args", "ner_child"),
    [
        ("portable", PORTABLE, False),
        ("multi", MULTI_PROCESSING, False),
        ("child", [], True),  # a detection child beside the in-process worker (``--ner-child``)
        ("multi_child", MULTI_PROCESSING, True),  # and beside each of two worker processes
        ("multi_forked", MULTI_PROCESSING, False),  # two workers forked from the warm server (the CLI's way)
    ],
)
def test_scaled_out_run_matches_in_process_run(direct, name, beam_args, ner_child, monkeypatch):
    root, cfg, corpus, expected = direct
    if name == "multi_forked":
        from pipelines import warm_workers

        monkeypatch.setattr(warm_workers, "_context", None)  # started for this run only
        warm_workers.start()
    assert shuffles_in_memory(beam_args)  # so this run's vault is built by external sort
    monkeypatch.setattr("transforms.vault.SPILL_ENTRIES", 8)  # many runs, merged in passes
    shutil.copytree(root / "direct" / "keys", root / name / "keys")  # same scope keys
    req = RunRequest(inputs=[corpus], output=str(root / name), config=cfg, beam_args=beam_args, ner_child=ner_child)
    try:
        got = run(req)
    finally:
        if name == "multi_forked":
            warm_workers.stop()
    assert expected["status"] == got["status"] == "complete"
    assert expected["counts"] == got["counts"]
    assert _rows(expected) == _rows(got) != []
    for kind in ("vault", "canary_vault"):
        assert _vault(expected, kind) == _vault(got, kind), kind
    assert _vault(got, "vault") != []
