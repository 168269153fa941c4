"""Common words taken as names in lowercase text (Beam-free): the ``lower_common_words`` method.

In a lowercase (ASR, chat) segment capitals say nothing, so the re-cased view capitalizes every word that
some name list holds, and the small model then reads "my ladder" or "the fence" as a PERSON because a
Census surname list happens to hold the word. A surname list is no evidence for a word English uses every
day: in lowercase text a PERSON candidate written all in lowercase (a capital the writer typed is
evidence, even in a mostly lowercase segment) is dropped when every content word in it is a common English
word (Zipf >= the guard's ``common_word_min_zipf``), none is a Census first name, and a determiner or
possessive stands right before it ("my", "the", "a": names do not take one), unless an honorific or a
relation stands right before it ("mr baker", "my partner ivy"). A bare common surname in a request
("email matthews") stays a name, and so does a common surname (among the ``COMMON_SURNAME_RANK`` most
frequent Census surnames) that English does not use every day (Zipf < ``SURNAME_WORD_ZIPF``, the
``caps_words`` rule): "the dawson account" names someone; "my ladder" does not. "its", "this", "that" are
no determiners here: in chats "its X" is "it's X", a self-introduction. A span followed by a kin noun
("the X family", "the X twins") stays a name. ORGANIZATION spans are not judged: a first version dropped them too and
lost a person inside an organisation-labelled span of the spoken-request dev set ("<surname> news").

Privacy contract: only removes NER-style PERSON spans of lowercase segments whose words are all common,
non-first-name English words after a determiner, with no name cue; never touches pattern spans or other
labels.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.caps_words import SURNAME_WORD_ZIPF

WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}'\u2019]+")
NON_LATIN_RE = regex.compile(r"[^\p{Latin}\p{Common}\p{Inherited}]")
LABELS = frozenset({"PERSON"})
# words that announce a name right after them in speech or chat: honorifics, and relations/roles
# followed by the person's name ("my partner X", "the manager X")
NAME_CUES = lexicon.word_set(
    """mr mrs ms miss mister missus dr doctor prof professor sir madam dame lord lady rev reverend
    partner wife husband son daughter brother sister mum mom dad mother father aunt uncle nan gran grandma
    grandad grandpa cousin niece nephew friend boss colleague manager named called surname"""
)


# "its" ("its dawson" = "it's Dawson"), "this" and "that" ("that hughes bloke") often stand before a
# name in chats, so they are not counted
DETERMINERS = lexicon.word_set("a an the my your his her our their these those some any no every")
# nouns after a surname that make it a family name: "the hale family", "the okafor twins"
KIN_AFTER = lexicon.word_set("family families household households twins sisters brothers clan")
# a frequent Census surname that English does not use every day is a name (caps_words.SURNAME_WORD_ZIPF)
COMMON_SURNAME_RANK = 1000


def common_lower_name(
    value: str, before: str, stop: set[str], min_zipf: float, label: str = "ORGANIZATION", after: str = ""
) -> bool:
    """True if ``value`` (a PERSON/ORGANIZATION candidate in a lowercase segment, ``before``/``after`` the
    text just before/after it) is made only of common English words that are no first name and no frequent,
    less-common-word surname, with no name cue before it and no kin noun after it; a PERSON also needs a
    determiner or possessive right before it ("my ladder", "the fence"): a bare common surname in a
    request ("email matthews") stays a name."""
    words = [w.lower() for w in WORD_RE.findall(value) if any(c.isalpha() for c in w)]
    content = [w for w in words if w not in stop]
    if not content:
        return False
    prev = WORD_RE.findall(before.lower())[-1:]
    if prev and prev[0] in NAME_CUES:
        return False
    nxt = WORD_RE.findall(after.lower())[:1]
    if nxt and nxt[0] in KIN_AFTER:
        return False
    if label == "PERSON" and not (prev and prev[0] in DETERMINERS) and words[0] not in DETERMINERS:
        return False
    firsts = lexicon.first_names()
    surnames = lexicon.surnames(COMMON_SURNAME_RANK)
    return not any(
        NON_LATIN_RE.search(w)
        or w in firsts
        or lexicon.zipf(w) < min_zipf
        or (w in surnames and lexicon.zipf(w) < SURNAME_WORD_ZIPF)
        for w in content
    )
