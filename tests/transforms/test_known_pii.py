"""Known PII (header addresses/names, speaker labels) becomes spans wherever it recurs."""

from __future__ import annotations

from transforms.known_pii import add_known_spans, compile_hints, hint_spans, record_hints
from transforms.record import Record, Span, Turn


def _found(text: str, hints) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in hint_spans(text, compile_hints(hints))]


def test_full_values_case_and_whitespace_insensitive_word_bounded():
    got = _found(
        "MARIA  GARCIA met maria garcia; Mariagarcia no. mail maria@example.org!",
        [("PERSON", "Maria Garcia"), ("EMAIL_ADDRESS", "maria@example.org")],
    )
    assert ("MARIA  GARCIA", "PERSON") in got and ("maria garcia", "PERSON") in got
    assert ("maria@example.org", "EMAIL_ADDRESS") in got
    assert not any(t == "Mariagarcia" for t, _ in got)


def test_name_parts_match_capitalized_forms_only():
    got = [t for t, _ in _found("Thanks, Will. I will call. WILL SUMMER. summer", [("PERSON", "Will Summer")])]
    assert got.count("Will") == 1 and "will" not in got and "summer" not in got
    assert "WILL SUMMER" in got


def test_generic_speakers_are_not_hints():
    r = Record(
        doc_id="d", content_type="chat", turns=[Turn("user", "a"), Turn("spk_1", "b"), Turn("Maria Garcia", "c")]
    )
    assert record_hints(r) == [("PERSON", "Maria Garcia")]


def test_spans_merge_with_detector_spans():
    r = Record(
        doc_id="d",
        content_type="chat",
        turns=[Turn("Maria Garcia", "I am Maria Garcia, ok"), Turn("user", "bye Maria")],
    )
    r.turn_spans = [[Span(5, 10, "PERSON", 0.6)], []]
    add_known_spans(r)
    assert [(s.start, s.end, s.label) for s in r.turn_spans[0]] == [(5, 17, "PERSON")]
    assert [(s.start, s.end) for s in r.turn_spans[1]] == [(4, 9)]
    doc = Record(
        doc_id="e", content_type="email", text="From: Jonas Weber\nHi Jonas", known_pii=[("PERSON", "Jonas Weber")]
    )
    add_known_spans(doc)
    assert [doc.text[s.start : s.end] for s in doc.spans] == ["Jonas Weber", "Jonas"]


def test_too_short_values_are_ignored():
    assert compile_hints([("PERSON", "J"), ("PERSON", " ")]) == []
