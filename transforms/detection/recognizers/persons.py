"""Person names beyond spaCy NER, lexicon-light and casing-aware.

``ContextPersonRecognizer``: a name-like token after a trigger phrase ("email X", "meeting with X",
"my name is X", "Name: X", "Dr. X") or before a possessive ("X's birthday"). Name-like = not a stop
word, alphabetic, and either a Census first name/surname or a rare word (low Zipf frequency).
``GazetteerPersonRecognizer``: a Census first name followed by a surname-like token ("Rolando
Lettiere"); in cased text both must be capitalized.
"""

from __future__ import annotations

from typing import ClassVar

import regex

from transforms.detection import lexicon
from transforms.detection.letters import letter_counts
from transforms.detection.recognizers.base import CodeRecognizer, finditer, words_alt

WORD = r"[\p{L}\p{M}][\p{L}\p{M}'\u2019-]*"


CAP_RE = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{Ll}\p{M}]*")


_LOWER_MEMO: dict = {}  # (text, ratio) -> answer for the last few texts (each is asked several times)


def is_lowercase_text(text: str, max_upper_ratio: float = 0.02) -> bool:
    """ASR-style text: (almost) no capitals, ignoring "I" and known names (which truecasing capitalizes).
    The answers for the last few texts are remembered in this process only (bounded, never written)."""
    key = (text, max_upper_ratio)
    got = _LOWER_MEMO.get(key)
    if got is None:
        if len(_LOWER_MEMO) >= 32:
            _LOWER_MEMO.clear()
        got = _LOWER_MEMO[key] = _is_lowercase_text(text, max_upper_ratio)
    return got


def _is_lowercase_text(text: str, max_upper_ratio: float) -> bool:
    letters, upper = letter_counts(text)
    if not letters:
        return False
    if upper > max_upper_ratio * letters:
        for m in CAP_RE.finditer(text):
            w = m.group(0)
            if w == "I" or lexicon.is_name_token(w):
                upper -= 1
    return upper <= max_upper_ratio * letters


class _NameTokens:
    def __init__(self, options: dict) -> None:
        self.stop = {w.lower() for w in options.get("stop_words", [])}
        self.rare_zipf = options.get("rare_max_zipf", 3.0)
        self.name_zipf = options.get("name_max_zipf", 5.5)

    def namelike(self, token: str, cased: bool) -> float:
        """0 = not a name; otherwise a confidence for this token alone."""
        t = token.rstrip("'\u2019").lower()
        if len(t) < 2 or t in self.stop or not t.replace("-", "").isalpha():
            return 0.0
        if cased and not token[0].isupper():
            return 0.0
        z = lexicon.zipf(t)
        if t in lexicon.first_names() and z < self.name_zipf:
            return 0.7
        if t in lexicon.surnames() and z < self.name_zipf - 1.0:
            return 0.6
        return 0.5 if z < self.rare_zipf else 0.0


class ContextPersonRecognizer(CodeRecognizer):
    KIND: ClassVar = "context_person"

    def __init__(self, name, entity, options, context=None) -> None:
        super().__init__(name, entity, options, context)
        self.tokens = _NameTokens(options)
        trig = words_alt(options.get("triggers", []))
        self.trigger_re = regex.compile(rf"(?:^|(?<=[^\p{{L}}]))(?:{trig})[ \t]+({WORD})(?:[ \t]+({WORD}))?", regex.I)
        nouns = words_alt(options.get("possessive_nouns", []))
        self.poss_re = regex.compile(rf"\b({WORD})(?:'s|\u2019s|s')[ \t]+(?:{nouns})\b", regex.I) if nouns else None
        self.max_upper = options.get("max_upper_ratio", 0.02)
        self.score = options.get("score", 0.6)

    def analyze(self, text, entities, nlp_artifacts=None):
        cased = not is_lowercase_text(text, self.max_upper)
        out = []
        for m in finditer(self.trigger_re, text, self.name, overlapped=True):
            conf = self.tokens.namelike(m.group(1), cased)
            if not conf:
                continue
            end = m.end(1)
            if m.group(2) and self.tokens.namelike(m.group(2), cased):
                end = m.end(2)
            out.append(self.result(m.start(1), end, min(self.score, conf)))
        if self.poss_re is not None:
            for m in finditer(self.poss_re, text, self.name):
                conf = self.tokens.namelike(m.group(1), cased)
                if conf:
                    out.append(self.result(m.start(1), m.end(1), min(self.score, conf)))
        return out


class GazetteerPersonRecognizer(CodeRecognizer):
    KIND: ClassVar = "gazetteer_person"

    def __init__(self, name, entity, options, context=None) -> None:
        super().__init__(name, entity, options, context)
        self.tokens = _NameTokens(options)
        self.re = regex.compile(rf"\b(\p{{Lu}}{WORD})[ \t]+(?:\p{{Lu}}\.?[ \t]+)?(\p{{Lu}}{WORD})\b")
        self.single_re = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}\p{Ll}+(?![\p{L}\p{M}])")
        self.pair_re = regex.compile(rf"(?<![\p{{L}}\p{{M}}])({WORD})[ \t]+({WORD})(?![\p{{L}}\p{{M}}])")
        self.score = options.get("score", 0.6)
        self.single_zipf = options.get("single_max_zipf", 0.0)
        self.single_score = options.get("single_score", 0.5)

    def analyze(self, text, entities, nlp_artifacts=None):
        out = []
        if self.single_zipf > 0 and not is_lowercase_text(text):
            for m in finditer(self.single_re, text, self.name):
                w = m.group(0).lower()
                if w in lexicon.first_names() and w not in self.tokens.stop and lexicon.zipf(w) < self.single_zipf:
                    out.append(self.result(m.start(), m.end(), self.single_score))
        if is_lowercase_text(text):
            out.extend(self._lowercase_pairs(text))
        for m in finditer(self.re, text, self.name, overlapped=True):
            first, last = m.group(1), m.group(2)
            if first.lower() not in lexicon.first_names() or first.lower() in self.tokens.stop:
                continue
            if first.isupper() or last.isupper():  # headings / acronyms
                continue
            if self.tokens.namelike(last, cased=True) or lexicon.zipf(last) < 4.0:
                out.append(self.result(m.start(), m.end(), self.score))
        return out

    def _lowercase_pairs(self, text: str):
        """ASR text: a first name followed by a surname-like token (rare word or uncommon Census surname)."""
        for m in finditer(self.pair_re, text, self.name, overlapped=True):
            first, last = m.group(1).lower(), m.group(2).lower().removesuffix("'s")
            if first in self.tokens.stop or first not in lexicon.first_names():
                continue
            if lexicon.zipf(first) >= self.tokens.name_zipf or last in self.tokens.stop or len(last) < 3:
                continue
            z = lexicon.zipf(last)
            if z < self.tokens.rare_zipf or (last in lexicon.surnames() and z < 4.0):
                yield self.result(m.start(1), m.start(2) + len(last), self.score)


class UsernameRecognizer(CodeRecognizer):
    """Handles built from a name: ``first_last87``, ``first.last``, ``First_Last``: a Census first name and a
    surname-like part (Census surname or rare word), joined by ``_`` or ``.``, optional digits. Not inside
    an e-mail address or host name (those have their own recognizers)."""

    KIND: ClassVar = "username"

    def __init__(self, name, entity, options, context=None) -> None:
        super().__init__(name, entity, options, context)
        self.re = regex.compile(r"(?<![\w@.])([A-Za-z]{2,})([._])([A-Za-z]{2,})(\d{0,4})(?![\w@]|\.\w)")
        self.score = options.get("score", 0.6)
        self.rare = options.get("rare_max_zipf", 3.0)

    def analyze(self, text, entities, nlp_artifacts=None):
        out = []
        for m in finditer(self.re, text, self.name):
            first, sep, last, digits = m.group(1).lower(), m.group(2), m.group(3).lower(), m.group(4)
            if sep == "." and not digits and not m.group(1).islower():
                continue  # "Smith.Next": a missing space after a full stop
            if first not in lexicon.first_names() or last in {"com", "org", "net"}:
                continue
            if last in lexicon.surnames() or lexicon.zipf(last) < self.rare:
                out.append(self.result(m.start(), m.end(), self.score))
        return out
