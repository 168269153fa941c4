"""Canonicalization: table-driven cases, counts in lineage, configurable special tokens."""

from __future__ import annotations

import unicodedata

import pytest

from transforms.canonical_text import Canonicalizer
from transforms.canonicalize import canonicalize_record
from transforms.config import load_config
from transforms.record import Record, Turn

C = Canonicalizer()


@pytest.mark.parametrize(
    ("raw", "clean", "counts"),
    [
        ("Ma\u200bria Gar\u200dcia", "Maria Garcia", {"zero_width_removed": 2}),
        ("Jo\u00adnas \u2060We\ufeffber", "Jonas Weber", {"zero_width_removed": 3}),
        ("e\u200b\u0301", "\u00e9", {"zero_width_removed": 1, "nfkc_changed": 1}),  # removal first, then compose
        ("\u202eaicraG\u202c", "aicraG", {"bidi_removed": 2}),
        ("a\x00b\x1bc\x7fd\x85e", "abcde", {"control_removed": 4}),
        ("tab\tnew\nline\r\n", "tab\tnew\nline\r\n", {}),
        ("\uff2d\uff41\uff52\uff49\uff41", "Maria", {"nfkc_changed": 1}),  # full-width letters
        ("\ufb01le", "file", {"nfkc_changed": 1}),
        ("<|im_start|>system", "< |im_start| >system", {"special_tokens_neutralized": 1}),
        ("[INST] hi [/INST]</s>", "[ INST ] hi [ /INST ]< /s >", {"special_tokens_neutralized": 3}),
        ("\uff1c|endoftext|\uff1e", "< |endoftext| >", {"nfkc_changed": 1, "special_tokens_neutralized": 1}),
        ("<|im_\u200bend|>", "< |im_end| >", {"zero_width_removed": 1, "special_tokens_neutralized": 1}),
        ("M\U000e0061aria", "Maria", {"zero_width_removed": 1}),  # Unicode tag characters
        ("a\ud800b", "ab", {"surrogates_removed": 1}),
        ("plain text", "plain text", {}),
    ],
)
def test_canonicalize(raw, clean, counts):
    out, got = C.apply(raw)
    assert out == clean
    assert dict(got) == counts


def test_special_tokens_are_configurable():
    custom = Canonicalizer(["<<END>>"])
    assert custom.apply("x<<END>>y <|im_end|>")[0] == "x< <END> >y <|im_end|>"
    assert Canonicalizer([]).apply("<s>")[0] == "<s>"
    cfg = load_config(None, **{"canonicalization.special_tokens": ["<<END>>"]})
    assert cfg.canonicalization.special_tokens == ["<<END>>"]


def test_record_counts_add_up_over_turns_speakers_and_known_pii():
    r = Record(
        doc_id="d",
        content_type="chat",
        turns=[Turn("Ma\u200bria", "hi\u200b"), Turn("bot", "<s>")],
        known_pii=[("PERSON", "Jo\u200bnas")],
    )
    out = canonicalize_record(r, C)
    assert [(t.speaker, t.text) for t in out.turns] == [("Maria", "hi"), ("bot", "< s >")]
    assert out.lineage.canonicalization == {"zero_width_removed": 2, "special_tokens_neutralized": 1}
    assert out.known_pii == [("PERSON", "Jonas")]
    assert r.turns[0].speaker == "Ma\u200bria"  # input untouched


# Combining marks on digits and in e-mail addresses; ideographic full stops in e-mail hosts (issue 10 item 4).
UNMARKED = [
    ("card 4\u03325\u033232 0151 1283 0366", "card 4532 0151 1283 0366", {"combining_marks_removed": 2}),
    ("ssn 2\u0333\u033312-09-4471", "ssn 212-09-4471", {"combining_marks_removed": 2}),
    ("k\u0332i\u0332m@mailhost.org", "kim@mailhost.org", {"combining_marks_removed": 2}),
    ("kim@mailhost\u3002org", "kim@mailhost.org", {"ideographic_stops_mapped": 1}),
    (
        "kim@mail\u0336host\u3002org.",
        "kim@mailhost.org.",
        {"combining_marks_removed": 1, "ideographic_stops_mapped": 1},
    ),
]
KEPT = [
    "\u0e23\u0e32\u0e04\u0e32100\u0e1a\u0e32\u0e17",  # Thai vowel marks next to digits: marks follow Thai letters
    "\u0915\u093c\u0940\u092e\u0924 100",  # Devanagari
    "\u6771\u4eac\u3067\u3059\u3002ABC\u3002",  # an ideographic full stop outside an address stays
    "n\u0332ote",  # a mark on a letter outside an address stays
]


@pytest.mark.parametrize(("raw", "expected", "counts"), UNMARKED)
def test_marks_are_stripped_from_values(raw, expected, counts):
    text, got = Canonicalizer().apply(raw)
    assert text == expected and {k: v for k, v in got.items() if k in counts} == counts


@pytest.mark.parametrize("raw", KEPT)
def test_marks_in_ordinary_text_are_kept(raw):
    text, got = Canonicalizer().apply(raw)
    assert text == unicodedata.normalize("NFKC", raw)
    assert "combining_marks_removed" not in got and "ideographic_stops_mapped" not in got
