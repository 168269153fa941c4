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

import regex

# a word of a name-like phrase (letters, digits, apostrophes, "&" as in "A&M")
NAME_WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}'\u2019&]+")
# lowercase words that join the parts of an organisation or place name ("Bank of X", "Ciencia y Arte")
NAME_CONNECTORS = frozenset(
    ["of", "and", "&", "the", "for", "at", "de", "du", "des", "la", "le", "di", "da", "von", "van", "y", "et"]
)
# the narrower subset that joins the words of an organisation-name run (org_shapes): name particles of
# persons ("von", "van", "di", "da", "le", "des") and foreign conjunctions ("y", "et") stay out
ORG_CONNECTORS = frozenset(["of", "and", "&", "the", "for", "at", "de", "du", "la"])


def word_set(block: str) -> frozenset[str]:
    """The whitespace-separated words of a word-list block (the modules' own small lists)."""
    return frozenset(block.split())


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


@functools.lru_cache(maxsize=8)
def place_names(countries: bool = True, regions: bool = True, single_word: bool = False) -> frozenset[str]:
    """Case-folded names of ``data/places.yaml`` (countries and/or first-level regions), a leading "the "
    dropped; ``single_word`` keeps only one-word names. The one reader of the place gazetteer."""
    from transforms.detection.word_lists import load_places

    places = load_places()
    names = (places["countries"] if countries else []) + (places["regions"] if regions else [])
    return frozenset(place_key(p) for p in names if not (single_word and " " in p))


def place_key(value: str) -> str:
    """How a span is compared with ``place_names``: stripped, case-folded, without a leading "the "."""
    v = value.strip().casefold()
    return v[4:] if v.startswith("the ") else v


def is_name_token(word: str) -> bool:
    w = word.lower()
    return w in first_names() or w in surnames()


LATIN_NAME_RE = regex.compile(r"^[\p{Latin}][\p{Latin}\p{M}'\u2019-]+$")


@functools.lru_cache(maxsize=1)
def _faker_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Case-folded first names and last names of every Faker person provider locale (Faker, MIT: public
    per-locale name lists, some with frequency weights), Latin script only. Lists of names, not people."""
    import importlib
    import pkgutil

    import faker.providers.person as person

    firsts: set[str] = set()
    lasts: set[str] = set()
    for info in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{info.name}").Provider
        for attr, dest in (("first_names", firsts), ("last_names", lasts)):
            values = next((k.__dict__[attr] for k in provider.__mro__ if attr in k.__dict__), ())
            if isinstance(values, (dict, list, tuple, set, frozenset)):
                dest.update(v.casefold() for v in values if isinstance(v, str) and LATIN_NAME_RE.match(v))
    return frozenset(firsts), frozenset(lasts)


def faker_first_names() -> frozenset[str]:
    """Faker's first names of all locales (Latin script, case-folded)."""
    return _faker_lists()[0]


@functools.lru_cache(maxsize=1)
def faker_names() -> frozenset[str]:
    """Faker's first and last names of all locales (Latin script, case-folded)."""
    firsts, lasts = _faker_lists()
    return firsts | lasts
