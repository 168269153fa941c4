"""Canonicalization before detection (Beam-free).

NFKC; zero-width, bidi-control and other control characters removed (newline/tab kept); model special
tokens neutralized so training text cannot smuggle control sequences. Returns the counts of what
changed (recorded in lineage). Runs before detection so that "Jo\u200bhn" is seen as "John".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

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

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad"
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_ZW_RE = re.compile(f"[{_ZERO_WIDTH}]")
_BIDI_RE = re.compile(f"[{_BIDI}]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Canonicalizer:
    """Compiled once per configuration; ``apply`` is pure."""

    def __init__(self, special_tokens: tuple[str, ...] | list[str] = DEFAULT_SPECIAL_TOKENS) -> None:
        toks = sorted({t for t in special_tokens if t}, key=len, reverse=True)
        self._special = re.compile("|".join(re.escape(t) for t in toks)) if toks else None

    def apply(self, text: str) -> tuple[str, Counter[str]]:
        counts: Counter[str] = Counter()
        nfkc = unicodedata.normalize("NFKC", text)
        if nfkc != text:
            counts["nfkc_changed"] += 1
        text, n = _ZW_RE.subn("", nfkc)
        counts["zero_width_removed"] += n
        text, n = _BIDI_RE.subn("", text)
        counts["bidi_removed"] += n
        text, n = _CONTROL_RE.subn("", text)
        counts["control_removed"] += n
        if self._special is not None:
            text, n = self._special.subn(_neutralize, text)
            counts["special_tokens_neutralized"] += n
        return text, +counts


def _neutralize(m: re.Match) -> str:
    """Break a special token so tokenizers no longer see it, keeping it readable: ``<|im_end|>`` -> ``< |im_end| >``."""
    tok = m.group(0)
    return f"{tok[0]} {tok[1:-1]} {tok[-1]}" if len(tok) > 2 else tok
