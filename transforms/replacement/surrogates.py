"""Surrogate values (Beam-free): realistic stand-ins of the same type and format, drawn from a seed.

The seed is derived from the value's token (itself the AES-SIV pseudonym under the scope key) and a
draw number, never from the raw value alone: without the key, a surrogate says nothing about the value,
and the same value gets the same surrogate in every document of the scope (joinable datasets).

Formats are kept but values are chosen so they cannot be live identifiers where a safe range exists:
e-mails on the reserved ``example.{com,net,org}`` domains (RFC 2606), North-American phones in the
fictional 555-01XX block, card numbers with the value's length and grouping, a Luhn-valid check digit and
the non-issued leading digit 9 (no card network uses it), SSNs in the never-issued 9XX area, IP
addresses in the documentation ranges (RFC 5737 / RFC 3849), IBANs with the value's country and layout
and valid ISO 13616 check digits. Names, places, organisations come from Faker (``en_US``).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from transforms.replacement.dates import shift_date

if TYPE_CHECKING:
    from faker import Faker

_fake: Faker | None = None


def _faker(seed: int) -> Faker:
    global _fake
    if _fake is None:  # imported on first use: token and indexed runs never load Faker (about 0.2 s)
        from faker import Faker

        _fake = Faker("en_US")
    _fake.seed_instance(seed)
    return _fake


def seed_for(token: str, draw: int) -> int:
    """64-bit seed of draw ``draw`` for ``token`` (a key-derived pseudonym)."""
    return int.from_bytes(hashlib.sha256(f"redact-surrogate/v1|{token}|{draw}".encode()).digest()[:8], "big")


def _case_like(value: str, out: str) -> str:
    if value.isupper() and len(value) > 1:
        return out.upper()
    if value.islower():
        return out.lower()
    return out


def _person(value: str, f: Faker, rnd: random.Random) -> str:
    words = len(value.split())
    if words <= 1:
        return _case_like(value, f.first_name())
    if words == 2:
        return _case_like(value, f"{f.first_name()} {f.last_name()}")
    return _case_like(value, f"{f.first_name()} {f.first_name()} {f.last_name()}")


def _email(value: str, f: Faker, rnd: random.Random) -> str:
    user = f"{f.first_name()}.{f.last_name()}{rnd.randint(1, 99)}".lower()
    user = re.sub(r"[^a-z0-9.]", "", user)
    return f"{user}@example.{rnd.choice(['com', 'net', 'org'])}"


def _digits_like(value: str, rnd: random.Random, first: str | None = None) -> str:
    out, seen_first = [], False
    for ch in value:
        if ch.isdigit():
            if not seen_first and first is not None:
                out.append(first)
            else:
                out.append(str(rnd.randint(0, 9)))
            seen_first = True
        else:
            out.append(ch)
    return "".join(out)


def _phone(value: str, f: Faker, rnd: random.Random) -> str:
    digits = [c for c in value if c.isdigit()]
    nanp = len(digits) == 10 or (len(digits) == 11 and digits[0] == "1")
    if not nanp:
        return _digits_like(value, rnd, first=str(rnd.randint(2, 9)))
    new = [str(rnd.randint(2, 9)), str(rnd.randint(0, 9)), str(rnd.randint(0, 9)), "5", "5", "5", "0", "1"]
    new += [str(rnd.randint(0, 9)), str(rnd.randint(0, 9))]
    if len(digits) == 11:
        new = ["1", *new]
    it = iter(new)
    return "".join(next(it) if c.isdigit() else c for c in value)


def luhn_check_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def _card(value: str, f: Faker, rnd: random.Random) -> str:
    n = sum(c.isdigit() for c in value)
    if n < 12:
        return _digits_like(value, rnd)
    payload = "9" + "".join(str(rnd.randint(0, 9)) for _ in range(n - 2))
    digits = iter(payload + luhn_check_digit(payload))
    return "".join(next(digits) if c.isdigit() else c for c in value)


def iban_check_digits(country: str, bban: str) -> str:
    moved = bban + country + "00"
    return f"{98 - int(''.join(str(int(c, 36)) for c in moved)) % 97:02d}"


def _iban(value: str, f: Faker, rnd: random.Random) -> str:
    compact = re.sub(r"\s", "", value).upper()
    if len(compact) < 15 or not compact[:2].isalpha():
        return _generic(value, f, rnd)
    bban = "".join(
        str(rnd.randint(0, 9)) if c.isdigit() else chr(ord("A") + rnd.randint(0, 25)) if c.isalpha() else c
        for c in compact[4:]
    )
    new = compact[:2] + iban_check_digits(compact[:2], bban) + bban
    it = iter(new)
    return "".join(next(it) if not c.isspace() else c for c in value)


def _ssn(value: str, f: Faker, rnd: random.Random) -> str:
    return _digits_like(value, rnd, first="9")


def _ip(value: str, f: Faker, rnd: random.Random) -> str:
    if ":" in value:
        return f"2001:db8::{rnd.randint(1, 0xFFFF):x}"
    net = rnd.choice(["192.0.2", "198.51.100", "203.0.113"])
    return f"{net}.{rnd.randint(1, 254)}"


def _location(value: str, f: Faker, rnd: random.Random) -> str:
    if any(c.isdigit() for c in value):
        return f.street_address()
    return _case_like(value, f.city() if len(value.split()) <= 2 else f"{f.city()}, {f.state()}")


def _org(value: str, f: Faker, rnd: random.Random) -> str:
    return _case_like(value, f.company())


def _url(value: str, f: Faker, rnd: random.Random) -> str:
    return f"https://www.example.{rnd.choice(['com', 'net', 'org'])}/{f.word()}"


def _date(value: str, f: Faker, rnd: random.Random) -> str:
    shifted = shift_date(value, rnd.choice([-1, 1]) * rnd.randint(30, 730))
    return shifted if shifted is not None else _generic(value, f, rnd)


def _generic(value: str, f: Faker, rnd: random.Random) -> str:
    """Same shape: digits -> digits, letters -> letters of the same case, everything else kept."""
    out = []
    for c in value:
        if c.isdigit():
            out.append(str(rnd.randint(0, 9)))
        elif c.isalpha() and c.isascii():
            letter = chr(ord("a") + rnd.randint(0, 25))
            out.append(letter.upper() if c.isupper() else letter)
        else:
            out.append(c)
    return "".join(out)


GENERATORS: dict[str, Callable[[str, Faker, random.Random], str]] = {
    "PERSON": _person,
    "EMAIL_ADDRESS": _email,
    "PHONE_NUMBER": _phone,
    "CREDIT_CARD": _card,
    "IBAN_CODE": _iban,
    "US_SSN": _ssn,
    "IP_ADDRESS": _ip,
    "LOCATION": _location,
    "GPE": _location,
    "ADDRESS": _location,
    "ORGANIZATION": _org,
    "URL": _url,
    "DATE_TIME": _date,
}


def surrogate(entity_type: str, value: str, token: str, draw: int = 0) -> str:
    """Draw ``draw`` of the surrogate for ``value`` (of ``entity_type``) whose token is ``token``."""
    seed = seed_for(token, draw)
    rnd = random.Random(seed)
    return GENERATORS.get(entity_type, _generic)(value, _faker(seed), rnd)
