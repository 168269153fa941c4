"""Residual structured-PII scan of redacted text: strict regexes plus checksums (Beam-free).

Independent of Presidio on purpose (a second opinion): own patterns, own validators (Luhn with IIN
prefixes for cards, ISO 13616 mod-97 for IBANs, SSA rules for SSNs, NANP rules for phones, the
``ipaddress`` module for IPs). Tokens (``<TYPE_0123456789abcdef>``) are masked out first so their hex
pseudonyms never count as findings.

Privacy contract: results are counts per type only; no matched value leaves this module.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter

from transforms.keys.tokens import TOKEN_RE

TYPES = ("email", "phone", "credit_card", "iban", "ssn", "ip")

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)
_NANP = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(([2-9]\d{2})\)\s?|([2-9]\d{2})[\s.-])([2-9]\d{2})[\s.-](\d{4})(?![\w-])"
)
_INTL = re.compile(r"(?<![\w+])\+(?!1[\s.(-]?\d)[1-9]\d{0,2}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?![\w-])")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
_SSN = re.compile(r"(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_TIME_LIKE = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
# Token-like: a lowercase letter in the tail, so typed (``<EMAIL_ADDRESS>``) and indexed (``<PERSON_12>``)
# placeholders of the other replacement modes are not mistaken for damaged tokens.
_LOOSE_TOKEN = re.compile(r"<[A-Z][A-Z0-9_]*_(?=[0-9A-Za-z]*[a-z])[0-9A-Za-z]{4,}>")


def mask_tokens(text: str) -> str:
    """Replace well-formed tokens by a space so their pseudonyms cannot match any pattern."""
    return TOKEN_RE.sub(" ", text)


def mask_surfaces(text: str, surfaces: set[str] | frozenset[str]) -> str:
    """Replace the document's recorded stand-ins (surrogates, shifted dates: vault ``surfaces``) by a space.

    They are synthetic by construction (reserved e-mail domains, fictional phone blocks, documentation IP
    ranges) and would otherwise count as residual PII; any other match still counts."""
    for s in sorted(surfaces, key=len, reverse=True):
        text = text.replace(s, " ")
    return text


def token_stats(text: str) -> tuple[list[str], int]:
    """(well-formed tokens, count of token-like strings that are malformed)."""
    good = TOKEN_RE.findall(text)
    tokens = [f"<{t}_{h}>" for t, h in good]
    loose = _LOOSE_TOKEN.findall(text)
    malformed = sum(1 for t in loose if not TOKEN_RE.fullmatch(t))
    return tokens, malformed


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_prefix_ok(d: str) -> bool:
    two, four = int(d[:2]), int(d[:4])
    return (
        d[0] == "4"
        or 51 <= two <= 55
        or 2221 <= four <= 2720
        or two in (34, 37, 36, 38, 35, 30, 62, 65)
        or d.startswith("6011")
        or 644 <= int(d[:3]) <= 649
    )


def card_ok(candidate: str) -> bool:
    d = re.sub(r"\D", "", candidate)
    return 13 <= len(d) <= 19 and _card_prefix_ok(d) and luhn_ok(d)


def iban_ok(candidate: str) -> bool:
    s = candidate.replace(" ", "").upper()
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def ssn_ok(area: str, group: str, serial: str) -> bool:
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def ipv4_ok(candidate: str) -> bool:
    parts = candidate.split(".")
    if any(len(p) > 1 and p[0] == "0" for p in parts):
        return False
    try:
        ipaddress.IPv4Address(candidate)
    except ValueError:
        return False
    return True


def ipv6_ok(candidate: str) -> bool:
    if _TIME_LIKE.match(candidate) or sum(c.isdigit() for c in candidate) == 0:
        return False
    if sum(1 for g in candidate.split(":") if g) < 2:
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _intl_phone_ok(candidate: str) -> bool:
    return 8 <= sum(c.isdigit() for c in candidate) <= 15


def scan(text: str) -> Counter[str]:
    """Counts of residual structured PII by type in ``text`` (tokens masked first)."""
    t = mask_tokens(text)
    found: Counter[str] = Counter()
    found["email"] = sum(1 for _ in _EMAIL.finditer(t))
    cards = [m for m in _CARD.finditer(t) if card_ok(m.group())]
    found["credit_card"] = len(cards)
    card_spans = [m.span() for m in cards]
    found["iban"] = sum(1 for m in _IBAN.finditer(t) if iban_ok(m.group()))
    found["ssn"] = sum(1 for m in _SSN.finditer(t) if ssn_ok(m.group(1), m.group(3), m.group(4)))
    phones = [m.span() for m in _NANP.finditer(t)]
    phones += [m.span() for m in _INTL.finditer(t) if _intl_phone_ok(m.group())]
    found["phone"] = sum(1 for s in phones if not any(_overlaps(s, c) for c in card_spans))
    found["ip"] = sum(1 for m in _IPV4.finditer(t) if ipv4_ok(m.group()))
    found["ip"] += sum(1 for m in _IPV6.finditer(t) if ipv6_ok(m.group()))
    return +found


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
