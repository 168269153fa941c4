"""Is decoded text plausible as text? (Beam-free.)

A decoder that succeeds proves little: binary junk behind a UTF-16 byte-order mark decodes to a line of
CJK "text", and detection then runs on mojibake (names in it are never found). Decoding is therefore
judged by plausibility too; implausible text is quarantined (``parse.implausible_text``):

* NUL characters (no text format carries them);
* more than 1% private-use, unassigned or surrogate code points;
* ideographs that no CJK text uses: when a text has 20+ Han characters, at least 85% of them must be in
  one of the national character sets real Chinese, Japanese and Korean text is written in (GB 2312,
  JIS X 0208, KS X 1001, Big5). Mojibake spreads over the whole Han block (measured: ~45% covered);
  real text stays above 99% (rare characters exist, hence the margin);
* a script mix no language has: four or more writing systems each holding 10%+ of the letters;
* for UTF-16 input: 8-bit text behind a UTF-16 byte-order mark (most code units made of two printable
  ASCII bytes). It decodes to common ideographs, so only its byte pattern gives it away; real CJK text
  has such units at ~20%.

Only counts are computed; nothing of the text is reported. Large texts are judged on a sample.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

SAMPLE_CHARS = 1 << 16
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NATIONAL_SETS = ("gb2312", "shift_jis", "euc_kr", "big5")
_EAST_ASIAN = {"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "HALFWIDTH", "FULLWIDTH"}
_ODD_CATEGORIES = {"Co", "Cn", "Cs"}


def _sample(text: str) -> str:
    if len(text) <= SAMPLE_CHARS:
        return text
    third = SAMPLE_CHARS // 3
    mid = len(text) // 2
    return text[:third] + text[mid - third // 2 : mid + third // 2] + text[-third:]


@lru_cache(maxsize=65536)
def _common_han(ch: str) -> bool:
    for codec in _NATIONAL_SETS:
        try:
            ch.encode(codec)
        except UnicodeEncodeError:
            continue
        return True
    return False


def _script(ch: str) -> str:
    word = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
    return "EAST_ASIAN" if word in _EAST_ASIAN else word


def implausible(text: str) -> bool:
    """True when ``text`` is not plausibly text in any language (see the module docstring)."""
    if "\x00" in text:
        return True
    s = _sample(text)
    if s.isascii():
        return False
    visible = [c for c in s if not c.isspace()]
    odd = sum(1 for c in visible if unicodedata.category(c) in _ODD_CATEGORIES)
    if odd >= 2 and odd > len(visible) // 100:
        return True
    han = Counter(_HAN.findall(s))
    total_han = sum(han.values())
    if total_han >= 20 and sum(n for c, n in han.items() if _common_han(c)) < 0.85 * total_han:
        return True
    scripts = Counter(_script(c) for c in visible if c.isalpha())
    letters = sum(scripts.values())
    return letters >= 40 and sum(1 for n in scripts.values() if n >= 0.1 * letters) >= 4


_ASCII_BYTES = frozenset(range(0x20, 0x7F))  # not tab/newline: 0x09xx, 0x0Axx, 0x0Dxx are Indic scripts


def utf16_mojibake(text: str) -> bool:
    """True when most UTF-16 code units of ``text`` are two printable ASCII bytes (8-bit text mis-decoded)."""
    s = _sample(text)
    units = [ord(c) for c in s if ord(c) <= 0xFFFF and not c.isspace()]
    if len(units) < 16:
        return False
    pairs = sum(1 for u in units if u >> 8 in _ASCII_BYTES and u & 0xFF in _ASCII_BYTES)
    return pairs >= 0.6 * len(units)
