"""An exact "cannot be a valid number" test for plain digit candidates, in front of ``phonenumbers.parse``.

At leniency VALID and stricter the matcher keeps a candidate only if the number parsed from it for the
default region is valid (``is_valid_number``). For a candidate made of ASCII digits and the separators
`` ().-/`` only (no plus sign, no letters, no extension marker), parsing for region R reads nothing but its
digit string N:

- ``_extract_possible_number`` keeps every digit and ``_normalize`` yields N;
- unless R's international (IDD) prefix pattern matches at the start of N, the country code is R's own:
  the national number is N with R's national prefix stripped (``_maybe_strip_national_prefix_carrier_code``:
  nothing, or the whole ``national_prefix_for_parsing`` match at the start), or, when N starts with R's
  code, N without the code, then without R's national prefix, then without the national prefix of the
  code's main region (``_maybe_extract_country_code`` strips one, ``parse`` the other); each strip may be
  refused. Without a transform rule (regions with one, in R or the main region, are left out) a strip
  removes exactly the prefix match, so the national significant number is ``N[k:]`` for ``k`` in the small
  set those choices give (leading zeros are kept by the ``italian_leading_zero`` fields).

``is_valid_number`` then requires that some region X sharing the code matches it with its general
description and one of the number types ``_number_type_helper`` checks (possible lengths, then the
pattern, as ``_is_number_matching_desc``). When no ``k`` and no X pass, the parse ends in an error or an
invalid number and ``_parse_and_verify`` returns None: the test says so without parsing, and the caller
falls back to the real parse whenever the test cannot decide. Tries are unaffected (they are counted by
the matcher's loop, not here). ``tests/transforms/detection/test_phone.py`` checks it against the plain
matcher. Privacy: a pure function of the candidate and the fixed metadata; nothing is kept.
"""

from __future__ import annotations

import re

SEPARATORS = str.maketrans("", "", " ().-/")
TYPES = (  # the number types ``phonenumberutil._number_type_helper`` tries, in its order
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


def _desc(desc):
    """(possible lengths or None, fullmatch) of a number description, as ``_is_number_matching_desc``."""
    lengths = frozenset(desc.possible_length or ()) or None
    return lengths, re.compile(desc.national_number_pattern).fullmatch


def shape_checks(regions) -> dict:
    """region -> (IDD prefix match, widest prefix strip, descriptions of the code's regions) for the
    regions the test covers; regions with a national-prefix transform rule or unbounded prefixes are left out."""
    import phonenumbers
    from phonenumbers import PhoneMetadata

    out = {}
    for region in regions:
        meta = PhoneMetadata.metadata_for_region(region.upper())
        if meta is None or not meta.international_prefix:
            continue
        cc = meta.country_code
        main = PhoneMetadata.metadata_for_region(phonenumbers.region_code_for_country_code(cc))
        if main is None or meta.national_prefix_transform_rule or main.national_prefix_transform_rule:
            continue
        code_regions = []
        for other in phonenumbers.region_codes_for_country_code(cc):
            m = PhoneMetadata.metadata_for_region(other)
            if m is None or m.general_desc is None or not m.general_desc.national_number_pattern:
                break
            types = tuple(
                _desc(d) for d in (getattr(m, t) for t in TYPES) if d is not None and d.national_number_pattern
            )
            code_regions.append((_desc(m.general_desc), types))
        else:
            idd = re.compile(meta.international_prefix).match
            out[region] = (idd, str(cc), _prefix(meta), _prefix(main), tuple(code_regions))
    return out


def _prefix(metadata):
    """``match`` of a region's national prefix for parsing, or None when it has none."""
    pattern = metadata.national_prefix_for_parsing
    return re.compile(pattern).match if pattern else None


def _strips(digits: str, start: int, prefix) -> tuple[int, ...]:
    """Where the national number may start after ``prefix`` is (or is not) stripped at ``start``."""
    m = prefix(digits[start:]) if prefix is not None and start < len(digits) else None  # as parse slices
    return (start, start + m.end()) if m is not None and m.end() > 0 else (start,)


def cannot_be_valid(candidate: str, check) -> bool:
    """True only when parsing ``candidate`` for the region of ``check`` (from ``shape_checks``) cannot give
    a valid number; False when it may, or when the candidate is not a plain digit string."""
    if not candidate.isascii():
        return False
    digits = candidate.translate(SEPARATORS)
    if not digits.isdigit():
        return False
    idd, code, own, main, code_regions = check
    if idd(digits):
        return False
    starts = set(_strips(digits, 0, own))
    if digits.startswith(code):
        for after_code in _strips(digits, len(code), own):
            starts.update(_strips(digits, after_code, main))
    for k in starts:
        nsn = digits[k:]
        n = len(nsn)
        for (lengths, general), types in code_regions:
            if (lengths is None or n in lengths) and general(nsn):
                for type_lengths, full in types:
                    if (type_lengths is None or n in type_lengths) and full(nsn):
                        return False
    return True
