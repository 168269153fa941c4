"""``pipelines/dataset.py``: one owner of the layout, version discovery, the manifest, reading, deleting."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import dataset as D
from tests.pipelines.gate_data import SCOPE, Crafted, training_row
from transforms.errors import InputError
from transforms.schemas import QUARANTINE_SCHEMA, TRAINING_SCHEMA


def _version(out: Path, name: str, created: str = "2030-01-01T00:00:00Z", **manifest) -> Crafted:
    c = Crafted(out, version=name).write()
    doc = {**c.manifest(), "created_at": created, **manifest}
    Path(c.layout.manifest(name)).write_text(json.dumps(doc))
    return c


def _partial(out: Path, name: str, rows: list[dict]) -> D.Layout:
    """A killed run: Parquet parts in every root, no manifest."""
    lay = D.Layout.build(str(out))
    for kind, scope in ((D.TRAINING, ""), (D.VAULT, SCOPE), (D.QUARANTINE, ""), (D.CANARIES, "")):
        path = Path(lay.data_dir(kind, name, scope)) / "part-00000-of-00001.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows if kind == D.TRAINING else [], schema=TRAINING_SCHEMA), path)
    return lay


def test_output_kinds_cover_every_root_and_restricted_roots_are_the_secret_ones():
    lay = D.Layout.build("/o")
    assert {k.name for k in D.OUTPUT_KINDS} == set(lay.roots())
    assert set(D.RESTRICTED_KINDS) == {"vault", "quarantine", "canary_vault", "audit", "keys"}
    assert set(D.VERSIONED_KINDS) == {"training", "vault", "quarantine", "canaries", "canary_vault"}
    for kind in D.VERSIONED_KINDS:  # each per-version output has its own folder for a version
        assert "v1" in lay.data_dir(kind, "v1", "s")
    with pytest.raises(ValueError):
        lay.data_dir(D.AUDIT, "v1")
    with pytest.raises(ValueError):
        lay.data_dir(D.VAULT, "v1")  # the vault is per key scope


def test_permission_rules_follow_output_kinds():
    """One truth: every output kind has a permission rule, restricted exactly when OUTPUT_KINDS says so."""
    from pipelines.storage import output_roots
    from transforms import permissions

    for kind in D.OUTPUT_KINDS:
        assert (permissions.modes_for(kind.name) == permissions.RESTRICTED) == kind.restricted, kind.name
    kinds = {k for k, _ in output_roots(D.Layout.build("/o"))}
    assert kinds == ({k.name for k in D.OUTPUT_KINDS} - {D.CANARY_VAULT}) | {"staging"}


def test_discover_reports_complete_partial_failed_and_published(tmp_path):
    old = _version(tmp_path, "v1", "2030-01-01T00:00:00Z")
    _version(tmp_path, "v2", "2030-01-02T00:00:00Z")
    _version(tmp_path, "v3", "2030-01-03T00:00:00Z", status="failed", failures=["counts do not reconcile"])
    _version(tmp_path, "v4", "2030-01-04T00:00:00Z", gate={"success": False, "failed": ["x"]})
    lay = _partial(tmp_path, "v5", [training_row(1)])
    D.publish(lay, "v1")
    status = {i.name: i.status for i in D.discover(lay)}
    assert status == {"v1": "published", "v2": "complete", "v3": "failed", "v4": "failed", "v5": "partial"}
    # complete_versions: every version whose manifest says complete (a failed gate can be re-run), oldest first
    assert list(D.complete_versions(lay)) == ["v1", "v2", "v4"]
    assert D.latest_complete_version(lay) == "v4"
    assert old.manifest()["status"] == "complete"


def test_a_later_passing_gate_report_wins_over_the_runs_failed_gate(tmp_path):
    c = _version(tmp_path, "v1", gate={"success": False})
    gate = Path(c.layout.gate_summary("v1"))
    gate.parent.mkdir(parents=True)
    gate.write_text(json.dumps({"version": "v1", "success": True}))
    assert [i.status for i in D.discover(c.layout)] == ["complete"]


def test_an_unreadable_manifest_is_partial_not_complete(tmp_path):
    c = _version(tmp_path, "v1")
    Path(c.layout.manifest("v1")).write_text("{not json")
    assert [i.status for i in D.discover(c.layout)] == ["partial"]
    assert D.complete_versions(c.layout) == {}
    with pytest.raises(InputError, match="not a valid manifest"):
        D.read_manifest(c.layout, "v1")


def test_versions_only_in_other_roots_are_found(tmp_path):
    lay = D.Layout.build(str(tmp_path))
    orphan = Path(lay.data_dir(D.VAULT, "v9", "other-scope"))
    orphan.mkdir(parents=True)
    (orphan / "part-0.parquet").write_bytes(b"x")
    (infos,) = D.discover(lay)
    assert (infos.name, infos.status, infos.kinds) == ("v9", "partial", ("vault",))


def test_manifest_model_types_what_code_reads_and_keeps_the_rest(tmp_path):
    c = _version(tmp_path, "v1", extra_field={"kept": 1})
    m = D.read_manifest(c.layout, "v1")
    assert m.keys.scope == SCOPE and m.complete and m.rows("training") == 10
    assert m.to_dict()["extra_field"] == {"kept": 1}
    with pytest.raises(InputError, match="not complete"):
        _version(tmp_path, "v2", status="failed")
        D.load_complete_manifest(c.layout, "v2")


def test_read_output_reads_every_part_of_a_kind(tmp_path):
    c = Crafted(tmp_path, rows=[training_row(i) for i in range(3)]).write()
    extra = Path(c.layout.data_dir(D.TRAINING, c.version)) / "part-00001-of-00001.parquet"
    pq.write_table(pa.Table.from_pylist([training_row(7)], schema=TRAINING_SCHEMA), extra)
    table = D.read_output(c.layout, D.TRAINING, c.version, columns=["doc_id"])
    assert sorted(table.column("doc_id").to_pylist()) == ["doc-0000", "doc-0001", "doc-0002", "doc-0007"]
    assert D.read_output(c.layout, D.QUARANTINE, c.version) is None
    assert QUARANTINE_SCHEMA is not None


def test_delete_version_removes_it_from_every_root_and_every_scope(tmp_path):
    keep = _version(tmp_path, "v1")
    gone = _version(tmp_path, "v2")
    other = Path(gone.layout.data_dir(D.VAULT, "v2", "other-scope"))
    other.mkdir(parents=True)
    (other / "part-0.parquet").write_bytes(b"x")
    D.delete_version(gone.layout, "v2")
    assert [i.name for i in D.discover(keep.layout)] == ["v1"]
    left = [p for p in tmp_path.rglob("*") if p.is_file() and "v2" in str(p)]
    assert left == []
    assert keep.layout.files(D.TRAINING, "v1")


def test_publish_pointer_and_no_published_version(tmp_path):
    lay = D.Layout.build(str(tmp_path))
    assert D.published_version(lay) is None
    D.publish(lay, "v1")
    assert D.published_version(lay) == "v1"
    D.unpublish(lay)
    assert D.published_version(lay) is None


def test_every_output_root_is_never_read_and_never_a_reveal_target(tmp_path):
    from pipelines.graph import never_read
    from pipelines.reveal import check_write_target
    from transforms.errors import ConfigError

    lay = D.Layout.build(str(tmp_path / "out"))
    roots = {kind: lay.roots()[kind] for kind in (k.name for k in D.OUTPUT_KINDS)}
    skipped = never_read(lay, "")
    for root in [lay.out, *roots.values()]:
        assert root in skipped
        with pytest.raises(ConfigError):
            check_write_target(lay, str(Path(root) / "revealed.jsonl"))


def test_a_version_in_any_versioned_root_is_found_and_deleted_everywhere(tmp_path):
    lay = D.Layout.build(str(tmp_path / "out"))
    for kind in D.VERSIONED_KINDS:
        folder = Path(lay.data_dir(kind, "v-x", SCOPE if kind == D.VAULT else ""))
        folder.mkdir(parents=True)
        (folder / "part-00000-of-00001.parquet").write_bytes(b"PAR1")
    assert D.version_names(lay)["v-x"] == {D.TRAINING, D.VAULT, D.QUARANTINE, D.CANARIES}
    D.delete_version(lay, "v-x")
    assert "v-x" not in D.version_names(lay) and not [p for p in Path(lay.out).rglob("*") if p.is_file()]
