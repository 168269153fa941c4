"""Property test at the pipeline level: a directory of arbitrary files (random bytes and Unicode under
every extension) never makes a real run fail, and the counts always reconcile. Few examples: each one
is a full DirectRunner run."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.run import RunRequest, run
from tests.transforms.parsing.test_properties import EXTENSIONS, payloads
from transforms.config import load_config

pytestmark = pytest.mark.slow

files = st.lists(st.tuples(st.sampled_from(EXTENSIONS), payloads), min_size=1, max_size=6)


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(corpus=files)
def test_arbitrary_files_never_fail_a_run_and_always_reconcile(corpus):
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "in").mkdir()
        for i, (ext, data) in enumerate(corpus):
            (base / "in" / f"f{i}{ext}").write_bytes(data)
        cfg = load_config(None, **{"keys.kek_uri": f"local://{base / 'kek.json'}"})
        cfg = cfg.model_copy(update={"max_quarantine_fraction": 1.0})
        s = run(RunRequest(inputs=[str(base / "in")], output=str(base / "out"), config=cfg))
        c = s["counts"]
        assert s["status"] == "complete", s.get("failures")
        assert s["reconciliation"]["ok"], s["reconciliation"]
        assert c["files"] == len(corpus)
        assert c["read"] == c["written"] + c["quarantined_total"] + c["dropped_total"] >= len(corpus)
