"""Canonicalization: table-driven cases, counts in lineage, configurable special tokens."""

from __future__ import annotations

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
