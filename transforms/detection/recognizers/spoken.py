"""Spoken forms in transcripts: e-mail addresses read out ("john dot smith at example dot org") and
digit sequences read out ("five five five oh one two three")."""

from __future__ import annotations

from typing import ClassVar

import regex

from transforms.detection.recognizers.base import TIMEOUT_SECONDS, CodeRecognizer, finditer, words_alt

TOKEN = r"[a-z0-9][a-z0-9_-]*"


class SpokenEmailRecognizer(CodeRecognizer):
    """``local (dot|underscore|dash local)* (at|@) domain (dot domain)* dot tld``; case-insensitive.

    Also the obfuscated written forms: ``(at)``/``[at]``/``{dot}``, spaces around ``@`` and ``.``
    ("name . surname @ host . com") and an ideographic full stop ("。") in the domain."""

    KIND: ClassVar = "spoken_email"

    def __init__(self, name, entity, options, context=None) -> None:
        super().__init__(name, entity, options, context)
        tlds = words_alt(options.get("tlds", ["com", "org", "net"]))
        br_dot = r"[ \t]*[(\[{<][ \t]*dot[ \t]*[)\]}>][ \t]*"
        dot = rf"(?:[ \t]+dot[ \t]+|{br_dot}|[ \t]*[.\u3002\uff0e\uff61][ \t]*)"
        joiner = rf"(?:[ \t]+(?:dot|underscore|dash|hyphen)[ \t]+|{br_dot}|[ \t]*\.[ \t]*|[_-])"
        at = r"(?:[ \t]+at[ \t]+|[ \t]*[(\[{<][ \t]*at[ \t]*[)\]}>][ \t]*|[ \t]*[@\uff20][ \t]*)"
        tail = rf"{at}{TOKEN}(?:{dot}{TOKEN}){{0,2}}?{dot}(?:{tlds})\b"
        self.re = regex.compile(rf"\b{TOKEN}(?:{joiner}{TOKEN}){{0,3}}{tail}", regex.IGNORECASE)
        # every match ends with a match of ``tail`` (it holds no lookbehind): texts without one are skipped
        self.tail_re = regex.compile(tail, regex.IGNORECASE)
        self.score = options.get("score", 0.8)

    def analyze(self, text, entities, nlp_artifacts=None):
        if not self._has_tail(text):
            return []
        return [self.result(m.start(), m.end(), self.score) for m in finditer(self.re, text, self.name)]

    def _has_tail(self, text: str) -> bool:
        try:
            return self.tail_re.search(text, timeout=TIMEOUT_SECONDS) is not None
        except TimeoutError:
            return True  # undecided: the full scan decides (and reports its own timeout)


class SpokenNumberRecognizer(CodeRecognizer):
    """At least ``min_digits`` digits spoken as words (zero/oh/one..nine, double/triple X), or mixed."""

    KIND: ClassVar = "spoken_number"
    DIGITS: ClassVar = {
        "zero": 1, "oh": 1, "o": 1, "one": 1, "two": 1, "three": 1, "four": 1, "five": 1, "six": 1,
        "seven": 1, "eight": 1, "nine": 1,
    }  # fmt: skip

    def __init__(self, name, entity, options, context=None) -> None:
        super().__init__(name, entity, options, context)
        words = words_alt(list(self.DIGITS))
        unit = rf"(?:(?:double|triple)[ \t-]+)?(?:{words}|\d)"
        self.re = regex.compile(rf"\b{unit}(?:[ \t,-]+{unit})+\b", regex.IGNORECASE)
        self.word_re = regex.compile(rf"(?:double|triple)|{words}|\d", regex.IGNORECASE)
        self.min_digits = options.get("min_digits", 7)
        self.score = options.get("score", 0.6)

    def analyze(self, text, entities, nlp_artifacts=None):
        out = []
        for m in finditer(self.re, text, self.name):
            if self._count(m.group(0)) >= self.min_digits:
                out.append(self.result(m.start(), m.end(), self.score))
        return out

    def _count(self, s: str) -> int:
        n, mult = 0, 1
        for w in self.word_re.findall(s.lower()):
            if w in ("double", "triple"):
                mult = 2 if w == "double" else 3
                continue
            n += mult
            mult = 1
        return n
