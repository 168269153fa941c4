"""Canonicalize text while keeping a map back to input offsets (Beam-free).

``redact detect`` reports offsets into the INPUT text, but detection runs on the canonical text
(NFKC, zero-width/bidi/control characters removed, special tokens neutralized; see
``transforms.canonical_text``). ``canonicalize_mapped`` repeats those steps while tracking, for every
canonical character, the input range it came from, and checks its result against
``Canonicalizer.apply`` so the detected text is exactly what ``redact run`` sees.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from transforms import canonical_text as ct


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """``starts[i]``/``ends[i]``: input range of canonical char ``i``; ``n_input`` is the input length."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    n_input: int

    def to_input(self, start: int, end: int) -> tuple[int, int]:
        """Input range covering canonical ``[start, end)`` (end-exclusive, never empty unless input is)."""
        if not self.starts:
            return 0, 0
        start = min(max(start, 0), len(self.starts) - 1)
        end = min(max(end, start + 1), len(self.ends))
        return self.starts[start], max(self.ends[end - 1], self.starts[start] + 1)


def canonicalize_mapped(canon: ct.Canonicalizer, text: str) -> tuple[str, OffsetMap]:
    """(canonical text, offset map). The text equals ``canon.apply(text)[0]``."""
    expected, _ = canon.apply(text)
    chars, starts, ends = _nfkc_mapped(text)
    if "".join(chars) != unicodedata.normalize("NFKC", text):
        chars, starts, ends = _coarse(text, unicodedata.normalize("NFKC", text))
    keep = [i for i, c in enumerate(chars) if not _dropped(c)]
    chars = [chars[i] for i in keep]
    starts = [starts[i] for i in keep]
    ends = [ends[i] for i in keep]
    out = "".join(chars)
    special = getattr(canon, "_special", None)
    if special is not None:
        out, starts, ends = _neutralize_mapped(special, out, starts, ends)
    if out != expected:  # should not happen; never report offsets for a different text
        out, starts, ends = _coarse_full(text, expected)
    return out, OffsetMap(tuple(starts), tuple(ends), len(text))


def _dropped(c: str) -> bool:
    return bool(ct._ZW_RE.match(c) or ct._BIDI_RE.match(c) or ct._CONTROL_RE.match(c))


def _nfkc_mapped(text: str) -> tuple[list[str], list[int], list[int]]:
    """NFKC per cluster (a base char plus its combining marks); each output char maps to its cluster."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or 0x1160 <= ord(text[j]) <= 0x11FF):
            j += 1
        for c in unicodedata.normalize("NFKC", text[i:j]):
            chars.append(c)
            starts.append(i)
            ends.append(j)
        i = j
    return chars, starts, ends


def _neutralize_mapped(special, text: str, starts: list[int], ends: list[int]):
    out: list[str] = []
    s2: list[int] = []
    e2: list[int] = []
    pos = 0
    for m in special.finditer(text):
        out.extend(text[pos : m.start()])
        s2.extend(starts[pos : m.start()])
        e2.extend(ends[pos : m.start()])
        lo, hi = starts[m.start()], ends[m.end() - 1]
        rep = ct._neutralize(m)
        out.extend(rep)
        s2.extend([lo] * len(rep))
        e2.extend([hi] * len(rep))
        pos = m.end()
    out.extend(text[pos:])
    s2.extend(starts[pos:])
    e2.extend(ends[pos:])
    return "".join(out), s2, e2


def _coarse(text: str, target: str) -> tuple[list[str], list[int], list[int]]:
    """Fallback alignment with difflib: unmatched stretches map to the whole corresponding input stretch."""
    import difflib

    starts = [0] * len(target)
    ends = [len(text)] * len(target)
    sm = difflib.SequenceMatcher(None, text, target, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        for k in range(j1, j2):
            if tag == "equal":
                starts[k], ends[k] = i1 + (k - j1), i1 + (k - j1) + 1
            else:
                starts[k], ends[k] = i1, min(len(text), max(i2, i1 + 1))
    return list(target), starts, ends


def _coarse_full(text: str, expected: str):
    chars, starts, ends = _coarse(text, expected)
    return "".join(chars), starts, ends
