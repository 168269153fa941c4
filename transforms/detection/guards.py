"""Precision guards for NER spans (Beam-free): over-redaction destroys training value.

Applied to spans of the listed recognizers (default: the statistical NER, ``SpacyRecognizer``);
pattern/checksum recognizers are not second-guessed here. A span is dropped when:
- in cased text, it is all lowercase (proper nouns are capitalized; "mission", "salesperson");
- in lowercase (ASR) text, it has no known-name and no rare word ("change light colour to blue");
- it has fewer than ``min_alnum_chars`` letters/digits;
- every word in it is a stop word or a common English word (Zipf >= ``common_word_min_zipf``) that is
  not a Census first name/surname: capitalized UI words and headings ("Settings", "Reset",
  "Account Overview") are not names;
- it is a DATE_TIME made only of relative-time words ("today", "tomorrow morning", "the last five
  minutes"): such expressions identify no one, and redacting them costs training value;
- it follows (or starts with) a UI verb ("click Save", "open Settings", "tap Reset"): a UI label;
- it looks like a unit or quantity ("5 kg", "20ms") or a product/model code ("XR-2000", "A4").
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.recognizer_config import GuardSpec

WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}'\u2019]+")
UNIT_RE = regex.compile(
    r"^\d+(?:[.,]\d+)?\s?(?:k?g|mg|µg|t|ml|l|cl|dl|km|m|cm|mm|µm|nm|mi|ft|in|yd|lbs?|oz|kb|mb|gb|tb|kib|mib|gib|"
    r"b|bits?|bytes?|hz|khz|mhz|ghz|v|mv|kv|w|kw|mw|kwh|mah|a|ma|°c|°f|c|f|k|%|px|pt|em|rem|dpi|fps|ms|s|sec|min|h|hrs?|x)$",
    regex.IGNORECASE,
)
CODE_RE = regex.compile(
    r"^(?=.*\d)(?=.*[A-Za-z])[A-Z0-9]{1,6}(?:[-/.][A-Z0-9]{1,8}){0,3}$|^[A-Z]{1,5}[- ]?\d{1,6}(?:\.\d{1,4})*[A-Z]?$"
)


class Guards:
    def __init__(self, spec: GuardSpec) -> None:
        self.spec = spec
        self.entities = set(spec.entities)
        self.recognizers = set(spec.recognizers)
        self.lowercase = set(spec.lowercase_entities)
        self.relative_dates = {w.lower() for w in spec.relative_date_words}
        self.ui_verbs = {w.lower() for w in spec.ui_verbs}
        self.stop = {w.lower() for w in spec.stop_words}

    def applies(self, recognizer: str | None) -> bool:
        return recognizer in self.recognizers

    def keep(
        self, value: str, label: str, cased_text: bool = True, analysis_value: str | None = None, before: str = ""
    ) -> bool:
        """False if a span with this text and label (from a guarded recognizer) should not be redacted.

        ``analysis_value`` is the span in the truecased analysis text of a lowercase document; ``before``
        is the text just before the span."""
        core = value.strip()
        if label in self.entities and self.ui_verbs and self._after_ui_verb(core, before):
            return False
        if label == "DATE_TIME" and self.relative_dates:
            words = WORD_RE.findall(core.lower())
            named = [w for w in words if not (w.isdigit() and len(w) <= 3)]
            if named and all(w in self.relative_dates for w in named):  # "24 hours", "the next two weeks"
                return False
        if label in self.lowercase and core and any(c.isalpha() for c in core):
            if cased_text and core == core.lower():
                return False
            if not cased_text and not self._has_name_word(analysis_value or core):
                return False
        if label not in self.entities:
            return True
        if sum(c.isalnum() for c in core) < self.spec.min_alnum_chars:
            return False
        if UNIT_RE.match(core) or CODE_RE.match(core):
            return False
        words = WORD_RE.findall(core)
        return not words or not all(self._common(w) for w in words)

    def _after_ui_verb(self, core: str, before: str) -> bool:
        words = WORD_RE.findall(core)
        prev = WORD_RE.findall(before[-30:])
        first = words[0].lower() if words else ""
        return first in self.ui_verbs or (bool(prev) and prev[-1].lower() in self.ui_verbs)

    def _has_name_word(self, value: str) -> bool:
        """Lowercase text: a proper-noun span needs a truecased name, a Census first name or a rare word."""
        for w in WORD_RE.findall(value):
            low = w.lower()
            if low in self.stop:
                continue
            if w[0].isupper() or low in lexicon.first_names() or lexicon.zipf(low) < self.spec.common_word_min_zipf:
                return True
        return False

    def _common(self, word: str) -> bool:
        w = word.lower().removesuffix("'s").removesuffix("\u2019s")
        if w in self.stop:
            return True
        if w.isdigit() or lexicon.is_name_token(w):
            return False
        return lexicon.zipf(w) >= self.spec.common_word_min_zipf
