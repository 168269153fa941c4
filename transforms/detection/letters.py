"""Letter and capital counts of a text, in C for ASCII text (the casing checks run several times per text).

``letter_counts(text)`` is exactly ``(sum(c.isalpha() for c in text), sum(c.isupper() for c in text))``:
for ASCII text ``isalpha`` holds for A-Z and a-z only and ``isupper`` for A-Z only, so both are counted by
deleting every other byte (``bytes.translate``); any other text is counted character by character as
before. ``tests/transforms/detection/test_letters.py`` compares both on generated texts. Nothing is kept.
"""

from __future__ import annotations

import string

_ALL = bytes(range(128))
_NOT_LETTER = bytes(b for b in _ALL if chr(b) not in string.ascii_letters)
_NOT_UPPER = bytes(b for b in _ALL if chr(b) not in string.ascii_uppercase)


def letter_counts(text: str) -> tuple[int, int]:
    """(letters, capitals) of ``text`` by ``str.isalpha`` and ``str.isupper``."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw.translate(None, _NOT_LETTER)), len(raw.translate(None, _NOT_UPPER))
    return sum(c.isalpha() for c in text), sum(c.isupper() for c in text)
