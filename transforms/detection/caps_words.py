"""Shouted headings made of rare but ordinary English words (Beam-free): the ``caps_derived_words`` method.

In ALL-CAPS text capitals say nothing, so the NER guard keeps a PERSON/ORGANIZATION/NRP span only with a
first name or a word English hardly knows. Headings of notices, forms and clinical or legal documents
are full of words that are rare yet plainly ordinary English: derived nouns and adjectives ("ADJUDICATION",
"REINSTATEMENT", "UNSCHEDULED", "NONCOMPLIANCE"). Their suffix tells them from names and brands, which frequency
cannot (a brand and a derived noun share a Zipf of 2-3). A span in an ALL-CAPS segment is dropped when
every content word (3+ letters, not a stop word) is either a common English word (Zipf >= the guard's
``common_word_min_zipf``) or a derived word (an English derivational suffix and Zipf >= ``KNOWN_ZIPF``),
at least one is derived, and none is a Census or Faker name (a listed name that English uses far more as a
word, Zipf >= 5.0 for first names and 4.5 for surnames: "FILE", "MAY", counts as a word).

The same test keeps ALL-CAPS headings out of contact blocks (``blocks.contact_block_spans``).

Privacy contract: only removes NER PERSON/ORGANIZATION/NRP spans of ALL-CAPS segments whose words are all
ordinary English by that test; a span with a name, an unknown word or an organisation head is kept (the
caller checks heads).
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon

WORD_RE = regex.compile(r"\p{L}+")
KNOWN_ZIPF = 1.5
COMMON_ZIPF = 3.3  # the guards' default common_word_min_zipf (recognizers.yaml)
FIRST_NAME_WORD_ZIPF, SURNAME_WORD_ZIPF = 5.0, 4.5
LABELS = frozenset({"PERSON", "ORGANIZATION", "NRP"})
# derivational suffixes of English nouns, adjectives and participles (longest first is not needed: any match)
SUFFIX_RE = regex.compile(
    r"(?:tion|sion|ment|ness|ity|ities|ance|ence|ancy|ency|ised|ized|ising|izing|isation|ization|able|ible|"
    r"ical|ally|ously|ous|ive|ives|ship|hood|less|ful|ings|ated|ating|ator|ators|ism|ist|ists|ure|ures)$",
    regex.IGNORECASE,
)


def shouted_ordinary(value: str, stop: set[str], common_zipf: float = COMMON_ZIPF) -> bool:
    """True if ``value`` (an ALL-CAPS span) is made only of common and derived English words, at least
    one derived, none a known name (module docstring)."""
    words = [w.lower() for w in WORD_RE.findall(value) if len(w) >= 3]
    content = [w for w in words if w not in stop]
    if not content:
        return False
    derived = False
    for w in content:
        z = lexicon.zipf(w)
        if _name(w, z):
            return False
        if z >= common_zipf:
            continue
        if z >= KNOWN_ZIPF and SUFFIX_RE.search(w):
            derived = True
            continue
        return False
    return derived


def _name(word: str, zipf: float) -> bool:
    """A name by the lists, unless English uses the word far more as a word ("FILE", "MAY", "WILL")."""
    if word in lexicon.first_names():
        return zipf < FIRST_NAME_WORD_ZIPF
    if word in lexicon.surnames() or word in lexicon.faker_names():
        return zipf < SURNAME_WORD_ZIPF
    return False
