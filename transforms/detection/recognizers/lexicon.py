"""``LexiconRecognizer``: whole-word matches of a word list shipped with the package (e.g. NRP).

Tokens are looked up in sets (1-3 word n-grams joined by single spaces), so the cost is linear in the
text whatever the list length.

The list file (YAML under ``transforms/detection/data/``) has ``any_case`` words, matched in any casing,
and ``capitalized`` words, matched only when capitalized (their lowercase form is an ordinary word).
Plural and possessive forms are derived ("Saudi" -> "Saudis", "Ecuadorean" -> "ecuadoreans").
"""

from __future__ import annotations

from typing import ClassVar

import regex

from transforms.detection.recognizers.base import CodeRecognizer
from transforms.detection.word_lists import load_list


def forms(word: str) -> list[str]:
    """The word, its plural(s) and possessive."""
    out = [word, f"{word}'s", f"{word}\u2019s"]
    if word.endswith(("s", "sh", "ch", "x", "z")):
        out.append(f"{word}es")
    elif word.endswith("man"):
        out += [f"{word[:-3]}men", f"{word}s"]
    elif word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        out += [f"{word[:-1]}ies", f"{word}s"]
    else:
        out.append(f"{word}s")
    return out


WORD_RE = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'\u2019.-]*")


class LexiconRecognizer(CodeRecognizer):
    """Set lookups over word n-grams (1-3 words), not one large alternation: linear in the text."""

    KIND: ClassVar = "lexicon"

    def __init__(self, name, entity, options, context=None) -> None:
        super().__init__(name, entity, options, context)
        words = load_list(options.get("file", "nrp.yaml"))
        self.any_case = {f.casefold() for w in words["any_case"] for f in forms(w)}
        self.capitalized = {f for w in words["capitalized"] for f in forms(w)}
        self.max_words = max((len(f.split()) for f in self.any_case | self.capitalized), default=1)
        self.score = options.get("score", 0.6)
        # first words of the entries: a value starts with its first token, so a token that begins no
        # entry starts no match (casefold maps a space to a space and tokens hold none)
        self.first_any = {f.split(" ")[0] for f in self.any_case}
        self.first_cap = {f.split(" ")[0] for f in self.capitalized}

    def analyze(self, text, entities, nlp_artifacts=None):
        toks = [(m.start(), m.end()) for m in WORD_RE.finditer(text)]
        toks = [(s, e - (text[e - 1] in ".-")) for s, e in toks]  # a trailing full stop or hyphen is not part
        out, i = [], 0
        first_any, first_cap = self.first_any, self.first_cap
        while i < len(toks):
            word = text[toks[i][0] : toks[i][1]]
            if word not in first_cap and word.casefold() not in first_any:
                i += 1
                continue
            hit = 0
            for n in range(min(self.max_words, len(toks) - i), 0, -1):
                start, end = toks[i][0], toks[i + n - 1][1]
                if n > 1 and not all(text[toks[j][1] : toks[j + 1][0]] == " " for j in range(i, i + n - 1)):
                    continue
                value = text[start:end]
                if value.casefold() in self.any_case or value in self.capitalized:
                    out.append(self.result(start, end, self.score))
                    hit = n
                    break
            i += hit or 1
        return out
