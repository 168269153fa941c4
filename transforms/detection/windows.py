"""Regex patterns tried only in the windows where a match can start, with the matches of a full scan.

``finditer`` tries a pattern at every position of the text. For keyword-led lookbehind patterns
(``labelled_ref``, ``labelled_id``: ``(?<=\\b(?:case|file|ticket|...)\\b[ \\t]*(?:no\\.?|#)?[ \\t]*)BODY``)
the lookbehind was evaluated backwards at every position, which made them the costliest regexes of the
analysis. A match starts where the lookbehind's text ends: after a keyword occurrence (a whole word, found
forward with ``\\b(?:keywords)\\b``) and a tail whose characters all belong to the tail's alphabet (read
from the pattern's parse tree). So the compiled pattern is tried only in the windows ``[keyword end, end of
the run of tail-alphabet characters after it]``, with ``match`` at each position in increasing order,
resuming after each match exactly as ``finditer`` does: same matches, same order, same time budget
(``TimeoutError`` as ``regex`` raises it; ``tests/transforms/detection/test_windows.py``).

Derived only for patterns read completely (the lookbehind leads the pattern, starts with ``\\b`` and a
group of letter-only words, its rest is literals, classes, repeats, groups and zero-width assertions, after
``\\b``); any other pattern keeps its plain scan. (Windows inside dotted runs for Presidio's schemeless URL
pattern were measured too: ten times fewer positions, yet slower, since its cost is the TLD alternation
tried at exactly those positions.)

The work is never more than the plain scan's (a subset of its positions, each tried the same way) plus one
forward scan for the windows. Nothing here keeps, logs or returns text beyond the match objects Presidio
already reads.
"""

from __future__ import annotations

import re
import time
from re import _constants as sre
from re import _parser

import regex


def _group_end(source: str, start: int) -> int:
    """Index of the ``)`` closing the group opened at ``source[start]`` (escapes and classes skipped);
    -1 when it is not closed."""
    depth, i, n = 0, start, len(source)
    while i < n:
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i += 1
            if i < n and source[i] == "^":
                i += 1
            if i < n and source[i] == "]":
                i += 1
            while i < n and source[i] != "]":
                i += 2 if source[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


_LETTERS = set(range(ord("a"), ord("z") + 1)) | set(range(ord("A"), ord("Z") + 1))


def _letters_only(items) -> bool:
    """Every character the (parsed) subpattern can consume is an ASCII letter; no zero-width items."""
    for op, arg in items:
        if op is sre.LITERAL:
            ok = arg in _LETTERS
        elif op is sre.IN:
            ok = all(
                (o is sre.LITERAL and a in _LETTERS)
                or (o is sre.RANGE and all(x in _LETTERS for x in range(a[0], a[1] + 1)))
                for o, a in arg
            )
        elif op is sre.SUBPATTERN:  # a group with flags of its own ((?i:...)) is not read
            ok = not arg[1] and not arg[2] and _letters_only(arg[-1])
        elif op is sre.BRANCH:
            ok = all(_letters_only(alt) for alt in arg[1])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            ok = arg[0] >= 1 and _letters_only(arg[2])
        else:
            ok = False
        if not ok:
            return False
    return True


_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_WORD: r"\w"}


def _alphabet(items, out: list[str]) -> bool:
    """Collect, as class items, every character the subpattern can consume; False if it cannot be read."""
    for op, arg in items:
        if op is sre.LITERAL:
            out.append(f"\\U{arg:08x}")
        elif op is sre.IN:
            for o, a in arg:
                if o is sre.LITERAL:
                    out.append(f"\\U{a:08x}")
                elif o is sre.RANGE:
                    out.append(f"\\U{a[0]:08x}-\\U{a[1]:08x}")
                elif o is sre.CATEGORY and a in _CATEGORIES:
                    out.append(_CATEGORIES[a])
                else:
                    return False
        elif op is sre.SUBPATTERN:  # a group with flags of its own ((?i:...)) is not read
            if arg[1] or arg[2] or not _alphabet(arg[-1], out):
                return False
        elif op is sre.BRANCH:
            if not all(_alphabet(alt, out) for alt in arg[1]):
                return False
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            if not _alphabet(arg[2], out):
                return False
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero-width: consumes nothing
        else:
            return False
    return True


def keyword_parts(source: str) -> tuple[str, str] | None:
    """(keyword regex ``\\b(?:words)\\b``, tail-run regex) for a pattern led by a keyword lookbehind, or
    None when the pattern does not have that exact shape."""
    if not source.startswith(r"(?<=\b(?:"):
        return None
    look_end = _group_end(source, 0)
    group_end = _group_end(source, 6)
    if look_end < 0 or group_end < 0 or group_end > look_end:
        return None
    group, rest = source[6 : group_end + 1], source[group_end + 1 : look_end]
    if not rest.startswith(r"\b"):
        return None
    try:
        words, tail = _parser.parse(group), _parser.parse(rest)
    except Exception:  # syntax only the regex module reads: keep the plain scan
        return None
    chars: list[str] = []
    if not _letters_only(words.data) or not _alphabet(tail.data, chars):
        return None
    run = f"(?:[{''.join(dict.fromkeys(chars))}])*+" if chars else ""
    return rf"\b{group}\b", run


class Windowed:
    """Stands in for a compiled pattern in Presidio's ``Pattern.compiled_regex``: ``finditer`` returns the
    matches the compiled pattern's own ``finditer`` returns, trying it only at the positions of
    ``windows(text, timeout)`` (inclusive ranges, in increasing order of their start)."""

    __slots__ = ("compiled", "pattern", "windows")

    def __init__(self, compiled: regex.Pattern, windows) -> None:
        self.compiled, self.windows = compiled, windows
        self.pattern = compiled.pattern

    def finditer(self, text: str, timeout: float | None = None):
        return iter(self.matches(text, timeout))

    def matches(self, text: str, timeout: float | None = None) -> list:
        deadline = None if timeout is None else time.monotonic() + timeout
        out: list = []
        pos = 0  # where finditer would search next (after the last match)
        tried = 0  # positions below this were tried already (windows may overlap)
        for lo, hi in self.windows(text, timeout):
            p = max(lo, pos, tried)
            while p <= hi:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutError("regex timed out")
                m = self.compiled.match(text, p, timeout=left)
                if m is None:
                    p += 1
                    continue
                if m.end() == m.start():  # empty matches follow finditer's own rules: scan plainly
                    return list(self.compiled.finditer(text, timeout=timeout))
                out.append(m)
                p = pos = m.end()
            tried = max(tried, hi + 1)
        return out


def _unusable(flags: int) -> bool:
    return bool(flags & (regex.VERBOSE | regex.V1 | regex.REVERSE) or flags & re.VERBOSE)


def keyword_windowed(source: str, flags: int, compiled: regex.Pattern | None = None) -> Windowed | None:
    """A ``Windowed`` for a keyword-led lookbehind pattern compiled with ``flags``, or None."""
    parts = None if _unusable(flags) else keyword_parts(source)
    if parts is None:
        return None
    keywords, run = regex.compile(parts[0], flags), regex.compile(parts[1], flags)

    def windows(text: str, timeout):
        for kw in keywords.finditer(text, timeout=timeout):
            yield kw.end(), run.match(text, kw.end()).end()

    return Windowed(compiled or regex.compile(source, flags), windows)


def install(recognizers) -> list[str]:
    """Give every pattern of Presidio ``PatternRecognizer``s (and subclasses that scan through
    ``Pattern.compiled_regex``) that ``keyword_windowed`` can read its windowed scan. Returns the
    "recognizer/pattern" names changed."""
    from presidio_analyzer import PatternRecognizer

    changed = []
    for r in recognizers:
        if not isinstance(r, PatternRecognizer):
            continue
        flags = r.global_regex_flags
        for i, p in enumerate(r.patterns or []):
            windowed = keyword_windowed(p.regex, flags)
            if windowed is not None:
                set_compiled(r, i, windowed, flags)
                changed.append(f"{r.name}/{p.name}")
    return changed


def set_compiled(recognizer, index: int, compiled, flags: int) -> None:
    """Give pattern ``index`` of ``recognizer`` its own copy holding ``compiled``: Presidio's predefined
    recognizers share their ``Pattern`` objects (a class-level list) with every other instance in the
    process, e.g. the reference path's, which must keep the plain form."""
    import copy

    recognizer.patterns = list(recognizer.patterns)
    own = copy.copy(recognizer.patterns[index])
    own.compiled_regex, own.compiled_with_flags = compiled, flags
    recognizer.patterns[index] = own
