"""Offsets reported into the INPUT text although detection runs on canonical text."""

from transforms.canonical_text import Canonicalizer
from transforms.detection.offsets import canonicalize_mapped


def _map(text, sub):
    canon = Canonicalizer()
    out, omap = canonicalize_mapped(canon, text)
    assert out == canon.apply(text)[0]
    i = out.index(sub)
    return omap.to_input(i, i + len(sub))


def test_zero_width_removed_maps_back():
    text = "Hi Jo\u200bhn Smith"
    s, e = _map(text, "John")
    assert text[s:e] == "Jo\u200bhn"


def test_nfkc_expansion_maps_back():
    text = "\ufb01le for \uff2a\uff4f\uff48\uff4e"  # ligature fi expands; fullwidth letters fold
    s, e = _map(text, "John")
    assert text[s:e] == "\uff2a\uff4f\uff48\uff4e"
    s, e = _map(text, "file")
    assert text[s:e] == "\ufb01le"


def test_combining_marks_and_special_tokens():
    text = "Jose\u0301 <|im_end|> Ana"
    s, e = _map(text, "José")
    assert text[s:e] == "Jose\u0301"
    s, e = _map(text, "Ana")
    assert text[s:e] == "Ana"


def test_identity_for_plain_text():
    text = "plain ascii text"
    canon = Canonicalizer()
    out, omap = canonicalize_mapped(canon, text)
    assert out == text and omap.to_input(6, 11) == (6, 11)
