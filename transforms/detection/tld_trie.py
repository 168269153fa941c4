"""Presidio's URL patterns with their top-level-domain alternation as a trie: the same matches, faster.

``UrlRecognizer``'s patterns end with ``[.](?:(?:com)|(?:edu)|...)(?:/[^\\s()<>"']*)?)``: 675 literal
alternatives the ``regex`` module tries one by one after every dot it reaches. Because what follows the
alternation always matches (an optional path, then the end of the pattern), the engine never backtracks
into it: the alternative taken is the first one in list order that is a prefix of the text there. The
trie gives the same one:

- an alternative with an earlier-listed alternative as its prefix can never be taken (the earlier one
  matches wherever it does) and is left out;
- of the rest, the matching ones are prefixes of one another, and a longer one is always listed before a
  shorter one (else it would have been left out), so the first-listed match is the longest: what a trie
  with greedy optional branches matches.

Only patterns of exactly that shape, with lowercase ASCII letter/digit alternatives and no ``V1`` or
``FULLCASE`` flag (simple case folding, character by character, in both forms) are rewritten; the
quoted-URL patterns (a closing quote after the path can fail and force backtracking) keep their form.
``tests/transforms/detection/test_tld_trie.py`` compares both forms on generated texts.
"""

from __future__ import annotations

import re

import regex

HEAD = "[.](?:"
SUFFIX = "(?:/[^\\s()<>\\\"']*)?)"  # the optional path, then the close of the URL group
_WORD = re.compile(r"\(\?:([a-z0-9]+)\)")


def _trie(words: list[str]) -> str:
    root: dict = {}
    for w in words:
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict) -> str:
        kids = [c + emit(node[c]) for c in sorted(k for k in node if k)]
        if not kids:
            return ""
        body = kids[0] if len(kids) == 1 else "(?:" + "|".join(kids) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def trie_source(source: str) -> str | None:
    """``source`` with its final TLD alternation as a trie, or None when it does not have that shape."""
    if not source.endswith(")" + SUFFIX):
        return None
    start = source.rfind(HEAD)
    if start < 0:
        return None
    body = source[start + len(HEAD) : len(source) - len(SUFFIX) - 1]
    parts = body.split("|")
    words = []
    for part in parts:
        m = _WORD.fullmatch(part)
        if m is None:
            return None
        words.append(m.group(1))
    kept = [w for i, w in enumerate(words) if not any(w.startswith(p) for p in words[:i])]
    return source[: start + 3] + "(?:" + _trie(kept) + ")" + SUFFIX


def install(recognizers) -> list[str]:
    """Compile every readable URL pattern of Presidio ``PatternRecognizer``s in its trie form (the
    pattern's text, used in explanations, stays as it is). Returns the "recognizer/pattern" names changed."""
    from presidio_analyzer import PatternRecognizer

    from transforms.detection.windows import set_compiled

    changed = []
    for r in recognizers:
        if not isinstance(r, PatternRecognizer):
            continue
        flags = r.global_regex_flags
        if flags & (regex.V1 | regex.FULLCASE | regex.VERBOSE):
            continue
        for i, p in enumerate(r.patterns or []):
            if p.compiled_regex is not None and not isinstance(p.compiled_regex, regex.Pattern):
                continue  # already replaced by another fast form
            source = trie_source(p.regex)
            if source is not None and "(?V1)" not in source and "(?f" not in source:
                set_compiled(r, i, regex.compile(source, flags), flags)
                changed.append(f"{r.name}/{p.name}")
    return changed
