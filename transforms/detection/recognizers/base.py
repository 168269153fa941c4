"""Shared plumbing for code recognizers: option checking and timed regex matching."""

from __future__ import annotations

import logging
import time
from typing import Any, ClassVar

import regex
from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from transforms.detection.recognizer_options import check_options

log = logging.getLogger("presidio-analyzer")
TIMEOUT_SECONDS = 5


class CodeRecognizer(EntityRecognizer):
    """Base: ``KIND`` names the class's entry in ``recognizer_options.KINDS`` (its options and their
    types); unknown or mistyped options are errors, checked there by the launcher and here by the worker."""

    KIND: ClassVar[str]

    def __init__(self, name: str, entity: str, options: dict[str, Any], context: list[str] | None = None) -> None:
        self.check_options(options)
        self.options = options
        super().__init__(supported_entities=[entity], name=name, supported_language="en", context=context or [])

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> None:
        check_options(cls.KIND, options)

    @classmethod
    def from_spec(cls, spec) -> CodeRecognizer:
        return cls(spec.name, spec.supported_entity, dict(spec.options), list(spec.context))

    def load(self) -> None:
        pass

    def result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.supported_entities[0],
            start=start,
            end=end,
            score=score,
            analysis_explanation=AnalysisExplanation(recognizer=self.name, original_score=score),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def words_alt(words: list[str]) -> str:
    """Regex alternation of literal words, longest first."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


def finditer(pattern: regex.Pattern, text: str, name: str, overlapped: bool = False):
    """All matches, or a logged "timed out" warning (no text) and no matches."""
    try:
        return list(pattern.finditer(text, overlapped=overlapped, timeout=TIMEOUT_SECONDS))
    except TimeoutError:
        log.warning("Regex pattern '%s' timed out after %s seconds, skipping.", name, TIMEOUT_SECONDS)
        return []


def alternation_finditer(alts: list[regex.Pattern], text: str, name: str, skip: frozenset[int] = frozenset()) -> list:
    """``finditer(regex.compile("|".join(f"(?:{a})" for a in alts)), text, name)`` from one search per
    alternative: leftmost match first, at one start the first alternative that matches there, no overlaps.
    A regex engine tries every alternative at every position; alternatives searched alone can each use
    their own fast scan (a leading digit or literal). ``skip``: alternatives the caller has shown cannot
    match in ``text`` (a necessary condition failed). Alternatives must not match the empty string (one
    that does raises ``ValueError``); a timeout gives the logged warning and no matches, as ``finditer``."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    try:
        nxt = {}
        for i, pattern in enumerate(alts):
            if i not in skip:  # one budget for the whole alternation, as the reference's one finditer
                m = pattern.search(text, timeout=max(deadline - time.monotonic(), 0.001))
                if m is not None:
                    nxt[i] = m
        out = []
        while nxt:
            first = min(nxt, key=lambda i: (nxt[i].start(), i))
            m = nxt[first]
            if m.end() == m.start():
                raise ValueError("alternation_finditer: an alternative matched the empty string")
            out.append(m)
            pos = m.end()
            for i in [i for i, other in nxt.items() if other.start() < pos]:
                left = max(deadline - time.monotonic(), 0.001)
                again = alts[i].search(text, pos, timeout=left)
                if again is None:
                    del nxt[i]
                else:
                    nxt[i] = again
        return out
    except TimeoutError:
        log.warning("Regex pattern '%s' timed out after %s seconds, skipping.", name, TIMEOUT_SECONDS)
        return []
