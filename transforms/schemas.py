"""Explicit pyarrow schemas of every Parquet output, and record -> row conversion.

Never inferred from data. Changing a schema is a contract change: bump ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from transforms.periods import parse_instant
from transforms.record import QuarantineItem, Record
from transforms.speakers import chat_role

SCHEMA_VERSION = "2"

# Loadable by every common reader (Hugging Face ``datasets``, pandas, pyarrow.dataset, polars, duckdb):
# no map types (``datasets`` has no dtype for them), key/value pairs are ``list<struct<key, value>>``
# (typed values, queryable with ``unnest`` in SQL); instants are ``timestamp[us, tz=UTC]``.
UTC_TS = pa.timestamp("us", tz="UTC")


def kv_list(value_type: pa.DataType) -> pa.DataType:
    """``list<struct<key: string, value: value_type>>``: the map replacement every reader loads."""
    return pa.list_(pa.struct([pa.field("key", pa.string(), nullable=False), pa.field("value", value_type)]))


MESSAGE = pa.struct(
    [
        pa.field("role", pa.string(), nullable=False),
        pa.field("content", pa.string(), nullable=False),
    ]
)

SURFACE = pa.struct([pa.field("doc_id", pa.string(), nullable=False), pa.field("text", pa.string(), nullable=False)])

TURN = pa.struct(
    [
        pa.field("speaker", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("start_ms", pa.int64()),
        pa.field("end_ms", pa.int64()),
    ]
)

LINEAGE = pa.struct(
    [
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source_sha256", pa.string(), nullable=False),
        pa.field("source_record", pa.string(), nullable=False),
        pa.field("ingested_at", UTC_TS, nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("pipeline_version", pa.string(), nullable=False),
        pa.field("detector_config_sha256", pa.string(), nullable=False),
        pa.field(
            "nlp_model",
            pa.struct(
                [
                    pa.field("name", pa.string(), nullable=False),
                    pa.field("version", pa.string(), nullable=False),
                    pa.field("sha256", pa.string(), nullable=False),
                ]
            ),
            nullable=False,
        ),
        pa.field("key_scope", pa.string(), nullable=False),
        pa.field("key_id", pa.string(), nullable=False),
        pa.field("canonicalization", kv_list(pa.int64())),
    ]
)

RETENTION = pa.struct(
    [
        pa.field("policy_id", pa.string(), nullable=False),
        pa.field("policy_version", pa.string(), nullable=False),
        pa.field("category", pa.string(), nullable=False),
        pa.field("expires_at", UTC_TS),
        pa.field("legal_hold", pa.bool_(), nullable=False),
        pa.field("consent", pa.bool_()),
    ]
)

TRAINING_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("content_type", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("turns", pa.list_(TURN)),
        # chats and transcripts again in the shape ``tokenizer.apply_chat_template`` takes
        pa.field("messages", pa.list_(MESSAGE)),
        pa.field("metadata", kv_list(pa.string())),
        pa.field("subject_ref", pa.string()),
        pa.field("entity_counts", kv_list(pa.int64()), nullable=False),
        pa.field("lineage", LINEAGE, nullable=False),
        pa.field("retention", RETENTION, nullable=False),
    ],
    metadata={"redact.schema": "training", "redact.schema_version": SCHEMA_VERSION},
)

VAULT_SCHEMA = pa.schema(
    [
        pa.field("token", pa.string(), nullable=False),
        pa.field("entity_type", pa.string(), nullable=False),
        pa.field("ciphertext", pa.binary(), nullable=False),
        pa.field("key_scope", pa.string(), nullable=False),
        pa.field("key_id", pa.string(), nullable=False),
        pa.field("dataset_version", pa.string(), nullable=False),
        pa.field("doc_ids", pa.list_(pa.string()), nullable=False),
        pa.field("subject_refs", pa.list_(pa.string()), nullable=False),
        # what stands in the text for this token when it is not the token itself (indexed, surrogate and
        # date_shift replacements), per document: reveal maps these back; purge narrows them with doc_ids
        pa.field("surfaces", pa.list_(SURFACE), nullable=False),
    ],
    metadata={"redact.schema": "vault", "redact.schema_version": SCHEMA_VERSION},
)

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("reason", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source_record", pa.string(), nullable=False),
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("sealed_payload", pa.binary(), nullable=False),
        pa.field("key_scope", pa.string(), nullable=False),
        pa.field("key_id", pa.string(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        # what purge needs: the data subject (a SUBJECT token, never the raw id) and the quarantine expiry
        pa.field("subject_ref", pa.string()),
        pa.field("expires_at", UTC_TS),
    ],
    metadata={"redact.schema": "quarantine", "redact.schema_version": SCHEMA_VERSION},
)


def training_row(r: Record) -> dict:
    if not r.redacted:
        raise ValueError(f"record {r.doc_id} reached the writer unredacted")
    lin, ret = r.lineage, r.retention
    return {
        "doc_id": r.doc_id,
        "content_type": r.content_type,
        "text": r.text,
        "turns": (
            None
            if r.turns is None
            else [{"speaker": t.speaker, "text": t.text, "start_ms": t.start_ms, "end_ms": t.end_ms} for t in r.turns]
        ),
        "messages": None if r.turns is None else [{"role": chat_role(t.speaker), "content": t.text} for t in r.turns],
        "metadata": kv_rows(r.metadata),
        "subject_ref": r.subject_ref,
        "entity_counts": kv_rows(r.entity_counts),
        "lineage": {
            "source_uri": lin.source_uri,
            "source_sha256": lin.source_sha256,
            "source_record": lin.source_record,
            "ingested_at": instant(lin.ingested_at),
            "run_id": lin.run_id,
            "pipeline_version": lin.pipeline_version,
            "detector_config_sha256": lin.detector_config_sha256,
            "nlp_model": {
                "name": lin.nlp_model_name,
                "version": lin.nlp_model_version,
                "sha256": lin.nlp_model_sha256,
            },
            "key_scope": lin.key_scope,
            "key_id": lin.key_id,
            "canonicalization": kv_rows(lin.canonicalization),
        },
        "retention": {
            "policy_id": ret.policy_id,
            "policy_version": ret.policy_version,
            "category": ret.category,
            "expires_at": instant(ret.expires_at),
            "legal_hold": ret.legal_hold,
            "consent": ret.consent,
        },
    }


def quarantine_row(
    q: QuarantineItem,
    sealed: bytes,
    scope: str,
    key_id: str,
    run_id: str,
    subject_ref: str | None = None,
    expires_at: str | None = None,
) -> dict:
    return {
        "reason": q.reason,
        "stage": q.stage,
        "source_uri": q.source_uri,
        "source_record": q.source_record,
        "doc_id": q.doc_id,
        "sealed_payload": sealed,
        "key_scope": scope,
        "key_id": key_id,
        "run_id": run_id,
        "subject_ref": subject_ref,
        "expires_at": instant(expires_at),
    }


def kv_rows(d: dict) -> list[dict]:
    """A dict as ``kv_list`` rows, sorted by key (stable files for equal input)."""
    return [{"key": k, "value": v} for k, v in sorted(d.items())]


def kv_dict(rows: list | None) -> dict:
    """Inverse of ``kv_rows``; also accepts the (key, value) tuples of files written before schema 2."""
    out = {}
    for item in rows or []:
        k, v = (item["key"], item["value"]) if isinstance(item, dict) else item
        out[k] = v
    return out


def instant(value: str | datetime | None) -> datetime | None:
    """An ISO-8601 instant (as records carry them) as an aware UTC datetime for a timestamp column."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value if isinstance(value, datetime) else parse_instant(value)
