"""``PatternRecognizer.analyze`` without its per-pattern bookkeeping (same results).

Presidio's pattern loop (``PatternRecognizer.__analyze_patterns``) reads the clock twice and formats a
debug record for every pattern of every call, and runs ``remove_duplicates`` (a set, a sort and a group
walk) even when nothing matched. With ~80 patterns and matches rare, that bookkeeping costs about as much
as the scans. ``install`` gives each recognizer that runs exactly Presidio's loop (its class overrides
neither ``analyze`` nor the loop) an ``analyze`` that runs the same loop without the clock and the debug
record and returns ``[]`` at once when no pattern matched: the same patterns, compiled the same way, the
same match handling (the recognizer's own ``validate_result``, ``invalidate_result`` and
``build_regex_explanation``), the same timeout warning, the same ``remove_duplicates`` on any result.
``tests/transforms/detection/test_lean_patterns.py`` compares it with Presidio's ``analyze``. Nothing here
logs or keeps text.
"""

from __future__ import annotations

import logging

log = logging.getLogger("presidio-analyzer")


def plain(recognizer) -> bool:
    """True when ``recognizer`` analyses with exactly Presidio's pattern loop (and has not been wrapped)."""
    from presidio_analyzer import PatternRecognizer

    cls, base = type(recognizer), PatternRecognizer
    return (
        isinstance(recognizer, base)
        and cls.analyze is base.analyze
        and cls._PatternRecognizer__analyze_patterns is base._PatternRecognizer__analyze_patterns
        and "analyze" not in vars(recognizer)
    )


def lean_analyze(recognizer):
    """The ``analyze`` of ``recognizer`` (a ``plain`` one) without the loop's bookkeeping."""
    import regex
    from presidio_analyzer import EntityRecognizer, RecognizerResult
    from presidio_analyzer import pattern_recognizer as upstream

    name_key, id_key = RecognizerResult.RECOGNIZER_NAME_KEY, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
    min_score, max_score = EntityRecognizer.MIN_SCORE, EntityRecognizer.MAX_SCORE
    r = recognizer

    def analyze(text, entities, nlp_artifacts=None, regex_flags=None):
        if not r.patterns:
            return []
        flags = regex_flags if regex_flags else r.global_regex_flags
        timeout = upstream.REGEX_TIMEOUT_SECONDS
        results = []
        for pattern in r.patterns:
            if not pattern.compiled_regex or pattern.compiled_with_flags != flags:
                pattern.compiled_with_flags = flags
                pattern.compiled_regex = regex.compile(pattern.regex, flags=flags)
            try:
                for match in pattern.compiled_regex.finditer(text, timeout=timeout):
                    start, end = match.span()
                    current = text[start:end]
                    if current == "":
                        continue
                    score = pattern.score
                    validation = r.validate_result(current)
                    description = r.build_regex_explanation(
                        r.name, pattern.name, pattern.regex, score, validation, flags
                    )
                    result = RecognizerResult(
                        entity_type=r.supported_entities[0],
                        start=start,
                        end=end,
                        score=score,
                        analysis_explanation=description,
                        recognition_metadata={name_key: r.name, id_key: r.id},
                    )
                    if validation is not None:
                        result.score = max_score if validation else min_score
                    invalidation = r.invalidate_result(current)
                    if invalidation is not None and invalidation:
                        result.score = min_score
                    if result.score > min_score:
                        results.append(result)
                    description.score = result.score
            except TimeoutError:
                log.warning(
                    "Regex pattern '%s' timed out after %s seconds, skipping.", pattern.name, timeout, exc_info=True
                )
        return EntityRecognizer.remove_duplicates(results) if results else []

    return analyze


def install(recognizers) -> list[str]:
    """Give every ``plain`` pattern recognizer its lean ``analyze``; returns their names. Run it before
    any gate wraps ``analyze`` (gates call whatever ``analyze`` they find)."""
    changed = []
    for r in recognizers:
        if plain(r):
            r.analyze = lean_analyze(r)
            changed.append(r.name)
    return changed
