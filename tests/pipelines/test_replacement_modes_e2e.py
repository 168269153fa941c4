"""End-to-end per replacement mode: ``redact run`` -> planted PII gone, stand-ins consistent across
documents, ``redact reveal --dataset`` round trip (reversible modes), ``redact purge --subject`` erases the
subject's vault material; ``typed`` writes no vault entry. CLI subprocesses on the DirectRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli, write_jsonl
from tests.pipelines.purge_helpers import current, doc_token, vault_rows

pytestmark = pytest.mark.slow

NAME = "Marisol Quintanilla-Brandt"
EMAIL = "marisol.qb@example.net"
OTHER = "Rahul Mehta"
ZETA, OMEGA = "subj-ZETA-4242", "subj-OMEGA-7"
PLANTED = [NAME, "Marisol", "Quintanilla", EMAIL, OTHER, "Mehta", "2021-03-14", "2021-03-20"]
CORPUS = [
    {"id": "a-1", "subject_id": ZETA, "text": f"{NAME} wrote from {EMAIL} on 2021-03-14 about the parcel."},
    {
        "id": "a-2",
        "subject_id": ZETA,
        "messages": [
            {"role": "user", "content": f"Hello, I am {NAME} and my parcel is late since 2021-03-20."},
            {"role": "assistant", "content": f"Sorry {NAME}, let me check the order."},
        ],
    },
    {"id": "b-1", "subject_id": OMEGA, "text": f"A note from {OTHER} about shipping; {NAME} was copied."},
    {"id": "b-2", "text": "Release notes: the export button moved to the toolbar."},
]


def _run(tmp: Path, kek_uri: str, replacement: dict) -> Path:
    write_jsonl(tmp / "in" / "docs.jsonl", CORPUS)
    cfg = tmp / "config.yaml"
    cfg.write_text(json.dumps({"keys": {"kek_uri": kek_uri}, "replacement": replacement}))
    out = tmp / "out"
    r = run_cli("run", "--input", str(tmp / "in"), "--output", str(out), "--config", str(cfg))
    assert r.returncode == 0, r.stderr[-2000:]
    return out


def _docs(out: Path, kek_uri: str) -> dict[str, dict]:
    """input id -> training row (``doc_id`` is the keyed DOC_ID token of the input id)."""
    import pyarrow.dataset as ds

    table = ds.dataset(str(out / "training" / current(out) / "data"), format="parquet").to_table()
    ids = _ids(out, kek_uri)
    return {ids.get(r["doc_id"], r["doc_id"]): r for r in table.to_pylist()}


def _ids(out: Path, kek_uri: str) -> dict[str, str]:
    return {doc_token(out, kek_uri, d["id"]): d["id"] for d in CORPUS}


def _all_text(row: dict) -> str:
    parts = [row["text"]]
    for m in row["messages"] or []:
        parts += [m["role"], m["content"]]
    for t in row["turns"] or []:
        parts += [t["speaker"], t["text"]]
    return "\n".join(parts)


def _reveal(out: Path, kek_uri: str, tmp: Path) -> dict[str, str]:
    target = tmp / "revealed.jsonl"
    r = run_cli(
        "reveal", "--dataset", "--write", str(target), "--reason", "test", "--output", str(out), "--kek-uri", kek_uri
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return {d["doc_id"]: d["text"] for d in map(json.loads, target.read_text().splitlines())}


MODES = [
    ({"mode": "token"}, True),
    ({"mode": "typed"}, False),
    ({"mode": "indexed"}, True),
    ({"mode": "surrogate"}, True),
    ({"mode": "token", "per_entity": {"DATE_TIME": "date_shift"}}, True),
]


@pytest.mark.parametrize(
    ("replacement", "reversible"), MODES, ids=lambda v: json.dumps(v) if isinstance(v, dict) else ""
)
def test_mode_end_to_end(tmp_path, kek_uri, replacement, reversible):
    out = _run(tmp_path, kek_uri, replacement)
    docs = _docs(out, kek_uri)
    ids = _ids(out, kek_uri)
    assert set(docs) == {"a-1", "a-2", "b-1", "b-2"}
    for row in docs.values():  # planted PII absent from every text column
        low = _all_text(row).lower()
        assert not [v for v in PLANTED if v.lower() in low], row["doc_id"]
    assert docs["a-2"]["messages"][0]["role"] == "user" and docs["a-2"]["messages"][1]["role"] == "assistant"

    vault = [
        {
            **r,
            "doc_ids": [ids[d] for d in r["doc_ids"]],
            "surfaces": [{**s, "doc_id": ids[s["doc_id"]]} for s in r["surfaces"]],
        }
        for rows in vault_rows(out).values()
        for r in rows
        if r["entity_type"] != "DOC_ID"  # the keyed input ids (reveal maps doc_id back), not replaced values
    ]
    if not reversible:
        assert vault == []
        assert "<PERSON>" in docs["a-1"]["text"] and "<EMAIL_ADDRESS>" in docs["a-1"]["text"]
        return
    # consistency across documents: the name is one vault token used by every document that mentions it
    name_rows = [r for r in vault if r["entity_type"] == "PERSON" and {"a-1", "b-1"} <= set(r["doc_ids"])]
    assert len(name_rows) == 1
    stand_ins = {s["doc_id"]: s["text"] for s in name_rows[0]["surfaces"]}
    if replacement["mode"] == "surrogate":
        assert stand_ins["a-1"] == stand_ins["b-1"] and stand_ins["a-1"] in docs["b-1"]["text"]
    elif replacement["mode"] == "indexed":
        assert stand_ins["a-1"] == "<PERSON_1>" and stand_ins["b-1"] == "<PERSON_2>"  # OTHER comes first in b-1
    else:
        assert name_rows[0]["token"] in docs["a-1"]["text"] and name_rows[0]["token"] in docs["b-1"]["text"]

    revealed = {ids.get(k, k): v for k, v in _reveal(out, kek_uri, tmp_path).items()}
    assert NAME.lower() in revealed["a-1"].lower() and EMAIL in revealed["a-1"]
    assert "2021-03-14" in revealed["a-1"] and NAME.lower() in revealed["b-1"].lower()

    r = run_cli("purge", "--output", str(out), "--as-of", "today", "--subject", ZETA, "--kek-uri", kek_uri)
    assert r.returncode == 0, r.stderr[-2000:]
    after = _docs(out, kek_uri)
    assert set(after) == {"b-1", "b-2"}
    vault_after = vault_rows(out)[current(out)]
    kept = {doc_token(out, kek_uri, "b-1"), doc_token(out, kek_uri, "b-2")}
    assert all(set(v["doc_ids"]) <= kept for v in vault_after)
    assert all(s["doc_id"] in kept for v in vault_after for s in v["surfaces"])
    assert not [v for v in vault_after if v["entity_type"] == "EMAIL_ADDRESS"]  # only a-1 had it: erased
