"""Replacement modes through the Redactor: planted values gone, consistency, vault material per mode."""

from __future__ import annotations

import re

import pytest

from transforms.config import load_config
from transforms.errors import ConfigError
from transforms.keys import KeysetStore, ScopeKeys
from transforms.keys.tokens import TOKEN_RE
from transforms.record import Record, Span, Turn
from transforms.redaction import Redactor
from transforms.replacement.config import ReplacementConfig
from transforms.schemas import training_row

NAME, EMAIL, PHONE = "Emily Carter", "emily.carter@acme-mail.net", "(415) 867-2291"
DATE = "2021-03-14"


@pytest.fixture
def keys(tmp_path, kek_uri):
    return ScopeKeys.open(KeysetStore(str(tmp_path / "keys")), "test", kek_uri, create=True)


def _doc(doc_id: str, subject: str | None = None) -> Record:
    text = f"{NAME} wrote from {EMAIL} on {DATE}; call {PHONE}. Later {NAME} called back."
    spans = [
        Span(m.start(), m.end(), label, 0.9)
        for value, label in ((NAME, "PERSON"), (EMAIL, "EMAIL_ADDRESS"), (PHONE, "PHONE_NUMBER"), (DATE, "DATE_TIME"))
        for m in re.finditer(re.escape(value), text)
    ]
    return Record(doc_id=doc_id, content_type="document", text=text, spans=spans, subject_raw=subject)


def _redact(keys, mode: str, doc_id: str = "d1", **kw):
    return Redactor(keys, ReplacementConfig(mode=mode, **kw)).redact_record(_doc(doc_id, kw.pop("subject", None)))


@pytest.mark.parametrize("mode", ["token", "typed", "indexed", "surrogate"])
def test_planted_values_are_gone_in_every_mode(keys, mode):
    out, _ = _redact(keys, mode)
    for value in (NAME, "Emily", "Carter", EMAIL, PHONE, "867-2291", DATE):
        assert value not in out.text
    assert out.entity_counts == {"PERSON": 2, "EMAIL_ADDRESS": 1, "PHONE_NUMBER": 1, "DATE_TIME": 1}


def test_token_mode_is_todays_format(keys):
    out, entries = _redact(keys, "token")
    assert len(TOKEN_RE.findall(out.text)) == 5
    assert all(e.surface is None for e in entries)


def test_typed_mode_has_no_vault_entries(keys):
    out, entries = _redact(keys, "typed")
    assert entries == []
    assert out.text.count("<PERSON>") == 2 and "<EMAIL_ADDRESS>" in out.text and "<DATE_TIME>" in out.text
    assert not TOKEN_RE.search(out.text)


def test_indexed_numbers_per_document_in_order_of_appearance(keys):
    text = "Ann met Bob, then Bob met Ann and Cy."
    spans = [Span(m.start(), m.end(), "PERSON", 0.9) for m in re.finditer(r"Ann|Bob|Cy", text)]
    rec = Record(doc_id="d", content_type="document", text=text, spans=spans)
    out, entries = Redactor(keys, ReplacementConfig(mode="indexed")).redact_record(rec)
    assert out.text == "<PERSON_1> met <PERSON_2>, then <PERSON_2> met <PERSON_1> and <PERSON_3>."
    assert {e.surface for e in entries} == {"<PERSON_1>", "<PERSON_2>", "<PERSON_3>"}
    assert len({e.token for e in entries}) == 3  # each surface maps to its value's token (reversible)


def test_indexed_is_coherent_across_turns_and_speakers(keys):
    turns = [Turn("Dana Whitfield", "Hi, this is Dana Whitfield."), Turn("agent", "Hello Dana Whitfield!")]
    spans = [[Span(12, 26, "PERSON", 0.9)], [Span(6, 20, "PERSON", 0.9)]]
    rec = Record(doc_id="c", content_type="chat", turns=turns, turn_spans=spans)
    out, _ = Redactor(keys, ReplacementConfig(mode="indexed")).redact_record(rec)
    assert [t.speaker for t in out.turns] == ["<PERSON_1>", "agent"]
    assert out.turns[0].text == "Hi, this is <PERSON_1>." and out.turns[1].text == "Hello <PERSON_1>!"
    row = training_row(_with_lineage(out))
    assert row["messages"] == [
        {"role": "<PERSON_1>", "content": "Hi, this is <PERSON_1>."},
        {"role": "assistant", "content": "Hello <PERSON_1>!"},
    ]


def _with_lineage(rec: Record) -> Record:
    rec.lineage.ingested_at = "2030-01-01T00:00:00Z"
    return rec


def test_surrogates_are_deterministic_and_joinable_across_documents(keys):
    a, ea = _redact(keys, "surrogate", "d1")
    b, eb = _redact(keys, "surrogate", "d2")
    assert a.text == b.text  # same values, same scope key -> same stand-ins in every document
    person = {e.surface for e in ea if e.entity_type == "PERSON"}
    assert len(person) == 1 and person == {e.surface for e in eb if e.entity_type == "PERSON"}
    assert a.text.count(next(iter(person))) == 2
    email = next(e.surface for e in ea if e.entity_type == "EMAIL_ADDRESS")
    assert re.fullmatch(r"[a-z0-9.]+@example\.(com|net|org)", email)
    phone = next(e.surface for e in ea if e.entity_type == "PHONE_NUMBER")
    assert re.fullmatch(r"\(\d{3}\) 555-01\d{2}", phone)
    assert all(e.ciphertext for e in ea)


def test_surrogates_depend_on_the_key_not_the_value(tmp_path, kek_uri, keys):
    other = ScopeKeys.open(KeysetStore(str(tmp_path / "keys2")), "test", kek_uri, create=True)
    a, _ = _redact(keys, "surrogate")
    b, _ = _redact(other, "surrogate")
    assert a.text != b.text


def test_surrogate_never_equals_a_real_value_of_the_document(keys, monkeypatch):
    from transforms.replacement import state as state_mod

    real = "Grace Hopper"
    draws = iter(["Grace Hopper", "Alan Turing"])  # first draw collides with a real value of the text
    monkeypatch.setattr(state_mod, "surrogate", lambda *a, **k: next(draws))
    text = "Emily Carter and Grace Hopper met."
    rec = Record(doc_id="d", content_type="document", text=text, spans=[Span(0, 12, "PERSON", 0.9)])
    redactor = Redactor(keys, ReplacementConfig(mode="surrogate"))
    out, _ = redactor.redact_record(rec)
    assert out.text == "Alan Turing and Grace Hopper met."
    assert redactor.last_state.collisions == 1
    assert real in out.text and out.text.count(real) == 1  # the real (undetected) one only


def test_a_person_surrogate_keeps_no_part_of_a_real_name(keys, monkeypatch):
    from transforms.replacement import state as state_mod

    draws = iter(["Emily Bradford", "Nora Carter", "Alan Turing"])  # a real first name, then a real last name
    monkeypatch.setattr(state_mod, "surrogate", lambda *a, **k: next(draws))
    rec = Record(doc_id="d", content_type="document", text="Emily Carter called.", spans=[Span(0, 12, "PERSON", 0.9)])
    redactor = Redactor(keys, ReplacementConfig(mode="surrogate"))
    out, _ = redactor.redact_record(rec)
    assert out.text == "Alan Turing called." and redactor.last_state.collisions == 2


@pytest.mark.parametrize("name", ["Emily Carter", "James Smith", "Maria Garcia", "Michael Johnson", "Linda Brown"])
def test_person_surrogates_share_no_word_with_the_value_whatever_the_key(tmp_path, kek_uri, name):
    """Common first and last names, 20 fresh keys each: the drawn surrogate never repeats a part of it."""
    for i in range(20):
        k = ScopeKeys.open(KeysetStore(str(tmp_path / f"k{i}")), "test", kek_uri, create=True)
        rec = Record(
            doc_id="d", content_type="document", text=f"{name} called.", spans=[Span(0, len(name), "PERSON", 0.9)]
        )
        out, _ = Redactor(k, ReplacementConfig(mode="surrogate")).redact_record(rec)
        words = {w.casefold() for w in name.split()}
        assert not words & {w.casefold() for w in re.findall(r"\w+", out.text)}, out.text


def test_date_shift_keeps_intervals_within_a_subject(keys):
    text = "Admitted 2021-03-14, discharged 2021-03-20."
    spans = [Span(9, 19, "DATE_TIME", 0.9), Span(32, 42, "DATE_TIME", 0.9)]
    cfg = ReplacementConfig(mode="token", per_entity={"DATE_TIME": "date_shift"})
    outs = []
    for doc in ("a", "b"):
        rec = Record(doc_id=doc, content_type="document", text=text, spans=spans, subject_raw="patient-7")
        outs.append(Redactor(keys, cfg).redact_record(rec))
    (out, entries), (out_b, _) = outs
    d1, d2 = re.findall(r"\d{4}-\d{2}-\d{2}", out.text)
    from datetime import date

    assert (date.fromisoformat(d2) - date.fromisoformat(d1)).days == 6
    assert d1 != "2021-03-14" and out.text == out_b.text  # same subject, same offset in every document
    assert all(e.surface and e.ciphertext for e in entries)


def test_date_shift_falls_back_to_the_token_for_non_dates(keys):
    text = "See you tomorrow morning."
    rec = Record(doc_id="d", content_type="document", text=text, spans=[Span(8, 24, "DATE_TIME", 0.9)])
    cfg = ReplacementConfig(per_entity={"DATE_TIME": "date_shift"})
    redactor = Redactor(keys, cfg)
    out, entries = redactor.redact_record(rec)
    assert TOKEN_RE.search(out.text) and "tomorrow" not in out.text
    assert redactor.last_state.fallbacks == 1 and entries[0].surface is None


def test_unknown_mode_is_a_one_line_config_error(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("replacement:\n  mode: scramble\n")
    with pytest.raises(ConfigError) as exc:
        load_config(str(cfg))
    assert "replacement.mode" in str(exc.value) and "\n" not in str(exc.value)
    cfg.write_text("replacement:\n  per_entity: {DATE_TIME: shuffle}\n")
    with pytest.raises(ConfigError, match=r"replacement\.per_entity"):
        load_config(str(cfg))


def test_config_accepts_the_documented_shape(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("replacement:\n  mode: surrogate\n  per_entity: {DATE_TIME: date_shift}\n")
    rc = load_config(str(cfg)).replacement
    assert rc.mode_for("PERSON") == "surrogate" and rc.mode_for("DATE_TIME") == "date_shift"
