"""``redact versions``: each version's status, rows, gate result and age; no published version is valid."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pipelines import dataset as D
from pipelines.cli import main
from pipelines.commands.versions import describe
from tests.pipelines.gate_data import Crafted


def _dataset(out: Path) -> D.Layout:
    ok = Crafted(out, version="v1").write()
    Crafted(out, version="v2").write()
    bad = Crafted(out, version="v3").write()
    m = bad.manifest()
    Path(bad.layout.manifest("v3")).write_text(json.dumps({**m, "gate": {"success": False}}))
    killed = Path(ok.layout.data_dir(D.TRAINING, "v4"))
    killed.mkdir(parents=True)
    (killed / "part-0.parquet").write_bytes(b"PAR1")
    return ok.layout


def test_versions_lists_status_rows_gate_and_age(tmp_path):
    lay = _dataset(tmp_path)
    D.publish(lay, "v1")
    now = datetime(2030, 1, 3, 6, tzinfo=UTC)  # the crafted versions were created 2030-01-01T00:00Z
    listing = describe(lay, now)
    rows = {v["version"]: (v["status"], v["rows"], v["gate"], v["age"]) for v in listing["versions"]}
    assert rows == {
        "v1": ("published", 10, "not run", "2d"),
        "v2": ("complete", 10, "not run", "2d"),
        "v3": ("failed", 10, "failed", "2d"),
        "v4": ("partial", None, None, None),
    }
    assert listing["published"] == "v1"


def test_versions_cli_says_when_no_version_is_published(tmp_path, capsys):
    _dataset(tmp_path)
    assert main(["versions", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["version", "status", "rows", "gate", "age", "by"]
    assert [line.split()[:2] for line in out[1:5]] == [
        ["v1", "complete"],
        ["v2", "complete"],
        ["v3", "failed"],
        ["v4", "partial"],
    ]
    assert out[-1] == "published: none (no version is published)"
    assert main(["versions", "--output", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["published"] is None
