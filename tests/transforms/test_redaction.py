"""Redactor: tokens replace spans, equal values share tokens, the input record is left untouched."""

from __future__ import annotations

import pytest

from transforms.keys import KeysetStore, ScopeKeys
from transforms.keys.tokens import TOKEN_RE, normalize_value, parse_token
from transforms.record import Record, Span, Turn
from transforms.redaction import Redactor


@pytest.fixture
def keys(tmp_path, kek_uri):
    return ScopeKeys.open(KeysetStore(str(tmp_path / "keys")), "test", kek_uri, create=True)


def test_spans_are_replaced_and_equal_values_share_a_token(keys):
    text = "Call John Smith, or JOHN  SMITH's office."
    spans = [Span(5, 15, "PERSON", 0.9), Span(20, 33, "PERSON", 0.9)]
    rec = Record(doc_id="d1", content_type="document", text=text, spans=spans)
    out, entries = Redactor(keys).redact_record(rec)
    assert "John" not in out.text and "JOHN" not in out.text
    tokens = TOKEN_RE.findall(out.text)
    assert len(tokens) == 2 and tokens[0] == tokens[1]
    assert out.entity_counts == {"PERSON": 2}
    assert {e.token for e in entries} == {f"<PERSON_{tokens[0][1]}>"}
    assert rec.text == text and rec.spans == spans  # input untouched
    assert out.redacted and out.lineage.key_scope == "test" and out.lineage.key_id == keys.key_id


def test_reveal_returns_normalized_value(keys):
    rec = Record(
        doc_id="d", content_type="document", text="Mail a.b@Example.com now", spans=[Span(5, 20, "EMAIL_ADDRESS", 1)]
    )
    _, entries = Redactor(keys).redact_record(rec)
    assert keys.reveal(entries[0].entity_type, entries[0].ciphertext) == "a.b@example.com"


def test_conversation_speakers_and_subject(keys):
    rec = Record(
        doc_id="c",
        content_type="chat",
        turns=[Turn("user", "I am Maria Garcia"), Turn("Maria Garcia", "hello")],
        turn_spans=[[Span(5, 17, "PERSON", 0.9)], []],
        subject_raw="cust-7",
    )
    out, _ = Redactor(keys).redact_record(rec)
    assert out.turns[0].speaker == "user"
    name_token = out.turns[0].text.split("I am ")[1]
    assert out.turns[1].speaker == name_token  # speaker name == same token as in text
    assert "Maria" not in out.text and out.text.startswith("user: I am <PERSON_")
    assert out.subject_raw is None and parse_token(out.subject_ref)[0] == "SUBJECT"


def test_tokens_are_deterministic_across_key_openings(tmp_path, kek_uri):
    store = KeysetStore(str(tmp_path / "keys"))
    a = ScopeKeys.open(store, "s", kek_uri, create=True).tokenize("PERSON", "jane")
    b = ScopeKeys.open(store, "s", kek_uri).tokenize("PERSON", "jane")
    assert a == b


def test_type_is_bound_into_the_token(keys):
    assert keys.tokenize("PERSON", "paris")[0] != keys.tokenize("LOCATION", "paris")[0]


@pytest.mark.parametrize(
    ("entity", "raw", "normalized"),
    [
        ("PERSON", "John  Smith's", "john smith"),
        ("PHONE_NUMBER", "+1 (415) 555-0134", "+14155550134"),
        ("PHONE_NUMBER", "415.555.0134", "4155550134"),
        ("CREDIT_CARD", "4111-1111 1111 1111", "4111111111111111"),
        ("IBAN_CODE", "de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("EMAIL_ADDRESS", "A.B@Example.COM", "a.b@example.com"),
    ],
)
def test_normalization_table(entity, raw, normalized):
    assert normalize_value(entity, raw) == normalized
