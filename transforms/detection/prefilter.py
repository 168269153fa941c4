"""Cheap literal prefilters in front of expensive recognizers, with output identical to running them whole.

``WindowedPhoneRecognizer``: Presidio's ``PhoneRecognizer`` runs the ``phonenumbers`` matcher over the
whole text once per configured region (31 by default) and fully parses and validates every candidate
(any digit run: dates, amounts, ticket numbers) for every region: the largest cost of detection on
digit-rich text. Here a candidate with fewer digits than the shortest number the region can accept is
dropped before parsing (``min_digits_by_region``, from the ``phonenumbers`` metadata: the region's
shortest national number, or the shortest number of any country written with its country code), which
is exactly what parsing would conclude; the matcher's scan, its checks and the result order are
untouched. Texts with fewer than two digits skip the matcher.

``LITERALS``: recognizers whose every pattern requires a literal (e-mail: ``@``) are skipped on texts
without it. Both are checked by ``tests/transforms/detection/test_fast_path.py`` (spans with and without
the prefilter on a fixed corpus) at every commit.
"""

from __future__ import annotations

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


_ASCII_DIGITS = "0123456789"


def digit_count(candidate: str) -> int:
    """Digits in a matcher candidate (``str.isdigit`` counts at least every ``\\d`` the matcher sees).
    ASCII text (the usual case) is counted in C: there ``isdigit`` is true exactly for 0-9."""
    if candidate.isascii():
        return sum(map(candidate.count, _ASCII_DIGITS))
    return sum(c.isdigit() for c in candidate)


def windowed_phone_class():
    """A ``PhoneRecognizer`` subclass (built lazily: Presidio is imported only when detection starts)."""
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberMatcher
    from presidio_analyzer import EntityRecognizer
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    class _Matcher(PhoneNumberMatcher):
        """``PhoneNumberMatcher`` that drops candidates too short to be a number of its region before
        parsing them (what the full check would conclude, at a fraction of the cost)."""

        def __init__(self, text, region, leniency, min_digits: int) -> None:
            self._min_digits = min_digits
            super().__init__(text, region, leniency=leniency)

        def _extract_match(self, candidate, offset):
            if digit_count(candidate) < self._min_digits:
                return None
            return super()._extract_match(candidate, offset)

        def _parse_and_verify(self, candidate, offset):  # also the inner candidates of a long one
            if digit_count(candidate) < self._min_digits:
                return None
            return super()._parse_and_verify(candidate, offset)

    class WindowedPhoneRecognizer(PhoneRecognizer):
        """Same results as ``PhoneRecognizer.analyze`` (same loop, same order, same de-duplication);
        texts without digits skip the matcher, short candidates skip the parser."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.name = PhoneRecognizer.__name__  # guards, metadata and config refer to it by this name
            self.min_digits = min_digits_by_region(self.supported_regions, self.leniency)

        def analyze(self, text, entities, nlp_artifacts=None):
            if digit_count(text) < _MIN_NSN:
                return []
            results, regions_of = [], {}  # the same span recurs for many regions: parse it once per text
            for region in self.supported_regions:
                found = region  # like Presidio's loop: a failed parse keeps the last region named
                for match in _Matcher(text, region, self.leniency, self.min_digits[region]):
                    span = text[match.start : match.end]
                    code = regions_of.get(span, _UNSET)
                    if code is _UNSET:
                        code = regions_of[span] = _region_of(span)
                    if code is not _FAILED:
                        found = code
                    results.append(self._get_recognizer_result(match, text, found, nlp_artifacts))
            return EntityRecognizer.remove_duplicates(results)

    def _region_of(span: str):
        """Region of a number written with its country code (what Presidio records), or ``_FAILED``."""
        try:
            return phonenumbers.region_code_for_number(phonenumbers.parse(span))
        except NumberParseException:
            return _FAILED

    return WindowedPhoneRecognizer


_UNSET, _FAILED = object(), object()

# Presidio predefined recognizer -> a literal every match contains.
LITERALS = {"EmailRecognizer": "@"}


def literal_gate(recognizer, literal: str) -> None:
    """Skip ``recognizer`` on texts that do not contain ``literal`` (same results: no match possible)."""
    analyze = recognizer.analyze

    def gated(text, entities, nlp_artifacts=None):
        return analyze(text, entities, nlp_artifacts) if literal in text else []

    recognizer.analyze = gated
