"""Word statistics used by name heuristics and precision guards (loaded once, cached).

- Person-name gazetteer: the US Census Bureau 1990 name files (public domain) as shipped by the
  ``names`` package (MIT): first names (male + female) and surnames, with their frequency ranks.
  Census frequency lists of names, not records of people.
- Word frequency: ``wordfreq`` (Apache-2.0 code; data CC-BY-SA 4.0), Zipf scale (about 0-8; a word
  seen once per million words has Zipf 3). Used to tell common words from rare tokens.
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    return frozenset(_read("dist.male.first") | _read("dist.female.first"))


@functools.lru_cache(maxsize=4)
def surnames(max_rank: int = 20000) -> frozenset[str]:
    return frozenset(_read("dist.all.last", max_rank))


def _read(name: str, max_rank: int | None = None) -> set[str]:
    out: set[str] = set()
    text = resources.files("names").joinpath(name).read_text(encoding="ascii")
    for i, line in enumerate(text.splitlines()):
        if max_rank is not None and i >= max_rank:
            break
        word = line.split(" ", 1)[0].strip().lower()
        if word:
            out.add(word)
    return out


@functools.lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency of ``word`` (lowercased) in English; 0 when unknown."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


def is_name_token(word: str) -> bool:
    w = word.lower()
    return w in first_names() or w in surnames()
