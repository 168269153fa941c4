"""Postal addresses: street cores in several conventions, extended over the rest of the address block.

A *core* is one of: house number + name + street-type word ("12 Acheron Road"), street-type prefix +
name + number ("Rue de Virton 38", "ul. Narewska 94"), compound street name + number
("Kiannonkatu 98", "Parijsstraat 8"), a unit designator ("Apt. 237"), a PO box or a military address.
A bare "number Name number" core counts only when the block continues (unit, next address line).
From a core the span grows forward over address-block parts separated by commas/newlines/spaces:
units, capitalized place names (up to four words), region codes, postcodes, "(Region)".
Word lists come from the YAML ``options`` so other locales can be added without code.
The cores are one alternation (``c["core"]``, the reference); they are searched one at a time
(``core_matches``: the same matches) so each can use its own fast scan, and in ASCII text the cores led by
a street word are skipped when no such word is there (``_skipped``).
"""

from __future__ import annotations

import re
from typing import ClassVar

import regex

from transforms.detection.recognizers.base import CodeRecognizer, alternation_finditer, finditer, words_alt

NAME = r"[\p{Lu}\d][\p{L}\p{M}\d'\u2019.-]*"
STOP = r"(?!(?i:the|his|her|their|our|my|your|its|this|that|we|he|she|they|please|call|phone|email|mobile|tel|fax|and|or|but)\b)"
CAPWORD = STOP + r"[\p{Lu}][\p{L}\p{M}'\u2019-]*(?:\.[\p{L}\p{M}'\u2019-]+)*"
LOWER_NAME = r"[\p{L}\d][\p{L}\p{M}\d'\u2019.-]*"
LOWER_WORD = STOP + r"[\p{L}][\p{L}\p{M}'\u2019-]*(?:\.[\p{L}\p{M}'\u2019-]+)*"
NUM = r"\d{1,6}[A-Za-z]?\b"
# Gates for ASCII text (stdlib ``re``: \w is [A-Za-z0-9_] there): the words before ".? digit", all words
TAIL_WORD = re.compile(r"\b(\w+)\.?[ \t]+(?=\d)")
WORD = re.compile(r"\w+")
AFTER, BEFORE, ENDING = 1, 2, 3  # the cores gated: "<name> Street 12", "Rue <name> 12", "Bergstraße 12"


class AddressRecognizer(CodeRecognizer):
    KIND: ClassVar = "address"

    def __init__(self, name, entity, options, context=None) -> None:
        super().__init__(name, entity, options, context)
        self.cased = self._compile(options, NAME, CAPWORD)
        self.lower = self._compile(options, LOWER_NAME, LOWER_WORD)
        self.score = options.get("score", 0.7)
        self.unit_score = options.get("unit_score", 0.5)
        self.max_parts = options.get("max_block_parts", 8)
        ctx = words_alt([w for w in (context or [])])
        self.context_re = regex.compile(rf"\b(?:{ctx})\b", regex.I) if ctx else None

    def _compile(self, options, NAME: str, CAPWORD: str) -> dict:
        after = words_alt(options.get("street_words_after", []))
        before = words_alt(options.get("street_words_before", []))
        endings = words_alt(options.get("street_word_endings", []))
        units = words_alt(options.get("unit_words", []))
        lead = r"(?:\b\d{1,6}[A-Za-z]?[ \t]+){0,2}"
        unit = rf"(?i:\b(?:{units}))\.?[ \t]*#?[ \t]*\d{{1,5}}[A-Za-z]?\b"
        cores = [
            rf"{lead}\b\d{{1,6}}[A-Za-z]?[ \t]+(?:{NAME}[ \t]+){{1,4}}(?i:(?:{after}))\b\.?(?:[ \t]+{NUM})?",
            rf"\b(?:{NAME}[ \t]+){{1,4}}(?i:(?:{after}))\b\.?[ \t]+{NUM}",
            rf"{lead}\b(?i:(?:{before}))(?:\.|\b)[ \t]+(?:[\p{{L}}\p{{M}}'\u2019.-]+[ \t]+){{0,4}}?{NUM}",
            rf"{lead}\b{CAPWORD}(?i:(?:{endings}))\b\.?[ \t]+{NUM}\.?",
            r"\b(?i:P\.?[ \t]?O\.?[ \t]+Box)[ \t]+\d{1,6}\b",
            r"\b(?:PSC|Unit|USNS|USNV|USS|USCGC)[ \t]+[\p{L}\d ]{1,30}?(?:,[ \t]*Box[ \t]+\d+)?[ \t]*\n?[ \t]*(?:APO|FPO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+\d{5}\b",
            rf"\b(?i:(?:the[ \t]+)?corner[ \t]+of)[ \t]+{NAME}(?:[ \t]+{NAME}){{0,5}}?[ \t]+(?i:and|&)[ \t]+{NAME}(?:[ \t]+{CAPWORD}){{0,4}}",
            unit,
        ]
        c = {}
        c["core"] = regex.compile("|".join(f"(?:{c})" for c in cores), regex.V1)  # the reference matcher
        c["alts"] = [regex.compile(core, regex.V1) for core in cores]
        c["gates"] = self._gates(options)
        c["generic"] = regex.compile(
            rf"\b\d{{1,6}}[ \t]+{CAPWORD}(?:[ \t]+{CAPWORD}){{0,3}}[ \t]+\d{{1,5}}[A-Za-z]?\b\.?"
        )
        c["unit"] = regex.compile(unit)
        part = "|".join(
            [
                unit,
                r"\(\p{L}+\)",
                r"\b(?=[A-Z0-9]{2})[A-Z]{0,2}\d[A-Z0-9]{0,3}(?:[ -][A-Z0-9]{2,4})?\b",
                r"\b\d{3,6}(?:-\d{3,4})?\b",
                rf"{CAPWORD}(?:[ \t-]+(?:{CAPWORD}|de|do|da|del|la|le|nad|am|an|im|sur|upon|on))*?(?:[ \t]+{CAPWORD})?(?![\p{{L}}\p{{N}}])",
            ]
        )
        sep = r"(?:[ \t]*[,\n>][ \t]*)+|[ \t]+"
        c["part"] = regex.compile(rf"(?:{sep})(?:{part})(?=[ \t]*(?:[,\n>(]|\d|$|[.?!]|[ \t]\p{{L}}))", regex.V1)
        return c

    @staticmethod
    def _gates(options) -> dict[int, object] | None:
        """Casefolded word sets for the gated cores, or None (every core runs) when a list is empty (its
        core then matches without a street word) or a word is not all word characters (the words-only
        reasoning of ``_skipped`` would not hold). ``_fold``: V1 case folding matches ASCII ``I``/``i``
        with Turkish dotless and dotted i (U+0131, U+0130), which ``str.casefold`` does not show."""
        words = {
            AFTER: {_fold(w) for w in options.get("street_words_after", [])},
            BEFORE: {_fold(w) for w in options.get("street_words_before", [])},
            ENDING: tuple({_fold(w) for w in options.get("street_word_endings", [])}),
        }
        if not all(words.values()) or not all(WORD.fullmatch(w) for group in words.values() for w in group):
            return None
        return words

    def _skipped(self, c: dict, text: str) -> frozenset[int]:
        """Cores that cannot match ASCII ``text``. In ASCII text (V1 full case folding: words as ``_fold``
        gives them; a non-ASCII word reaches ASCII letters only through casefold or Turkish i) a street word after
        the name is a whole word followed by ".? digit"; a street word before the name is a whole word;
        a street-name ending ends such a whole word. No word there means no match of that core."""
        gates = c["gates"]
        if gates is None or not text.isascii():
            return frozenset()
        tails = {w.lower() for w in TAIL_WORD.findall(text)}
        skip = set()
        if tails.isdisjoint(gates[AFTER]):
            skip.add(AFTER)
        if not any(w.endswith(gates[ENDING]) for w in tails):
            skip.add(ENDING)
        if gates[BEFORE].isdisjoint(WORD.findall(text.lower())):
            skip.add(BEFORE)
        return frozenset(skip)

    def core_matches(self, c: dict, text: str) -> list:
        """``finditer(c["core"], text)``: the same matches, each core searched alone, gated cores skipped."""
        return alternation_finditer(c["alts"], text, self.name, self._skipped(c, text))

    def analyze(self, text, entities, nlp_artifacts=None):
        from transforms.detection.recognizers.persons import is_lowercase_text

        c = self.lower if is_lowercase_text(text) else self.cased
        out = []
        for m in self.core_matches(c, text):
            is_unit = c["unit"].fullmatch(m.group(0)) is not None
            end, parts = self._extend(c, text, m.end())
            out.append(self.result(m.start(), end, self.unit_score if is_unit and not parts else self.score))
        for m in finditer(c["generic"], text, self.name):
            end, parts = self._extend(c, text, m.end())
            if parts or self._has_context(text, m.start()):
                out.append(self.result(m.start(), end, self.score))
        return out

    def _has_context(self, text: str, start: int) -> bool:
        return self.context_re is not None and self.context_re.search(text, max(0, start - 40), start) is not None

    def _extend(self, c: dict, text: str, pos: int) -> tuple[int, int]:
        parts = 0
        while parts < self.max_parts:
            m = c["part"].match(text, pos, timeout=5)
            if not m or m.end() == pos:
                break
            pos, parts = m.end(), parts + 1
        return pos, parts


def _fold(word: str) -> str:
    """``word.casefold()`` with Turkish dotless/dotted i as ``i``: in ASCII text the regex module's V1
    IGNORECASE matches U+0131 to ``I`` and U+0130 to ``i``, so a gate word must allow those (over-allowing is
    safe: the gate only skips a core when no allowed word is present)."""
    return word.casefold().replace("i\u0307", "i").replace("\u0131", "i")
