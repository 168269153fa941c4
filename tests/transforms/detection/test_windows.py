"""``Windowed`` returns exactly the matches of the plain ``finditer`` (differential test).

Texts are generated from a fixed seed out of record words, connectors ("no.", "#", "ending in", "is"),
runs of spaces and tabs, identifiers of letters, digits and separators, years, words glued to keywords
and keywords inside longer words, so windows overlap, matches end inside later windows and keywords
appear inside earlier matches. The guard test runs a pathological 200 KB input (keywords followed by one
long letter-digit run, and long tail runs) under the ``regex`` module's own timeout, never wall time.
"""

from __future__ import annotations

import random

import pytest
import regex

from transforms.detection.recognizer_config import load_recognizers_file
from transforms.detection.recognizers.patterns import DEFAULT_FLAGS
from transforms.detection.windows import Windowed, install, keyword_parts, keyword_windowed


def _windowed_specs():
    out = []
    for spec in load_recognizers_file(None).recognizers:
        for p in spec.patterns:
            if keyword_parts(p.regex) is not None:
                out.append((spec, p))
    return out


SPECS = _windowed_specs()
WORDS = ["case", "Case", "CASE", "ref", "REF", "file", "ticket", "order", "member", "membership", "licence",
         "license", "claim", "account", "acct", "nhs", "ni", "vin", "plate", "reg", "policy", "cases", "xref",
         "preorder", "the", "my", "number", "no", "with", "ending", "is", "was", "in", "code", "id"]  # fmt: skip
JOIN = [" ", "  ", "\t", "", " no. ", " No ", " nr. ", " # ", "#", ": ", " number ", " ref ", " id ", " code ",
        " ending in ", " ending with ", " is ", " was ", " is: ", ".", "-", "/", "\n", " ref. no. ", "\u00a0"]  # fmt: skip


def _ident(rng: random.Random) -> str:
    alphabet = rng.choice(["0123456789", "0123456789ABCXYZ", "0123456789abc./-", "0123456789-/", "ab.-"])
    body = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
    extra = "".join(f" {rng.randint(0, 999999)}" for _ in range(rng.randint(0, 2)))
    return rng.choice(["", "", "2021", "1999.", "20-"]) + body + extra


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 8)):
            parts += [rng.choice(WORDS), rng.choice(JOIN)]
            if rng.random() < 0.7:
                parts += [_ident(rng), rng.choice([" ", ".", ", ", "\n", "", ":5", "/7"])]
        texts.append("".join(parts))
    return texts


def test_there_are_windowed_patterns():
    assert {p.name for _, p in SPECS} >= {"labelled_ref", "labelled_id"}


@pytest.mark.parametrize("spec_pattern", SPECS, ids=lambda sp: sp[1].name)
def test_same_matches_as_plain_finditer(spec_pattern):
    _, p = spec_pattern
    plain = regex.compile(p.regex, DEFAULT_FLAGS)
    fast = keyword_windowed(p.regex, DEFAULT_FLAGS)
    assert fast is not None
    found = 0
    for text in _texts(7, 1500):
        expected = [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in fast.finditer(text, timeout=5)] == expected, text
        found += len(expected)
    assert found > 300  # the generated texts really hold matches


@pytest.mark.parametrize(
    "source",
    [
        r"(?<=\b(?:case|file)\b[ \t]*(?:no\.?)?[ \t]*)\d{3,}",
        r"(?<=\b(?:ab|abc)\b[ ]*)[a-z]+",  # the tail alphabet empty of letters: words right after
        r"(?<=\b(?:x)\b[-:]*)\d*",  # empty matches: plain finditer's own rules
    ],
)
def test_small_patterns(source):
    plain = regex.compile(source, DEFAULT_FLAGS)
    fast = keyword_windowed(source, DEFAULT_FLAGS)
    assert fast is not None
    texts = ["case 123 file no.4567 case case 99", "abc  def ab x abc", "x:-12 x x--5 xx 3 x", "x", "", "file 1"]
    for text in texts + _texts(3, 200):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], text


@pytest.mark.parametrize(
    "source",
    [
        r"\b(?:case)\b\d+",  # no lookbehind
        r"(?<=\b(?:no|nr)\.[ \t]*)\d{3,}",  # no word boundary after the keywords
        r"(?<=\b(?:case|fi\w+)\b[ ]*)\d+",  # keywords not made of letters only
        r"(?<=\b(?:case)\b.*)\d+",  # a tail that can hold any character
        r"(?<=\b(?:case)\b[^x]*)\d+",  # a negated class
        r"(?<=\b(?:case)\b[\p{L} ]*)\d+",  # syntax only the regex module reads
        r"(?<=\b(?:case|file)\b[ \t]*(?i:no\.?)?[ \t]*)\d{4,}",  # a group with flags of its own
        r"(?<=\b(?:case|(?i:file))\b[ \t]*)\d{4,}",  # a keyword with flags of its own
    ],
)
def test_other_shapes_keep_the_plain_scan(source):
    assert keyword_windowed(source, DEFAULT_FLAGS) is None


def test_verbose_and_v1_patterns_keep_the_plain_scan():
    source = r"(?<=\b(?:case)\b[ ]*)\d+"
    assert keyword_windowed(source, DEFAULT_FLAGS | regex.VERBOSE) is None
    assert keyword_windowed(source, DEFAULT_FLAGS | regex.V1) is None
    assert isinstance(keyword_windowed(source, DEFAULT_FLAGS), Windowed)


def test_pathological_input_finishes_within_the_regex_timeout():
    """200 KB of keywords, tail runs and one long letter-digit run: the windowed scan finishes inside the
    ``regex`` module's own time budget (a TimeoutError would fail the test) with the plain scan's matches."""
    text = ("case no " * 2000) + ("a1" * 60_000) + (" ref" + " " * 5000) * 8 + "12345 " + ("ticket# 9" * 3000)
    assert len(text) >= 200_000
    for _, p in SPECS:
        fast = keyword_windowed(p.regex, DEFAULT_FLAGS)
        plain = regex.compile(p.regex, DEFAULT_FLAGS)
        got = [m.span() for m in fast.finditer(text, timeout=30)]
        assert got == [m.span() for m in plain.finditer(text, timeout=60)]


def test_timeout_raises_like_regex():
    fast = keyword_windowed(r"(?<=\b(?:case)\b[ ]*)\d+", DEFAULT_FLAGS)
    with pytest.raises(TimeoutError):
        fast.finditer("case " * 200_000 + "1", timeout=1e-9)


def test_install_replaces_only_readable_patterns():
    from presidio_analyzer import Pattern, PatternRecognizer

    rec = PatternRecognizer(
        supported_entity="ID",
        name="R",
        patterns=[
            Pattern("kw", r"(?<=\b(?:case)\b[ ]*)\d+", 0.5),
            Pattern("plain", r"\d{5}", 0.5),
        ],
    )
    assert install([rec]) == ["R/kw"]
    assert isinstance(rec.patterns[0].compiled_regex, Windowed)
    assert rec.patterns[1].compiled_regex is None
    results = rec.analyze("case 123 and 45678", ["ID"])
    assert sorted((r.start, r.end) for r in results) == [(5, 8), (13, 18)]
