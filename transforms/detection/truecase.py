"""Length-preserving truecasing of lowercase ASR-style text, so spaCy NER sees names as names.

Only tokens that are Census first names or surnames, not stop words and not very common words
(Zipf < ``max_zipf``) get their first letter upper-cased; every other character is unchanged, so
offsets on the truecased text are offsets on the original.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon

TOKEN_RE = regex.compile(r"(?<![\p{L}\p{N}])[a-z]+")


def truecase(text: str, stop_words: list[str], max_zipf: float) -> str:
    stop = {w.lower() for w in stop_words}

    def cap(m: regex.Match) -> str:
        w = m.group(0)
        if w == "i":
            return "I"
        if w in stop or not lexicon.is_name_token(w) or lexicon.zipf(w) >= max_zipf:
            return w
        return w[0].upper() + w[1:]

    out = TOKEN_RE.sub(cap, text)
    return out if len(out) == len(text) else text


CAPS_RE = regex.compile(r"(?<![\p{L}\p{N}])\p{Lu}{4,}(?![\p{L}\p{N}])")


def decapitalize_shouting(text: str, min_letters: int = 4) -> str:
    """Length-preserving: ALL-CAPS words of ``min_letters``+ letters become Title case for NER
    ("grew up in HELSINKI" -> "Helsinki"), unless the whole text is upper case."""
    letters = [c for c in text if c.isalpha()]
    if not letters or all(c.isupper() for c in letters):
        return text

    def fix(m: regex.Match) -> str:
        w = m.group(0)
        t = w[0] + w[1:].lower()
        return t if len(w) >= min_letters and len(t) == len(w) else w

    return CAPS_RE.sub(fix, text)
