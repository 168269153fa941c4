"""YAML pattern recognizers: Presidio ``PatternRecognizer`` plus an optional checksum validator."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from transforms.detection.recognizer_config import RecognizerSpec, resolve_validator

DEFAULT_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE


class ValidatedPatternRecognizer(PatternRecognizer):
    """Matches failing ``validator`` (e.g. Luhn, IBAN mod-97, any python-stdnum ``is_valid``) are dropped."""

    def __init__(self, spec: RecognizerSpec) -> None:
        flags = DEFAULT_FLAGS & ~regex.IGNORECASE if spec.flags == "case_sensitive" else DEFAULT_FLAGS
        super().__init__(
            supported_entity=spec.supported_entity,
            name=spec.name,
            supported_language=spec.supported_language,
            patterns=[Pattern(p.name, p.regex, p.score) for p in spec.patterns] or None,
            deny_list=list(spec.deny_list) or None,
            context=list(spec.context) or None,
            global_regex_flags=flags,
        )
        self._validator = resolve_validator(spec.validator) if spec.validator else None

    def validate_result(self, pattern_text: str):
        if self._validator is None:
            return None
        compact = regex.sub(r"[\s./_-]", "", pattern_text)
        try:
            return bool(self._validator(compact))
        except Exception:  # stdnum raises on malformed input: treat as invalid
            return False


def build(spec: RecognizerSpec):
    if spec.type == "pattern":
        return ValidatedPatternRecognizer(spec)
    from transforms.detection.recognizers import REGISTRY

    return REGISTRY[spec.type].from_spec(spec)
