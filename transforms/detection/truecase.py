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


SEGMENT_RE = regex.compile(r"[^\n]+?(?:[.!?](?=\s)|$)", regex.MULTILINE)
WORD_RE = regex.compile(r"(?<![\p{L}\p{N}])\p{L}+")
CASED, LOWER, UPPER = "cased", "lower", "upper"


def segments(text: str, max_upper_ratio: float = 0.02) -> list[tuple[int, int, str]]:
    """(start, end, kind) per line or sentence: ``upper`` (ALL-CAPS), ``lower`` (no capitals but "I" and
    known names, ASR-style) or ``cased``. Casing is a property of a segment, not of a document: a note
    has ALL-CAPS headers over cased prose, a chat has lowercase turns between cased ones."""
    from transforms.detection.letters import letter_counts
    from transforms.detection.recognizers.persons import is_lowercase_text

    out = []
    for m in SEGMENT_RE.finditer(text):
        seg = m.group(0)
        letters, upper = letter_counts(seg)
        if letters >= 4 and upper >= 0.9 * letters:
            kind = UPPER
        elif letters >= 1 and is_lowercase_text(seg, max_upper_ratio):
            kind = LOWER
        else:
            kind = CASED
        out.append((m.start(), m.end(), kind))
    return out


def kind_at(segs: list[tuple[int, int, str]], pos: int) -> str:
    """Kind of the segment holding ``pos`` (``cased`` between segments); binary search, no copies."""
    import bisect

    i = bisect.bisect_right(segs, (pos, float("inf"), "")) - 1
    return segs[i][2] if i >= 0 and pos < segs[i][1] else CASED


def recase(text: str, stop_words: list[str], name_max_zipf: float, common_zipf: float = 4.0) -> str:
    """Length-preserving re-cased view for NER, decided per segment:
    in ALL-CAPS segments stop words are lower-cased and longer words title-cased; lowercase segments
    are truecased; in cased segments an ALL-CAPS common word is lower-cased ("HISTORY" -> "history"), an
    ALL-CAPS name or long word is title-cased ("HELSINKI"), and short ALL-CAPS tokens stay acronyms."""
    segs = segments(text)
    if all(k == CASED for _, _, k in segs) and not CAPS_RE.search(text):
        return text
    stop = {w.lower() for w in stop_words}
    parts, pos = [], 0
    for start, end, kind in segs:
        parts.append(text[pos:start])
        seg = text[start:end]
        if kind == UPPER:
            seg = WORD_RE.sub(lambda m: _fix_upper(m.group(0), stop), seg)
        elif kind == LOWER:
            seg = truecase(seg, stop_words, name_max_zipf)
        else:
            seg = CAPS_RE.sub(lambda m: _fix_caps(m.group(0), common_zipf), seg)
        parts.append(seg)
        pos = end
    parts.append(text[pos:])
    out = "".join(parts)
    return out if len(out) == len(text) else text


def _fix_upper(word: str, stop: set[str]) -> str:
    """In an ALL-CAPS segment: stop words lower-cased, 4+ letter words title-cased, short tokens (acronyms,
    region and unit codes: "APO AA", "NY") unchanged."""
    low, title = word.lower(), word[0] + word[1:].lower()
    if len(low) != len(word) or len(title) != len(word) or not word.isupper():
        return word
    if low in stop:
        return low
    return title if len(word) >= 4 else word


def _fix_caps(word: str, common_zipf: float) -> str:
    low = word.lower()
    title = word[0] + word[1:].lower()
    if len(low) != len(word) or len(title) != len(word):
        return word
    if lexicon.is_name_token(low):
        return title
    if lexicon.zipf(low) >= common_zipf:
        return low
    return title if len(word) >= 6 else word
