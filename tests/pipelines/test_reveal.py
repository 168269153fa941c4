"""``pipelines/reveal.py`` in process: whole-version reveal reads the vault of that version only."""

from __future__ import annotations

import json
import os

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.dataset import TRAINING, VAULT, Layout, write_manifest
from pipelines.reveal import reveal_dataset
from transforms.keys import KeysetStore, ScopeKeys
from transforms.schemas import VAULT_SCHEMA

SCOPE = "s"
# synthetic people: the same document id and the same stand-in mean a different person in each version
PEOPLE = {"v1": "ada lovelace", "v2": "grace hopper"}


def _write(path: str, table: pa.Table) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pq.write_table(table, path)


def _version(layout: Layout, keys: ScopeKeys, version: str, name: str) -> None:
    token, ct = keys.tokenize("PERSON", name)
    _write(
        layout.prefix(TRAINING, version) + "-00000-of-00001.parquet",
        pa.table({"doc_id": ["d1"], "text": ["<PERSON_1> wrote to us."]}),
    )
    row = {
        "token": token,
        "entity_type": "PERSON",
        "ciphertext": ct,
        "key_scope": SCOPE,
        "key_id": keys.key_id,
        "dataset_version": version,
        "doc_ids": ["d1"],
        "subject_refs": [],
        "surfaces": [{"doc_id": "d1", "text": "<PERSON_1>"}],
    }
    _write(
        layout.prefix(VAULT, version, SCOPE) + "-00000-of-00001.parquet",
        pa.Table.from_pylist([row], schema=VAULT_SCHEMA),
    )
    write_manifest(layout, version, {"version": version, "status": "complete", "keys": {"scope": SCOPE}})


def test_whole_version_reveal_uses_only_that_versions_vault(tmp_path, kek_uri):
    layout = Layout.build(str(tmp_path / "out"))
    keys = ScopeKeys.create(KeysetStore(layout.keys), SCOPE, kek_uri)
    for version, name in PEOPLE.items():
        _version(layout, keys, version, name)
    for version, name in PEOPLE.items():
        target = tmp_path / f"{version}.jsonl"
        counts = reveal_dataset(layout, SCOPE, kek_uri, version, "ticket 7", str(target))
        rows = [json.loads(line) for line in target.read_text().splitlines()]
        assert rows == [{"doc_id": "d1", "text": f"{name} wrote to us."}], version
        assert counts["found"] == 1 and counts["missing"] == 0
