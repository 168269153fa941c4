"""Token text format and value normalization (Beam-free).

A token in redacted text looks like ``<PERSON_3f9a1c7b2d4e5f60>``: the entity type plus a 64-bit
pseudonym. Normalization decides which surface forms share a token ("John Smith", "JOHN  SMITH");
the vault stores the ciphertext of the *normalized* value, so ``reveal`` returns that form.
"""

from __future__ import annotations

import re
import unicodedata

TOKEN_RE = re.compile(r"<([A-Z][A-Z0-9_]*)_([0-9a-f]{16})>")
_DIGITS_ONLY = {"PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "US_BANK_NUMBER", "US_ITIN"}
_COMPACT = {"IBAN_CODE", "US_PASSPORT", "US_DRIVER_LICENSE", "UK_NHS", "ID"}
_POSSESSIVE_RE = re.compile("(?:'s|\u2019s|'|\u2019)$")


def normalize_value(entity_type: str, value: str) -> str:
    """Canonical form of a detected value for its type (what equality means for tokens)."""
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    if entity_type in _DIGITS_ONLY:
        digits = re.sub(r"\D", "", text)
        if entity_type == "PHONE_NUMBER" and text.startswith("+"):
            return "+" + digits
        return digits or text
    if entity_type in _COMPACT:
        return re.sub(r"[\s-]", "", text).upper()
    if entity_type == "PERSON":
        text = _POSSESSIVE_RE.sub("", text)
    return text.casefold()


def format_token(entity_type: str, pseudonym_hex: str) -> str:
    return f"<{entity_type}_{pseudonym_hex}>"


def parse_token(token: str) -> tuple[str, str]:
    """Return (entity_type, pseudonym) or raise ValueError."""
    m = TOKEN_RE.fullmatch(token.strip())
    if not m:
        raise ValueError("not a token")
    return m.group(1), m.group(2)
