"""Quarantine sealing: the AAD binds the row's doc_id, reason, stage, source and run (``*_fails`` cases)."""

from __future__ import annotations

import pytest

from transforms.errors import KeyAccessError
from transforms.keys import KeysetStore, ScopeKeys
from transforms.keys.sealing import QUARANTINE_BOUND, seal_quarantine_row, unseal_quarantine_row

PAYLOAD = b'{"id": "x", "text": "synthetic raw record"}'


@pytest.fixture
def keys(tmp_path, kek_uri) -> ScopeKeys:
    return ScopeKeys.create(KeysetStore(str(tmp_path / "keys")), "q", kek_uri)


def _row(**over) -> dict:
    row = {
        "reason": "parse.invalid_json",
        "stage": "parse",
        "source_uri": "file://sha256-abc.jsonl",
        "source_record": "line:2",
        "doc_id": "d-1",
        "run_id": "run1",
        "key_scope": "q",
        "key_id": "1",
    }
    return {**row, **over}


def test_sealed_row_opens_with_its_own_columns(keys):
    row = seal_quarantine_row(keys, _row(), PAYLOAD)
    assert PAYLOAD not in row["sealed_payload"]
    assert unseal_quarantine_row(keys, row) == PAYLOAD


@pytest.mark.parametrize("column", QUARANTINE_BOUND)
def test_changed_bound_column_fails(keys, column):
    row = seal_quarantine_row(keys, _row(), PAYLOAD)
    with pytest.raises(KeyAccessError):
        unseal_quarantine_row(keys, {**row, column: row[column] + "-other"})


@pytest.mark.parametrize("pair", [("doc_id", "d-2"), ("reason", "detect.failed"), ("stage", "detect")])
def test_payload_swapped_between_rows_fails(keys, pair):
    """Two rows differing only in doc_id / reason / stage: their payloads are not interchangeable."""
    column, other = pair
    a = seal_quarantine_row(keys, _row(), PAYLOAD)
    b = seal_quarantine_row(keys, _row(**{column: other}), b"other raw record")
    with pytest.raises(KeyAccessError):
        unseal_quarantine_row(keys, {**a, "sealed_payload": b["sealed_payload"]})
    with pytest.raises(KeyAccessError):
        unseal_quarantine_row(keys, {**b, "sealed_payload": a["sealed_payload"]})


def test_ambiguous_concatenation_fails(keys):
    """Values containing the separator cannot shift a boundary (the context is a JSON array)."""
    row = seal_quarantine_row(keys, _row(source_uri="a|b", source_record="c"), PAYLOAD)
    with pytest.raises(KeyAccessError):
        unseal_quarantine_row(keys, {**row, "source_uri": "a", "source_record": "b|c"})
