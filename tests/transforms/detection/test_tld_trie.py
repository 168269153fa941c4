"""The trie form of Presidio's URL patterns matches exactly what the original form matches (differential
test on generated texts), keeps the first-listed alternative where several match, and is installed on a
recognizer's own copies of the patterns only."""

from __future__ import annotations

import random

import pytest
import regex

from transforms.detection.tld_trie import install, trie_source

FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE  # Presidio's default global flags
PIECES = ["www.", "WWW3.", "www\u0663.", "example", "Ex-ample", "mail", "a", "b2", "..", ".", "-", "com", "COM",
          "community", "co", "co.uk", "io", "de", "academy", "ac", "accountants", "ca", "cat", "k\u212a", "\u017fite",
          "/path?q=1", "/", " ", "\n", "done.", "e.g.", "3.14", "user@", "(", ")", '"', "'", ",", "https://",
          "\u00e9t\u00e9.fr", "xn--p1ai", "museum", "mu", "travel", "tr"]  # fmt: skip


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 25))) for _ in range(count)]


def _patterns():
    from presidio_analyzer.predefined_recognizers import UrlRecognizer

    return {p.name: p.regex for p in UrlRecognizer.PATTERNS}


def test_only_patterns_ending_in_the_tld_group_are_rewritten():
    rewritten = {name for name, source in _patterns().items() if trie_source(source) is not None}
    assert rewritten == {"Standard Url", "Non schema URL"}


@pytest.mark.parametrize("name", ["Standard Url", "Non schema URL"])
def test_same_matches_as_the_original(name):
    source = _patterns()[name]
    plain, trie = regex.compile(source, FLAGS), regex.compile(trie_source(source), FLAGS)
    found = 0
    for text in _texts(4, 4000):
        expected = [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in trie.finditer(text)] == expected, text
        found += len(expected)
    assert found > 100


def test_first_listed_alternative_wins_as_in_the_original():
    source = r"(?i)(x[.](?:(?:ac)|(?:academy)|(?:cat)|(?:ca)|(?:ca))(?:/[^\s()<>\"']*)?)"
    trie = trie_source(source)
    assert trie is not None
    for text in ["x.academy", "x.cat", "x.ca", "x.cab", "x.ACADEMY/p", "x.c"]:
        assert [m.span() for m in regex.finditer(trie, text, FLAGS)] == [
            m.span() for m in regex.finditer(source, text, FLAGS)
        ], text


@pytest.mark.parametrize(
    "source",
    [
        r"(?i)(x[.](?:(?:com)|(?:org))(?:/[^\s()<>\"']*)?)[\"']",  # something after the path can fail
        r"(?i)(x[.](?:(?:com)|(?:o.g))(?:/[^\s()<>\"']*)?)",  # not plain words
        r"(?i)(x[.](?:com|org)(?:/[^\s()<>\"']*)?)",  # not the (?:word) form
    ],
)
def test_other_shapes_are_left_alone(source):
    assert trie_source(source) is None


def test_installed_on_own_copies_only():
    from presidio_analyzer.predefined_recognizers import UrlRecognizer

    fast, other = UrlRecognizer(), UrlRecognizer()
    assert sorted(install([fast])) == ["UrlRecognizer/Non schema URL", "UrlRecognizer/Standard Url"]
    shared = UrlRecognizer.PATTERNS  # the class-level list every other instance uses: plain form only
    assert all(p.compiled_regex is None or p.compiled_regex.pattern == p.regex for p in shared)
    assert sum(p.compiled_regex.pattern != p.regex for p in fast.patterns if p.compiled_regex is not None) == 2
    assert other.patterns is UrlRecognizer.PATTERNS
    for text in _texts(6, 300):
        got = sorted((r.start, r.end, r.score) for r in fast.analyze(text, ["URL"]))
        assert got == sorted((r.start, r.end, r.score) for r in other.analyze(text, ["URL"])), text
