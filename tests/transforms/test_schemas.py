"""Schema 2: no map types anywhere, UTC timestamps, messages beside turns; expiry works on timestamps."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from transforms.periods import is_expired
from transforms.purge_rules import PURGE, PurgeCriteria, classify
from transforms.record import Lineage, Record, Retention, Turn
from transforms.schemas import (
    QUARANTINE_SCHEMA,
    TRAINING_SCHEMA,
    UTC_TS,
    VAULT_SCHEMA,
    kv_dict,
    training_row,
)


def _types(t: pa.DataType):
    yield t
    if pa.types.is_struct(t):
        for f in t:
            yield from _types(f.type)
    elif pa.types.is_list(t) or pa.types.is_map(t):
        yield from _types(t.value_type)


@pytest.mark.parametrize("schema", [TRAINING_SCHEMA, VAULT_SCHEMA, QUARANTINE_SCHEMA])
def test_no_map_types_anywhere(schema):
    assert not [f.name for f in schema for t in _types(f.type) if pa.types.is_map(t)]


def test_instants_are_utc_timestamps():
    lineage, retention = TRAINING_SCHEMA.field("lineage").type, TRAINING_SCHEMA.field("retention").type
    assert lineage.field("ingested_at").type == UTC_TS == retention.field("expires_at").type
    assert QUARANTINE_SCHEMA.field("expires_at").type == pa.timestamp("us", tz="UTC")


def test_training_row_round_trips_through_the_schema():
    rec = Record(
        doc_id="c1",
        content_type="chat",
        text="user: hi\nagent: hello",
        turns=[Turn("user", "hi"), Turn("agent", "hello"), Turn("spk_2", "bye")],
        metadata={"source": "crm"},
        entity_counts={"PERSON": 2},
        redacted=True,
        lineage=Lineage(ingested_at="2030-01-01T00:00:00Z", canonicalization={"zero_width_removed": 1}),
        retention=Retention(policy_id="p", policy_version="1", category="chat", expires_at="2031-01-01T00:00:00Z"),
    )
    row = pa.Table.from_pylist([training_row(rec)], schema=TRAINING_SCHEMA).to_pylist()[0]
    assert row["messages"] == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
        {"role": "spk_2", "content": "bye"},
    ]
    assert kv_dict(row["metadata"]) == {"source": "crm"} and kv_dict(row["entity_counts"]) == {"PERSON": 2}
    assert kv_dict(row["lineage"]["canonicalization"]) == {"zero_width_removed": 1}
    assert row["retention"]["expires_at"] == datetime(2031, 1, 1, tzinfo=UTC)
    assert row["lineage"]["ingested_at"] == datetime(2030, 1, 1, tzinfo=UTC)


def test_expiry_compares_timestamps_and_legacy_strings():
    as_of = datetime(2031, 6, 1, tzinfo=UTC)
    assert is_expired(datetime(2031, 1, 1, tzinfo=UTC), as_of)
    assert not is_expired(datetime(2032, 1, 1, tzinfo=UTC), as_of)
    assert is_expired("2031-01-01T00:00:00Z", as_of) and not is_expired(None, as_of)
    row = {
        "doc_id": "d",
        "subject_ref": None,
        "lineage": {"key_scope": "s"},
        "retention": {"expires_at": datetime(2031, 1, 1, tzinfo=UTC), "legal_hold": False},
    }
    assert classify(row, PurgeCriteria(as_of=as_of))[0] == PURGE
