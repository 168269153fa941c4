"""An exact "cannot be a valid number" test for plain digit candidates, in front of ``phonenumbers.parse``.

At leniency VALID and stricter the matcher keeps a candidate only if the number parsed from it for the
default region is valid (``is_valid_number``). For a candidate made of ASCII digits and the separators
`` ().-/`` only (no plus sign, no letters, no extension marker), parsing for region R reads nothing but its
digit string N:

- ``_extract_possible_number`` keeps every digit and ``_normalize`` yields N;
- unless R's international (IDD) prefix pattern matches at the start of N, the country code is R's own
  (``_maybe_extract_country_code`` strips at most R's code, ``len(str(cc))`` digits, from the front);
- the national prefix is then stripped with the metadata of R or of the code's main region; without a
  transform rule (regions with one are left out here) that removes at most the widest match of its
  ``national_prefix_for_parsing`` from the front.

So the national significant number is ``N[k:]`` for some ``k`` up to that bound (leading zeros are kept
by the ``italian_leading_zero`` fields). ``is_valid_number`` requires that some region X sharing the code
matches it with its general description and one of the number types ``_number_type_helper`` checks
(possible lengths, then the pattern, as ``_is_number_matching_desc``). When no ``k`` and no X pass, the
parse ends in an error or an invalid number and ``_parse_and_verify`` returns None: the test says so
without parsing, and the caller falls back to the real parse whenever the test cannot decide. Tries are
unaffected (they are counted by the matcher's loop, not here). Privacy: pure function of the candidate
and the fixed metadata; nothing is kept.
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


def _max_width(pattern: str | None) -> int | None:
    """Most characters ``pattern`` can match (0 for no pattern, None when unbounded)."""
    from re import _constants, _parser  # the stdlib's own regex parser: exact width

    if not pattern:
        return 0
    width = _parser.parse(pattern).getwidth()[1]
    return None if width >= _constants.MAXREPEAT else width


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
        widths = [_max_width(meta.national_prefix_for_parsing), _max_width(main.national_prefix_for_parsing)]
        if None in widths:
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
            out[region] = (re.compile(meta.international_prefix).match, len(str(cc)) + max(widths), tuple(code_regions))
    return out


def cannot_be_valid(candidate: str, check) -> bool:
    """True only when parsing ``candidate`` for the region of ``check`` (from ``shape_checks``) cannot give
    a valid number; False when it may, or when the candidate is not a plain digit string."""
    if not candidate.isascii():
        return False
    digits = candidate.translate(SEPARATORS)
    if not digits.isdigit():
        return False
    idd, strip, code_regions = check
    if idd(digits):
        return False
    for k in range(min(strip, len(digits)) + 1):
        nsn = digits[k:]
        n = len(nsn)
        for (lengths, general), types in code_regions:
            if (lengths is None or n in lengths) and general(nsn):
                for type_lengths, full in types:
                    if (type_lengths is None or n in type_lengths) and full(nsn):
                        return False
    return True
