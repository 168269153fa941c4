"""Synthetic corpora, gated runs, purges and dataset inspection helpers for the purge tests (all values
invented). One owner for the purge tests' setup: a published run, then a purge as of a date."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq

from pipelines.dataset import Layout
from pipelines.run import RunRequest
from tests.conftest import write_jsonl
from transforms import subjects
from transforms.config import RunConfig, load_config
from transforms.keys import KeysetStore, ScopeKeys
from transforms.periods import parse_instant

ZETA = "subj-ZETA-4242"  # the subject whose erasure is requested
OMEGA = "subj-OMEGA-7"
# Planted values that must never appear in an audit log, card, manifest or command output.
PLANTED = [ZETA, OMEGA, "Marisol", "Quintanilla", "marisol.qb@example.net", "Winterbottom", "marisol_quintanilla"]


def _chat(doc_id, subject, name):
    return {
        "id": doc_id,
        "subject_id": subject,
        "messages": [
            {"role": "user", "content": f"Hello, I am {name} and my parcel is late."},
            {"role": "assistant", "content": f"Sorry {name}, let me check the order."},
        ],
    }


CORPUS = {
    "main": [
        {"id": "a-1", "subject_id": ZETA, "text": "Marisol Quintanilla-Brandt wrote from marisol.qb@example.net."},
        _chat("a-2", ZETA, "Marisol Quintanilla-Brandt"),
        {"id": "a-3", "subject_id": OMEGA, "text": "Theodor Winterbottom asked about shipping to Rotterdam."},
        {"id": "a-4", "text": "General FAQ: reset your password in Settings, then choose Security."},
        _chat("a-6", OMEGA, "Theodor Winterbottom"),
    ],
    "hold": [
        {"id": "h-1", "subject_id": ZETA, "category": "litigation", "text": "Case file: Marisol Quintanilla-Brandt."},
    ],
    "b": [
        {"id": "b-1", "subject_id": ZETA, "text": "Follow-up: Marisol Quintanilla-Brandt confirmed the address."},
        {"id": "b-2", "text": "Release notes: the export button moved to the toolbar."},
        {"id": "b-3", "subject_id": OMEGA, "text": "Theodor Winterbottom renewed the subscription."},
    ],
    "c": [
        {"id": "c-1", "subject_id": OMEGA, "text": "Theodor Winterbottom left a five star review."},
        {"id": "c-2", "text": "Warehouse inventory count finished on schedule."},
    ],
}

POLICY_YAML = """\
policy_id: test-policy
version: "7"
category_field: category
default: {retention: P10Y}
rules:
  - id: litigation
    match: {category: litigation}
    retention: P1D
    legal_hold: true
  - id: chats
    match: {content_type: chat}
    retention: P30D
"""


def write_corpus(root: Path, *names: str) -> Path:
    """Files under a directory that names a person (path hashing must hide it)."""
    base = root / "exports" / "marisol_quintanilla"
    for name in names:
        write_jsonl(base / f"{name}.jsonl", CORPUS[name])
    return base


def write_config(tmp: Path, kek_uri: str, **retention) -> Path:
    policy = tmp / "policy.yaml"
    policy.write_text(POLICY_YAML)
    cfg = {
        "keys": {"kek_uri": kek_uri},
        "input": {"metadata_allowlist": ["category"]},
        "retention": {"policy_file": str(policy), **retention},
    }
    path = tmp / "config.yaml"
    path.write_text(json.dumps(cfg))
    return path


def current(out: Path) -> str:
    return (out / "training" / "CURRENT").read_text().strip()


def training_versions(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "training").iterdir() if p.is_dir())


def manifest(out: Path, version: str) -> dict:
    return json.loads((out / "training" / version / "_MANIFEST.json").read_text())


def rows(out: Path, version: str) -> dict[str, str]:
    """input id -> canonical JSON of the whole row (the definition of "identical" used by the tests).

    ``doc_id`` is a keyed DOC_ID token of the input id; the tests name documents by their input ids, so
    the tokens are joined back through the vault (as ``redact reveal`` would)."""
    ids = input_ids(out, version)
    out_rows = {}
    for f in sorted((out / "training" / version / "data").glob("*.parquet")):
        for r in pq.read_table(f).to_pylist():
            out_rows[ids.get(r["doc_id"], r["doc_id"])] = json.dumps(r, sort_keys=True, default=str)
    return out_rows


def input_ids(out: Path, version: str) -> dict[str, str]:
    """DOC_ID token -> input id, from the scope's vault (empty when the keys cannot be opened)."""
    complete = [v for v in [version, *training_versions(out)] if (out / "training" / v / "_MANIFEST.json").exists()]
    metas = [manifest(out, v).get("keys", {}) for v in complete]  # a killed purge's version has no manifest
    kek_uri = next((m["kek_uri"] for m in metas if m.get("kek_uri")), None)
    scope = metas[0].get("scope", "default")
    try:
        keys = ScopeKeys.open(KeysetStore(str(Layout.build(str(out)).keys)), scope, kek_uri)
    except Exception:  # a shredded scope: its ids are gone by design
        return {}
    return {
        r["token"]: keys.reveal("DOC_ID", r["ciphertext"])
        for rs in vault_rows(out, scope).values()
        for r in rs
        if r["entity_type"] == "DOC_ID"
    }


def vault_rows(out: Path, scope: str = "default") -> dict[str, list[dict]]:
    """version -> vault rows."""
    res = {}
    for d in sorted((out / "vault" / scope).iterdir()) if (out / "vault" / scope).exists() else []:
        res[d.name] = [r for f in sorted(d.glob("*.parquet")) for r in pq.read_table(f).to_pylist()]
    return res


def tree_digest(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            p = Path(dirpath) / name
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def subject_token(out: Path, kek_uri: str, raw: str, scope: str = "default") -> str:
    keys = ScopeKeys.open(KeysetStore(str(Layout.build(str(out)).keys)), scope, kek_uri)
    return subjects.subject_token(keys, raw)


def future(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%d")


def assert_no_planted(text: str, where: str) -> None:
    low = text.lower()
    for value in PLANTED:
        assert value.lower() not in low, f"planted value leaked into {where}"


def doc_token(out: Path, kek_uri: str, raw_id: str, scope: str = "default") -> str:
    """The ``doc_id`` a record with input id ``raw_id`` gets (a keyed DOC_ID token)."""
    from transforms.doc_ids import keyed_doc_id

    keys = ScopeKeys.open(KeysetStore(str(Layout.build(str(out)).keys)), scope, kek_uri)
    return keyed_doc_id(keys, raw_id)[0]


def run_gated(req):
    """``pipelines.run.run`` with the real gate, as ``redact run`` does: only a gated version is published."""
    from pipelines.gate import gate_version
    from pipelines.run import run

    return run(req, gate=lambda layout, version, m: gate_version(layout, version, m, req.config))


def _config(cfg) -> RunConfig:
    return cfg if isinstance(cfg, RunConfig) else load_config(str(cfg))


def run_published(out: Path, inputs: Path, cfg: RunConfig | Path) -> dict:
    """A gated run of ``inputs`` into ``out`` that must complete and be published; its summary.
    ``cfg`` is a loaded config or the path of a config file."""
    res = run_gated(RunRequest(inputs=[str(inputs)], output=str(out), config=_config(cfg)))
    assert res["status"] == "complete" and res["published"]
    return res


def published_corpus(tmp: Path, kek_uri: str, *names: str) -> tuple[Path, RunConfig, dict]:
    """The usual start of a purge test: the test config, the corpora ``names`` under ``tmp/in`` and one
    published run of them into ``tmp/out``. Returns (out, config, run summary)."""
    cfg = load_config(str(write_config(tmp, kek_uri)))
    out = tmp / "out"
    return out, cfg, run_published(out, write_corpus(tmp / "in", *names), cfg)


def purge_at(out: Path, cfg: RunConfig | Path, as_of: str = "now", **kw) -> dict:
    """``pipelines.purge.purge`` over ``out`` as of ``as_of`` (ISO date, 'now'); ``kw`` go to the request."""
    from pipelines.purge import PurgeRequest, purge

    return purge(PurgeRequest(dataset=str(out), as_of=parse_instant(as_of), config=_config(cfg), **kw))
