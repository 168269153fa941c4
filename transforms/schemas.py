"""Explicit pyarrow schemas of every Parquet output, and record -> row conversion.

Never inferred from data. Changing a schema is a contract change: bump ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import pyarrow as pa

from transforms.record import QuarantineItem, Record

SCHEMA_VERSION = "1"

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
        pa.field("ingested_at", pa.string(), nullable=False),
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
        pa.field("canonicalization", pa.map_(pa.string(), pa.int64())),
    ]
)

RETENTION = pa.struct(
    [
        pa.field("policy_id", pa.string(), nullable=False),
        pa.field("policy_version", pa.string(), nullable=False),
        pa.field("category", pa.string(), nullable=False),
        pa.field("expires_at", pa.string()),
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
        pa.field("metadata", pa.map_(pa.string(), pa.string())),
        pa.field("subject_ref", pa.string()),
        pa.field("entity_counts", pa.map_(pa.string(), pa.int64()), nullable=False),
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
        pa.field("expires_at", pa.string()),
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
        "metadata": sorted(r.metadata.items()),
        "subject_ref": r.subject_ref,
        "entity_counts": sorted(r.entity_counts.items()),
        "lineage": {
            "source_uri": lin.source_uri,
            "source_sha256": lin.source_sha256,
            "source_record": lin.source_record,
            "ingested_at": lin.ingested_at,
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
            "canonicalization": sorted(lin.canonicalization.items()),
        },
        "retention": {
            "policy_id": ret.policy_id,
            "policy_version": ret.policy_version,
            "category": ret.category,
            "expires_at": ret.expires_at,
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
        "expires_at": expires_at,
    }
