"""Residual structured-PII scan of redacted text: strict regexes plus checksums (Beam-free).

Independent of Presidio on purpose (a second opinion): own patterns, own validators (Luhn with IIN
prefixes for cards, ISO 13616 mod-97 for IBANs, SSA rules for SSNs, NANP rules for phones, the
``ipaddress`` module for IPs). Tokens (``<TYPE_0123456789abcdef>``) are masked out first so their hex
pseudonyms never count as findings.

Deliberately broader than the detector where attackers obfuscate (so the two do not fail together):
card numbers are any 13-19 digit Luhn-valid run with any one separator (space, ``-``, ``/``, ``_``,
``.``) and no network-prefix rule; SSNs take ``-``, ``/``, ``.``, ``_`` or space; e-mail addresses are
also found with spaced or spelled-out ``@`` and ``.`` (``name . surname @ host . com``,
``x (at) host (dot) org``, ``x at host dot org``) and with ideographic or full-width full stops.

Privacy contract: results are counts per type only; no matched value leaves this module.
"""

from __future__ import annotations

import ipaddress
import re
import sys
import unicodedata
from collections import Counter
from functools import lru_cache

from transforms.keys.tokens import TOKEN_RE

TYPES = ("email", "phone", "credit_card", "iban", "ssn", "ip")

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)
_NANP = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(([2-9]\d{2})\)\s?|([2-9]\d{2})[\s.-])([2-9]\d{2})[\s.-](\d{4})(?![\w-])"
)
_INTL = re.compile(r"(?<![\w+])\+(?!1[\s.(-]?\d)[1-9]\d{0,2}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?![\w-])")
# A maximal run of digits joined by one kind of separator; ``card_run_ok`` decides (digits, Luhn, groups).
_CARD = re.compile(r"(?<![0-9A-Za-z])\d+(?:([ \-/_.])\d+(?:\1\d+)*)?(?![0-9A-Za-z]|[ \-/_.]\d)")
_DOTS = "[.\u3002\uff0e\uff61]"  # ASCII, ideographic, full-width and half-width ideographic full stops
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9_%+\-]{0,62}[A-Za-z0-9])?"
_BR_AT = r"\s*[(\[{<]\s*at\s*[)\]}>]\s*"
_BR_DOT = r"\s*[(\[{<]\s*dot\s*[)\]}>]\s*"
_SYM_DOT = rf"(?:{_DOTS}|\s+{_DOTS}\s+)"
_ANY_DOT = rf"(?:{_SYM_DOT}|{_BR_DOT}|\s+dot\s+)"
_SPELLED_DOT = rf"(?:{_BR_DOT}|\s+dot\s+)"


def _obfuscated_email(at: str, dot: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w.%+\-]){_LABEL}(?:{dot}{_LABEL})*{at}{_LABEL}(?:{dot}{_LABEL})*{dot}[A-Za-z]{{2,24}}(?![\w-])",
        re.IGNORECASE,
    )


# "@" (spaced or not) with any dot; "(at)"/"[at]" with any dot; a bare " at " only with a spelled-out dot
# (an English "at" followed by a sentence end would otherwise look like an address).
# Each with the literals it cannot match without (lower-cased text): a cheap test skips the regex.
_EMAILS_OBFUSCATED = (
    (_obfuscated_email(r"\s*@\s*", _ANY_DOT), ("@",)),
    (_obfuscated_email(_BR_AT, _ANY_DOT), ("at",)),
    (_obfuscated_email(r"\s+at\s+", _SPELLED_DOT), ("at", "dot")),
)
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
_SSN = re.compile(r"(?<![\d\-/_.])(\d{3})([\- /_.])(\d{2})\2(\d{4})(?![\d\-/_]|\.\d)")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_TIME_LIKE = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
# Token-like: a tail with a digit that is not only digits, so the typed (``<EMAIL_ADDRESS>``) and indexed
# (``<PERSON_1234>``) placeholders of the other replacement modes are not mistaken for damaged tokens.
_LOOSE_TOKEN = re.compile(r"<[A-Z][A-Z0-9_]*_(?=[0-9A-Za-z]*[0-9])(?![0-9]+>)[0-9A-Za-z]{4,}>")


def _char_class(categories: tuple[str, ...]) -> str:
    """A regex character class body of every code point in the given Unicode categories."""
    out, start, prev = [], None, None
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp)) in categories:
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            out.append(f"\\U{start:08x}-\\U{prev:08x}" if prev != start else f"\\U{start:08x}")
            start = None
    return "".join(out)


# Combining marks and format characters (zero-width ...): removed from the scanner's own copy of the text,
# so "4\u0332111..." or "ja\u200bne@..." cannot hide a value from it whatever canonicalization did.
@lru_cache(maxsize=1)
def _invisible() -> re.Pattern[str]:
    return re.compile(f"[{_char_class(('Mn', 'Me', 'Cf'))}]")  # built on first use (~0.3 s), not at import


def fold(text: str) -> str:
    """The scanner's view of a text: NFKC (full-width forms), without combining marks or format characters."""
    text = unicodedata.normalize("NFKC", text)
    return text if text.isascii() else _invisible().sub("", text)


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


def card_run_ok(candidate: str) -> bool:
    """Broad card rule: 13-19 digits, Luhn-valid, groups of 3+ digits between separators (so lists of
    small numbers such as ``10 20 30 40 50 60 70`` are not read as one number). No network prefix rule."""
    groups = re.split(r"[ \-/_.]", candidate)
    digits = "".join(groups)
    return 13 <= len(digits) <= 19 and all(len(g) >= 3 for g in groups[:-1]) and luhn_ok(digits)


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
    t = fold(mask_tokens(text))
    found: Counter[str] = Counter()
    emails = [m.span() for m in _EMAIL.finditer(t)]
    lower = t.lower()
    for rx, needs in _EMAILS_OBFUSCATED:
        if all(n in lower for n in needs):
            emails += [m.span() for m in rx.finditer(t) if not any(_overlaps(m.span(), e) for e in emails)]
    found["email"] = len(emails)
    cards = [m for m in _CARD.finditer(t) if card_run_ok(m.group())]
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
