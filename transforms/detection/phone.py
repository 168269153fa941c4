"""Presidio's ``PhoneRecognizer`` with the work its per-region matchers share done once (same results).

Presidio runs the ``phonenumbers`` matcher over the whole text once per configured region (31 by
default). Each run scans the text for the same candidates and extracts a number from each one for its
region. ``WindowedPhoneRecognizer`` keeps that loop, its order and its de-duplication, and changes only
where the answers come from:

- the candidate scan (the matcher's ``_PATTERN`` search from an index, and the trim of a second number)
  reads nothing but the text: done once per text and index, shared by the region matchers;
- candidates too short for a region are dropped before parsing (the bounds of ``prefilter.py``), digit
  counts computed once per text;
- what the matcher extracts from a candidate (the whole number, an inner number or none, and how many of
  its tries that used) depends only on the candidate, the region, the leniency, the character before it
  and the three after it (its neighbour and time-stamp checks read no more of the text): it is computed
  once and remembered per process (``memo.BoundedMemo``, bounded). A remembered outcome is reused only while the
  matcher has more tries left than it used, and only outcomes reached without running out of tries are
  remembered, so the try budget stops a scan exactly where Presidio's would;
- a candidate written with a leading plus sign and a known country code parses to the same number
  whatever the default region (``parse`` reads the region only for a number without one; that is when
  ``parse(candidate, None)`` succeeds) and, at leniency VALID or POSSIBLE, is verified from that number
  and the candidate alone: it is parsed and verified once per text and offset, not once per region;
- at leniency VALID and stricter, a plain digit candidate (digits and `` ().-/``) whose national number
  cannot be valid for the region's country code is refused before parsing (``phone_shapes.py``: an
  exact necessary condition from the metadata, falling back to the real parse when unsure);
- the region Presidio names in its explanation is parsed once per matched value.

``tests/transforms/detection/test_phone.py`` compares the results (spans, scores, explanations) with
Presidio's own recognizer on generated texts. Privacy: the memo holds candidate digit strings and their
neighbouring characters in the worker's memory only, like the texts being analysed; it is bounded, never
written, logged or returned.
"""

from __future__ import annotations

from transforms.detection.memo import BoundedMemo
from transforms.detection.phone_shapes import cannot_be_valid, shape_checks
from transforms.detection.prefilter import (
    _MIN_NSN,
    _PLUS_CHARS,
    digit_count,
    min_digits_by_region,
    min_digits_without_plus,
)

MEMO_ENTRIES = 1 << 16  # per process; an entry is a short candidate, a region and a small tuple
# Per-candidate outcome rows (one slot per region, found numbers included: about 1.6 KB a row): 8,192 rows
# hold about 13 MB. At 65,536 they grew to about 105 MB per worker by a 10 MB corpus, with no CPU measurably
# saved (4 MB corpus: 24,845 rows, 67 MB of detector growth against 40 MB at 8,192; 98.7 and 97.7 CPU-s).
ROW_MEMO_ENTRIES = 1 << 13


_UNSET, _FAILED, _PER_REGION = object(), object(), object()


def windowed_phone_class():
    """A ``PhoneRecognizer`` subclass (built lazily: Presidio is imported only when detection starts)."""
    import phonenumbers
    from phonenumbers import Leniency, NumberParseException, PhoneNumberMatch, PhoneNumberMatcher
    from phonenumbers import phonenumbermatcher as upstream
    from presidio_analyzer import EntityRecognizer
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    # Parsing for 31 regions cycles through more metadata patterns than the re module's own cache holds:
    # keep them compiled (phonenumbers' own switch; bounded by its fixed metadata).
    phonenumbers.enable_pattern_cache()
    pattern, second_number = upstream._PATTERN, upstream._SECOND_NUMBER_START_PATTERN
    regions, inner_costs = BoundedMemo(MEMO_ENTRIES), BoundedMemo(MEMO_ENTRIES)

    class _Scan:
        """Region-independent work on one text: candidates by search index, digit counts by candidate,
        and the remembered outcomes (one slot per region) of the candidate at an offset."""

        __slots__ = ("costs", "counts", "found", "free", "memo", "regions", "rows", "text")

        def __init__(self, text: str, memo: BoundedMemo, regions: int) -> None:
            self.text, self.memo, self.regions = text, memo, regions
            self.found, self.counts, self.rows, self.costs, self.free = {}, {}, {}, {}, {}

        def candidate(self, index: int):
            """(start, candidate) of the matcher's next candidate at or after ``index``, or None."""
            hit = self.found.get(index, _UNSET)
            if hit is _UNSET:
                m = pattern.search(self.text, index)
                if m is None:
                    hit = None
                else:
                    candidate = self.text[m.start() : m.end()]
                    trail = second_number.search(candidate)
                    hit = (m.start(), candidate[: trail.start()] if trail else candidate)
                self.found[index] = hit
            return hit

        def row(self, offset: int, candidate: str) -> list:
            """Outcomes by region slot for ``candidate`` at ``offset`` (shared by equal candidates in equal
            surroundings, across texts)."""
            row = self.rows.get(offset)
            if row is None:
                key = (candidate, *self.context(offset, len(candidate)))
                row = self.memo.get(key)
                if row is None:
                    row = [None] * self.regions
                    self.memo.put(key, row)
                self.rows[offset] = row
            return row

        def short_cost(self, offset: int, candidate: str) -> int:
            """Tries the upstream matcher spends on a candidate none of whose parts is a number: none when
            it is taken for a date or a time stamp, else one per inner candidate it would have parsed."""
            cost = self.costs.get(offset)
            if cost is None:
                end = offset + len(candidate)
                if upstream._SLASH_SEPARATED_DATES.search(candidate) or (
                    upstream._TIME_STAMPS.search(candidate) and upstream._TIME_STAMPS_SUFFIX.match(self.text, end)
                ):
                    cost = 0
                else:
                    cost = _inner_attempts(candidate)
                self.costs[offset] = cost
            return cost

        def context(self, offset: int, length: int) -> tuple[bool, bool, bool]:
            """All the matcher reads of the text around a candidate: whether the character before it and
            the one after it are ones a number may not touch (a latin letter, ``%``, a currency sign;
            none at the text's edges), and whether a time-stamp suffix (``:MM``) follows it."""
            text, end = self.text, offset + length
            before = offset > 0 and _bad_neighbour(text[offset - 1])
            after = end < len(text) and _bad_neighbour(text[end])
            return before, after, upstream._TIME_STAMPS_SUFFIX.match(text, end) is not None

        def count(self, candidate: str) -> tuple[int, bool]:
            got = self.counts.get(candidate)
            if got is None:
                got = self.counts[candidate] = (digit_count(candidate), any(p in candidate for p in _PLUS_CHARS))
            return got

    def _inner_attempts(candidate: str) -> int:
        """How many inner candidates ``_extract_inner_match`` parses when none is a number (its loop)."""
        attempts = inner_costs.get(candidate)
        if attempts is None:
            attempts = 0
            for inner in upstream._INNER_MATCHES:
                m = inner.search(candidate)
                attempts += 1 if m else 0  # the text before the first break is tried too
                while m:
                    attempts += 1
                    m = inner.search(candidate, m.start() + 1)
            inner_costs.put(candidate, attempts)
        return attempts

    region_free_lenient = (Leniency.POSSIBLE, Leniency.VALID)  # verified from the number and candidate

    def _parses_without_region(candidate: str) -> bool:
        """True when ``parse`` takes the country code from the candidate's leading plus sign: then the
        default region is never read and every region parses the same number (see the module docstring)."""
        try:
            phonenumbers.parse(candidate, None, keep_raw_input=True)
        except NumberParseException:
            return False
        return True

    def _bad_neighbour(char: str) -> bool:  # the matcher's own test, for leniency VALID and stricter
        return PhoneNumberMatcher._is_invalid_punctuation_symbol(char) or PhoneNumberMatcher._is_latin_letter(char)

    class _Matcher(PhoneNumberMatcher):
        """``PhoneNumberMatcher`` over a shared ``_Scan``, with remembered extraction outcomes."""

        def __init__(self, scan: _Scan, slot: int, region, recognizer) -> None:
            self._scan, self._slot = scan, slot
            self._min_digits = recognizer.min_digits[region]
            self._min_no_plus = max(self._min_digits, recognizer.min_no_plus[region])
            self._region_free = recognizer.leniency in region_free_lenient
            self._shape = recognizer.shape_checks.get(region)
            super().__init__(scan.text, region, leniency=recognizer.leniency, max_tries=recognizer.max_tries)

        def _find(self, index):  # upstream's loop, candidates from the shared scan
            found = self._scan.candidate(index)
            while self._max_tries > 0 and found is not None:
                start, candidate = found
                if len(candidate) >= self._min_candidate_length:
                    match = self._extract_match(candidate, start)
                    if match is not None:
                        return match
                    self._max_tries -= 1
                found = self._scan.candidate(start + len(candidate))
            return None

        def _extract_match(self, candidate, offset):
            if self._too_short(candidate):  # so is every inner candidate: none is a number here
                used = self._scan.short_cost(offset, candidate)
                if used < self._max_tries:
                    self._max_tries -= used
                    return None
                return super()._extract_match(candidate, offset)  # the budget is nearly spent: as upstream
            row = self._scan.row(offset, candidate)
            known = row[self._slot]
            if known is not None and known[1] < self._max_tries:
                found, used = known
                self._max_tries -= used
                return None if found is None else PhoneNumberMatch(offset + found[0], found[1], found[2])
            tries = self._max_tries
            match = super()._extract_match(candidate, offset)
            if self._max_tries > 0:  # the budget never cut the search short: the outcome is the candidate's
                found = None if match is None else (match.start - offset, match.raw_string, match.number)
                row[self._slot] = (found, tries - self._max_tries)
            return match

        def _parse_and_verify(self, candidate, offset):  # also the inner candidates of a long one
            if self._too_short(candidate):
                return None
            if self._region_free and self._scan.count(candidate)[1]:
                key = (offset, candidate)
                known = self._scan.free.get(key, _UNSET)
                if known is _UNSET:
                    if not _parses_without_region(candidate):
                        self._scan.free[key] = _PER_REGION
                        return super()._parse_and_verify(candidate, offset)
                    match = super()._parse_and_verify(candidate, offset)
                    self._scan.free[key] = None if match is None else (match.start, match.raw_string, match.number)
                    return match
                if known is not _PER_REGION:
                    return None if known is None else PhoneNumberMatch(*known)
            if self._shape is not None and cannot_be_valid(candidate, self._shape):
                return None  # parsing would end in an error or an invalid number (phone_shapes.py)
            return super()._parse_and_verify(candidate, offset)

        def _too_short(self, candidate) -> bool:
            n, plus = self._scan.count(candidate)
            return n < self._min_digits or (n < self._min_no_plus and not plus)

    class WindowedPhoneRecognizer(PhoneRecognizer):
        """Same results as ``PhoneRecognizer.analyze`` (same loop, same order, same de-duplication)."""

        def __init__(self, *args, max_tries: int = 65535, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.max_tries = max_tries  # the matcher's budget of failed candidates per text (its default)
            self.name = PhoneRecognizer.__name__  # guards, metadata and config refer to it by this name
            self.min_digits = min_digits_by_region(self.supported_regions, self.leniency)
            self.min_no_plus = min_digits_without_plus(self.supported_regions, self.leniency)
            valid_only = self.leniency is not None and self.leniency >= Leniency.VALID  # the matcher checks validity
            self.shape_checks = shape_checks(self.supported_regions) if valid_only else {}
            # (candidate, surroundings) -> outcome per region; leniency is fixed here
            self.memo = BoundedMemo(ROW_MEMO_ENTRIES)

        def analyze(self, text, entities, nlp_artifacts=None):
            if digit_count(text) < _MIN_NSN:
                return []
            results, scan = [], _Scan(text, self.memo, len(self.supported_regions))
            for slot, region in enumerate(self.supported_regions):
                found = region  # like Presidio's loop: a failed parse keeps the last region named
                for match in _Matcher(scan, slot, region, self):
                    code = _region_of(text[match.start : match.end])
                    if code is not _FAILED:
                        found = code
                    results.append(self._get_recognizer_result(match, text, found, nlp_artifacts))
            return EntityRecognizer.remove_duplicates(results)

    def _region_of(span: str):
        """Region of a number written with its country code (what Presidio records), or ``_FAILED``."""
        code = regions.get(span)
        if code is None:
            try:
                code = phonenumbers.region_code_for_number(phonenumbers.parse(span))
            except NumberParseException:
                code = _FAILED
            regions.put(span, code)
        return code

    return WindowedPhoneRecognizer
