"""Presidio's context enhancement with the token lookup by bisection and without a deep copy.

``LemmaContextAwareEnhancer`` finds the token under each result by walking every token of the document
(building a spaCy ``Token`` per step) until one ends after the result's start: quadratic in practice
(results x tokens). The first token ending after ``start`` is found here by bisection on the token
ends, computed once per document; the answer, and the error when there is none, are the same.

The enhancer also deep-copies every result (explanation and metadata included) before raising scores,
so that the caller's list stays untouched. ``AnalyzerEngine`` drops that list right after the call and
its results are fresh objects of this ``analyze`` call (no recognizer keeps or reuses a result), so the
results are handed over without the copy: the enhancer raises the same scores on the same results. Only
offsets and scores are handled, never text.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import pairwise

_ENDS = "redact.token_ends"  # key in Doc.user_data (per document, dropped with it)


def token_ends(doc) -> list[int] | None:
    """End offset of every token of ``doc`` (None if some token is empty: then ends are not sorted)."""
    ends = doc.user_data.get(_ENDS)
    if ends is None:
        ends = [t.idx + len(t) for t in doc]
        if any(b <= a for a, b in pairwise(ends)) or (ends and ends[0] <= 0):
            ends = False
        doc.user_data[_ENDS] = ends
    return ends or None


def install(enhancer) -> bool:
    """Give Presidio's ``LemmaContextAwareEnhancer`` (exactly that class) the bisecting token lookup."""
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    if type(enhancer) is not LemmaContextAwareEnhancer:
        return False
    scan = LemmaContextAwareEnhancer._find_index_of_match_token

    def find_index_of_match_token(word, start, tokens, tokens_indices):
        ends = token_ends(tokens) if hasattr(tokens, "user_data") else None
        if ends is None or len(ends) != len(tokens_indices):
            return scan(word, start, tokens, tokens_indices)
        i = bisect_right(ends, start)  # first token with start < idx + len (idx == start implies it)
        if i == len(ends):
            return scan(word, start, tokens, tokens_indices)  # Presidio raises its own error
        return i

    enhancer._find_index_of_match_token = find_index_of_match_token
    enhance = enhancer.enhance_using_context

    def enhance_using_context(text, raw_results, nlp_artifacts, recognizers, context=None):
        return enhance(text, _Handed(raw_results), nlp_artifacts, recognizers, context)

    enhancer.enhance_using_context = enhance_using_context
    return True


class _Handed(list):
    """Results the caller no longer needs: ``copy.deepcopy`` of this list is a plain list of the same
    results (the enhancer's defensive copy, skipped)."""

    __slots__ = ()

    def __deepcopy__(self, memo) -> list:
        return list(self)
