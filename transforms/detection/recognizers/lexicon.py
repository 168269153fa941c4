"""``LexiconRecognizer``: whole-word matches of a word list shipped with the package (e.g. NRP).

The list file (YAML under ``transforms/detection/data/``) has ``any_case`` words, matched in any casing,
and ``capitalized`` words, matched only when capitalized (their lowercase form is an ordinary word).
Plural and possessive forms are derived ("Saudi" -> "Saudis", "Ecuadorean" -> "ecuadoreans").
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import ClassVar

import regex
import yaml

from transforms.detection.recognizers.base import CodeRecognizer, finditer, words_alt

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@functools.lru_cache(maxsize=8)
def load_list(name: str) -> dict[str, list[str]]:
    path = DATA_DIR / name
    if path.parent != DATA_DIR or not path.is_file():
        raise ValueError(f"lexicon file {name!r} not found in {DATA_DIR.name}/")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {k: [str(w) for w in data.get(k) or []] for k in ("any_case", "capitalized")}


@functools.lru_cache(maxsize=1)
def load_places() -> dict[str, list[str]]:
    """``data/places.yaml``: country and first-level region names (location policy)."""
    data = yaml.safe_load((DATA_DIR / "places.yaml").read_text(encoding="utf-8")) or {}
    return {k: [str(w) for w in data.get(k) or []] for k in ("countries", "regions")}


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


class LexiconRecognizer(CodeRecognizer):
    OPTIONS: ClassVar = {"file": str, "score": float}

    def __init__(self, name, entity, options, context=None) -> None:
        super().__init__(name, entity, options, context)
        words = load_list(options.get("file", "nrp.yaml"))
        edge_l, edge_r = r"(?<![\p{L}\p{N}_'\u2019-])", r"(?![\p{L}\p{N}_-])"
        self.patterns = []
        for key, flags in (("any_case", regex.IGNORECASE), ("capitalized", 0)):
            alts = words_alt([f for w in words[key] for f in forms(w)])
            if alts:
                self.patterns.append(regex.compile(rf"{edge_l}(?:{alts}){edge_r}", flags))
        self.score = options.get("score", 0.6)

    @classmethod
    def check_options(cls, options) -> None:
        super().check_options(options)
        load_list(options.get("file", "nrp.yaml"))

    def analyze(self, text, entities, nlp_artifacts=None):
        return [
            self.result(m.start(), m.end(), self.score) for p in self.patterns for m in finditer(p, text, self.name)
        ]
