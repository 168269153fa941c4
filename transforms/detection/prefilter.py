"""Cheap literal prefilters in front of expensive recognizers, with output identical to running them whole.

``WindowedPhoneRecognizer``: Presidio's ``PhoneRecognizer`` runs the ``phonenumbers`` matcher over the
whole text once per configured region (31 by default), which is most of the pattern cost on long
documents. A phone-number candidate of the matcher is a run of digits whose blocks are separated by at
most four punctuation characters, optionally preceded by ``+``/brackets and followed by an extension
("ext. 12", "extension 12"). So the matcher only runs on windows around digit clusters (digits with gaps
of at most four characters of any kind), widened by ``MARGIN`` characters on both sides (so the checks
on the characters around a candidate and extensions see the same text) and merged when they touch.
Results are shifted back to text offsets; windows do not overlap, so de-duplication is unchanged.
A text without digit clusters of at least ``MIN_DIGITS`` digits is not scanned at all: ``phonenumbers``
refuses national numbers shorter than 2 digits (``MIN_LENGTH_FOR_NSN``).

``needs``: recognizers whose every pattern requires a literal (e-mail: ``@``) are skipped on texts
without it. Both are checked by ``tests/transforms/detection/test_prefilter.py`` (spans with and without
the prefilter on a fixed corpus) at every commit.
"""

from __future__ import annotations

import re

MARGIN = 32
MIN_DIGITS = 2
_CLUSTER = re.compile(r"\d(?:\D{0,4}\d)*")


def phone_windows(text: str) -> list[tuple[int, int]]:
    """Non-overlapping [start, end) windows that contain every possible phone-number candidate."""
    windows: list[list[int]] = []
    for m in _CLUSTER.finditer(text):
        if sum(c.isdigit() for c in m.group()) < MIN_DIGITS:
            continue
        start, end = max(0, m.start() - MARGIN), min(len(text), m.end() + MARGIN)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return [(s, e) for s, e in windows]


def windowed_phone_class():
    """A ``PhoneRecognizer`` subclass (built lazily: Presidio is imported only when detection starts)."""
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    class WindowedPhoneRecognizer(PhoneRecognizer):
        """Same results as ``PhoneRecognizer``; the matcher runs only around digit clusters."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.name = PhoneRecognizer.__name__  # guards, metadata and config refer to it by this name

        def analyze(self, text, entities, nlp_artifacts=None):
            results = []
            for start, end in phone_windows(text):
                window = text if (start, end) == (0, len(text)) else text[start:end]
                for r in super().analyze(window, entities, nlp_artifacts):
                    r.start, r.end = r.start + start, r.end + start
                    results.append(r)
            return results

    return WindowedPhoneRecognizer


# Presidio predefined recognizer -> a literal every match contains.
LITERALS = {"EmailRecognizer": "@"}


def literal_gate(recognizer, literal: str) -> None:
    """Skip ``recognizer`` on texts that do not contain ``literal`` (same results: no match possible)."""
    analyze = recognizer.analyze

    def gated(text, entities, nlp_artifacts=None):
        return analyze(text, entities, nlp_artifacts) if literal in text else []

    recognizer.analyze = gated
