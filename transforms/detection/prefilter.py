"""Cheap literal prefilters in front of expensive recognizers, with output identical to running them whole.

Phone bounds (used by ``phone.WindowedPhoneRecognizer``): Presidio's ``PhoneRecognizer`` fully parses and
validates every matcher candidate (any digit run: dates, amounts, ticket numbers) for every configured
region. A candidate with fewer digits than the shortest number the region can accept is dropped before
parsing (``min_digits_by_region``, from the ``phonenumbers`` metadata: the region's shortest national
number, or the shortest number of any country written with its country code), which is exactly what
parsing would conclude. A candidate without a plus sign is held to a higher bound
(``min_digits_without_plus``: a national number of the region's country code, or one dialled with the
region's IDD prefix, whose digits count too; national-prefix rules that insert digits are subtracted).
Texts with fewer than two digits skip the matcher.

``LITERALS``: recognizers whose every pattern requires a literal (e-mail: ``@``) are skipped on texts
without it. Both are checked by ``tests/transforms/detection/test_fast_path.py`` (spans with and without
the prefilter on a fixed corpus) at every commit.
"""

from __future__ import annotations

import re

_MIN_NSN = 2  # phonenumbers refuses shorter national significant numbers (_MIN_LENGTH_FOR_NSN)


def _min_nsn(metadata, local_only: bool) -> int:
    """Fewest national digits a number of a region can have: valid numbers have one of the region's
    ``possible_length``; merely possible ones (leniency POSSIBLE) may also be local-only lengths."""
    desc = metadata.general_desc if metadata is not None else None
    lengths = [*(desc.possible_length or ()), *((desc.possible_length_local_only or ()) if local_only else ())]
    return max(_MIN_NSN, min((n for n in lengths if n > 0), default=_MIN_NSN))


def min_digits_by_region(regions, leniency: int = 1) -> dict[str, int]:
    """Fewest digits a number the matcher accepts for ``region`` can have: its own national numbers, or
    any country's number written with a ``+``/IDD country code (country code digits + national digits)."""
    import phonenumbers
    from phonenumbers import Leniency, PhoneMetadata

    local = leniency is None or leniency <= Leniency.POSSIBLE
    metas = [(r, PhoneMetadata.metadata_for_region(r)) for r in phonenumbers.SUPPORTED_REGIONS]
    metas += [
        (None, PhoneMetadata.metadata_for_nongeo_region(cc)) for cc in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS
    ]
    floor = min(len(str(m.country_code)) + _min_nsn(m, local) for _, m in metas if m is not None)
    out = {}
    for region in regions:
        meta = PhoneMetadata.metadata_for_region(region.upper())
        out[region] = min(floor, _min_nsn(meta, local)) if meta is not None else _MIN_NSN
    return out


def _added_digits(metadata) -> int:
    """Digits a region's national-prefix transform rule can add (literal digits in it, e.g. ``9\\1``)."""
    rule = metadata.national_prefix_transform_rule if metadata is not None else None
    return sum(c.isdigit() for c in re.sub(r"\\\d", "", rule)) if rule else 0


def _min_width(pattern: str | None) -> int | None:
    """Fewest characters ``pattern`` (an IDD prefix: digits only) can match; None for no pattern."""
    from re import _parser  # the stdlib's own regex parser: exact minimum width

    return _parser.parse(pattern).getwidth()[0] if pattern else None


def min_digits_without_plus(regions, leniency: int = 1) -> dict[str, int]:
    """Fewest digits a number the matcher accepts for ``region`` can have when the candidate holds no plus
    sign. It is then a number of the region's country code (national, or prefixed with that code): as
    many digits as the shortest national number of any region sharing the code, less what the national
    prefix rules applied while parsing (the region's and the code's main region's) may add; or an
    international number dialled with the region's IDD prefix: the prefix's digits + the fewest digits of
    any country's number (country code + shortest national number, less what its prefix rule may add)."""
    import phonenumbers
    from phonenumbers import Leniency, PhoneMetadata

    local = leniency is None or leniency <= Leniency.POSSIBLE

    def meta(region):
        return PhoneMetadata.metadata_for_region(region)

    def code_min(cc: int) -> int:  # shortest national number of any region of country code ``cc``
        metas = [meta(r) for r in phonenumbers.region_codes_for_country_code(cc)]
        metas += [PhoneMetadata.metadata_for_nongeo_region(cc)]
        return min((_min_nsn(m, local) for m in metas if m is not None), default=_MIN_NSN)

    def main_added(cc: int) -> int:
        main = phonenumbers.region_code_for_country_code(cc)
        return _added_digits(meta(main) or PhoneMetadata.metadata_for_nongeo_region(cc))

    codes = {m.country_code for m in map(meta, phonenumbers.SUPPORTED_REGIONS) if m is not None}
    codes |= set(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)
    floor = min(len(str(cc)) + max(0, code_min(cc) - main_added(cc)) for cc in codes)
    out = {}
    for region in regions:
        m = meta(region.upper())
        if m is None:
            out[region] = _MIN_NSN
            continue
        national = max(0, code_min(m.country_code) - _added_digits(m) - main_added(m.country_code))
        idd = _min_width(m.international_prefix)
        out[region] = min(national, idd + floor) if idd is not None else national
    return out


_ASCII_DIGITS = "0123456789"
_PLUS_CHARS = "+\uff0b"  # phonenumbers' plus signs: a candidate with one may carry any country code


def digit_count(candidate: str) -> int:
    """Digits in a matcher candidate (``str.isdigit`` counts at least every ``\\d`` the matcher sees).
    ASCII text (the usual case) is counted in C: there ``isdigit`` is true exactly for 0-9."""
    if candidate.isascii():
        return sum(map(candidate.count, _ASCII_DIGITS))
    return sum(c.isdigit() for c in candidate)


# Presidio predefined recognizer -> a literal every match contains.
LITERALS = {"EmailRecognizer": "@"}


def literal_gate(recognizer, literal: str) -> None:
    """Skip ``recognizer`` on texts that do not contain ``literal`` (same results: no match possible)."""
    analyze = recognizer.analyze

    def gated(text, entities, nlp_artifacts=None):
        return analyze(text, entities, nlp_artifacts) if literal in text else []

    recognizer.analyze = gated


# ``\p{...}`` letter and mark properties of the ``regex`` module, read as a plain letter by the stdlib parser
# (none of them holds a digit); any other property leaves the pattern ungated.
_LETTER_PROPERTIES = re.compile(r"\\p\{(?:L|Lu|Ll|Lt|Lm|Lo|M|Mn|Mc|Me)\}")
_ASCII_DIGIT_CODES = range(ord("0"), ord("9") + 1)
_FUZZY = re.compile(r"\{[^}]*[<=>]")  # fuzzy-match constraints ({e<=1}): errors may replace digits


def needs_digit(pattern: str, flags: int = 0) -> bool:
    """True when no text without a decimal digit can hold a match of ``pattern`` (``regex`` module, V0
    syntax): every way to match consumes, or asserts by a positive lookaround, at least one ``\\d`` or
    ``[0-9]`` character. Read from the stdlib parser's tree; anything it cannot read says False."""
    from re import _constants as sre
    from re import _parser

    import regex

    if flags & regex.V1:
        return False
    source = _LETTER_PROPERTIES.sub("a", pattern)
    if "\\p" in source or "\\P" in source or "\\N" in source or _FUZZY.search(source):
        return False
    try:
        tree = _parser.parse(source, re.VERBOSE if flags & regex.VERBOSE else 0)
    except Exception:  # syntax only the regex module knows: no gate
        return False

    def digit_only(item) -> bool:
        op, arg = item
        if op is sre.LITERAL:
            return arg in _ASCII_DIGIT_CODES
        if op is sre.RANGE:
            return arg[0] in _ASCII_DIGIT_CODES and arg[1] in _ASCII_DIGIT_CODES
        return op is sre.CATEGORY and arg is sre.CATEGORY_DIGIT

    def needs(items) -> bool:  # some element of the sequence always needs a digit
        return any(one(op, arg) for op, arg in items)

    def one(op, arg) -> bool:
        if op is sre.LITERAL:
            return arg in _ASCII_DIGIT_CODES
        if op is sre.IN:
            return bool(arg) and all(digit_only(i) for i in arg)
        if op is sre.SUBPATTERN:
            return needs(arg[-1])
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            return arg[0] >= 1 and needs(arg[2])
        if op is sre.BRANCH:
            return all(needs(alt) for alt in arg[1])
        if op is sre.ASSERT:  # a positive lookaround: the text must hold what it matches
            return needs(arg[1])
        if op is sre.ATOMIC_GROUP:
            return needs(arg)
        if op is sre.GROUPREF_EXISTS:
            return needs(arg[1]) and arg[2] is not None and needs(arg[2])
        return False  # ANY, NOT_LITERAL, negative lookarounds, anchors, back references

    return needs(tree.data)


def digit_gate(recognizer) -> bool:
    """Skip a plain ``PatternRecognizer`` on texts without a decimal digit when every one of its patterns
    needs one (``needs_digit``): no match is possible there, so the results are the same."""
    import regex
    from presidio_analyzer import PatternRecognizer

    if type(recognizer).analyze is not PatternRecognizer.analyze or not recognizer.patterns:
        return False
    if not all(needs_digit(p.regex, recognizer.global_regex_flags) for p in recognizer.patterns):
        return False
    digit, analyze = regex.compile(r"\d"), recognizer.analyze

    def gated(text, entities, nlp_artifacts=None, regex_flags=None):
        if digit.search(text) is None:
            return []
        return analyze(text, entities, nlp_artifacts, regex_flags)

    recognizer.analyze = gated
    return True
