"""``doc_id`` is safe by construction: an input id reaches outputs only as a keyed, revealable token."""

from __future__ import annotations

import json

import pytest

from transforms.config import InputConfig
from transforms.doc_ids import DOC_ID_ENTITY, keyed_doc_id, redact_with_doc_id, sealed_item_doc_id
from transforms.keys import KeysetStore, ScopeKeys
from transforms.keys.tokens import TOKEN_RE
from transforms.parsing.registry import parse_source
from transforms.parsing.source import SourceFile
from transforms.record import QuarantineItem, Record
from transforms.redaction import Redactor

# ids people really use: freshly written values, one per kind
PII_IDS = ["kw.lindgren@mailbox-test.org", "Tove Ahl +46 70 812 33 09", "078-05-1120", "5105 1051 0510 5100"]


@pytest.fixture
def keys(tmp_path, kek_uri) -> ScopeKeys:
    return ScopeKeys.create(KeysetStore(str(tmp_path / "keys")), "t", kek_uri)


@pytest.mark.parametrize("raw_id", PII_IDS)
def test_parser_keeps_the_input_id_out_of_doc_id(raw_id):
    line = (json.dumps({"id": raw_id, "text": "hello"}) + "\n").encode()
    (rec,) = parse_source(SourceFile("/in/a.jsonl", line), InputConfig())
    assert rec.id_raw == raw_id and raw_id not in rec.doc_id and len(rec.doc_id) == 16


@pytest.mark.parametrize("raw_id", PII_IDS)
def test_tokenized_doc_id_is_a_keyed_token_with_a_vault_entry(keys, raw_id):
    rec = Record(doc_id="0123456789abcdef", content_type="document", text="hello", id_raw=raw_id)
    redacted, entries = redact_with_doc_id(Redactor(keys), rec)
    m = TOKEN_RE.fullmatch(redacted.doc_id)
    assert m and m.group(1) == DOC_ID_ENTITY and redacted.id_raw is None
    assert raw_id not in repr(redacted) and raw_id not in repr(entries)
    (entry,) = [e for e in entries if e.entity_type == DOC_ID_ENTITY]
    assert entry.token == entry.doc_id == redacted.doc_id
    assert keys.reveal(DOC_ID_ENTITY, entry.ciphertext) == raw_id  # callers can join back
    assert DOC_ID_ENTITY not in redacted.entity_counts  # an id is not an entity found in the text
    again, _ = redact_with_doc_id(Redactor(keys), rec)
    assert again.doc_id == redacted.doc_id  # deterministic: joinable across runs


def test_records_without_input_id_keep_the_derived_id(keys):
    rec = Record(doc_id="0123456789abcdef", content_type="document", text="hello")
    redacted, entries = redact_with_doc_id(Redactor(keys), rec)
    assert redacted.doc_id == "0123456789abcdef" and not entries


def test_quarantine_doc_id_is_the_same_keyed_token(keys):
    item = QuarantineItem("detect.error", "detect", "file://x", "line:1", b"{}", doc_id="0123", id_raw=PII_IDS[0])
    sealed = sealed_item_doc_id(keys, item)
    assert sealed.doc_id == keyed_doc_id(keys, PII_IDS[0])[0] and sealed.id_raw is None
