"""Canonicalization before detection (Beam-free).

NFKC; zero-width/invisible, bidi-control and other control characters and lone surrogates removed
(newline/tab/CR kept); model special tokens neutralized so training text cannot smuggle control sequences. Returns the counts of what
changed (recorded in lineage). Runs before detection so that "Jo\u200bhn" is seen as "John".
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from functools import lru_cache

DEFAULT_SPECIAL_TOKENS = (
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|system|>",
    "<|user|>",
    "<|assistant|>",
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|eot_id|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "[INST]",
    "[/INST]",
    "<<SYS>>",
    "<</SYS>>",
    "<s>",
    "</s>",
    "<unk>",
    "<pad>",
    "<mask>",
)

# Invisible characters that can split a name so detection misses it ("Ma\u200bria"): zero-width and other
# format characters, invisible operators, Hangul fillers, variation selectors and the Unicode tag block.
_ZERO_WIDTH = (
    "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad\u034f\u2061-\u2064\u115f\u1160\u3164\uffa0"
    "\u17b4\u17b5\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_ZW_RE = re.compile(f"[{_ZERO_WIDTH}]")
_BIDI_RE = re.compile(f"[{_BIDI}]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")  # lone surrogates (e.g. JSON "\\ud800") cannot be encoded
_EMAIL_CHARS = "A-Za-z0-9._%+@\\-"
_IDEOGRAPHIC_STOP = "\u3002"  # NFKC already maps the full-width (U+FF0E) and half-width (U+FF61) forms


@lru_cache(maxsize=1)
def _marks() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(marks after an ASCII digit, e-mail-like runs carrying marks or ideographic stops, the marks).

    Built on first use: the class of combining marks (category Mn/Me) is computed from ``unicodedata``.
    """
    body, start, prev = [], None, None
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp)) in ("Mn", "Me"):
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            body.append(f"\\U{start:08x}-\\U{prev:08x}")
            start = None
    mn = "".join(body)
    run = f"(?:[{_EMAIL_CHARS}{_IDEOGRAPHIC_STOP}]|[{mn}])+"
    return re.compile(f"(?<=[0-9])[{mn}]+"), re.compile(run), re.compile(f"[{mn}]")


class Canonicalizer:
    """Compiled once per configuration; ``apply`` is pure.

    Order: invisible/bidi/control characters and lone surrogates are removed first (so NFKC can compose
    what they separated), then NFKC, then a second removal pass (NFKC may expose new ones), then combining marks are
    stripped from digits and e-mail-like runs (``_unmark_values``), then special
    tokens are neutralized (so a full-width or zero-width-split ``<|im_end|>`` is caught too).
    """

    def __init__(self, special_tokens: tuple[str, ...] | list[str] = DEFAULT_SPECIAL_TOKENS) -> None:
        toks = sorted({t for t in special_tokens if t}, key=len, reverse=True)
        self._special = re.compile("|".join(re.escape(t) for t in toks)) if toks else None

    def apply(self, text: str) -> tuple[str, Counter[str]]:
        counts: Counter[str] = Counter()
        text = _strip(text, counts)
        nfkc = unicodedata.normalize("NFKC", text)
        if nfkc != text:
            counts["nfkc_changed"] += 1
            text = _strip(nfkc, counts)
        if not text.isascii():
            text = _unmark_values(text, counts)
        if self._special is not None:
            text, n = self._special.subn(_neutralize, text)
            counts["special_tokens_neutralized"] += n
        return text, +counts


def _unmark_values(text: str, counts: Counter[str]) -> str:
    """Strip combining marks from digits and from e-mail-like runs, and read an ideographic full stop as a
    dot inside them, so ``4\u0332111...`` or ``jane@host\u3002com`` cannot hide a value from detection.

    Marks on letters elsewhere are kept (they are meaningful in many scripts); a run counts as e-mail-like
    when it holds an ``@`` once its marks are gone.
    """
    digit_marks, run, mark = _marks()
    counts["combining_marks_removed"] += sum(len(m.group()) for m in digit_marks.finditer(text))
    text = digit_marks.sub("", text)

    def fix(m: re.Match) -> str:
        s = m.group(0)
        if "@" not in s:
            return s
        bare, k = mark.subn("", s)
        counts["combining_marks_removed"] += k
        stops = bare.count(_IDEOGRAPHIC_STOP)
        counts["ideographic_stops_mapped"] += stops
        return bare.replace(_IDEOGRAPHIC_STOP, ".") if stops else bare

    return run.sub(fix, text)


def _strip(text: str, counts: Counter[str]) -> str:
    for name, rx in (
        ("zero_width_removed", _ZW_RE),
        ("bidi_removed", _BIDI_RE),
        ("control_removed", _CONTROL_RE),
        ("surrogates_removed", _SURROGATE_RE),
    ):
        text, n = rx.subn("", text)
        counts[name] += n
    return text


def _neutralize(m: re.Match) -> str:
    """Break a special token so tokenizers no longer see it, keeping it readable: ``<|im_end|>`` -> ``< |im_end| >``."""
    tok = m.group(0)
    return f"{tok[0]} {tok[1:-1]} {tok[-1]}" if len(tok) > 2 else tok
