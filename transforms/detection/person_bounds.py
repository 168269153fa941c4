"""Person-span boundaries (method ``person_boundaries``, Beam-free): the name, not its title or field.

NER, propagation and prose repair all produce PERSON spans; whichever made them, a span can hold more than the
name: an honorific, rank or role before it ("Officer X", "Cllr X", "DC X", "Dr. X", "his teacher Mrs X"), a
field label at the start of its line ("Name: X", the label inside the span), or the next line (a span that ran
over a line break into the following field). This step runs last, on every PERSON span:

1. a span crossing a line break is cut into its lines; a line piece followed by ``:`` (a field label) is
   dropped, unless it holds a name (a speaker label "Dagny:", a Census name or a rare word): then it is kept
   as its own PERSON span (``span_cuts.field_gap_cuts`` does the same earlier for NER spans; this catches the
   spans the later steps add: blocks, propagation, repair);
2. a line-initial field label inside the span ("Name:", "Reported by:") is cut off after its colon;
3. leading title words are cut off, repeatedly ("Det. Sgt. X", "Police Constable X"), and so are the
   salutations and requests that NER sweeps into a sentence-initial name ("Dear X", "Ring X", "Email X Y";
   ``LEAD_INS``, never a word that is also a first name): the list below
   (honorifics, police and military ranks, elected and court roles, family and party roles of forms), with
   optional full stop. Short ALL-CAPS ranks (``DC``, ``PC``, ``DS``) count only in capitals (``Di`` is a
   name). A title word that is also a first name in the lexicons ("Major", "Justice", "Nana") is cut only in
   title form: with a full stop, before another title, or as a short capitals rank. Titles that form part of a
   name are NOT in the list: nobility and regnal titles and saints ("Sir", "Lord", "Lady", "Queen", "King",
   "Pope", "St."), which the dev gold keeps inside the name. Nothing is cut when the rest is one known place
   or one common English word that is not a name (a title before a place or a common word, as in a pageant
   title: the title names a thing, not a person's name).

Privacy contract: only title, label and next-line characters are removed, never a name token: a span whose
every token is a title stays whole (a lone "Major" propagated from "John Major"), unless a capitalized word
follows it (then it is the title of that name: "Officer" propagated from "Officer X Y" before "X Y"), and a
piece left without a letter is dropped only when another piece of the same span keeps the name.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.record import Span

# honorifics and ranks/roles written before a name (case-insensitive, optional full stop)
TITLES = lexicon.word_set(
    """
    mr mrs ms miss mx mister madam madame mme mlle mrs herr frau senor señor sr sra srta dr doctor prof
    professor rev revd reverend pastor rabbi imam father fr brother sister
    officer constable sergeant sgt serjeant inspector insp detective det superintendent supt chief
    corporal cpl lieutenant lt captain capt major maj colonel col general gen commander cmdr admiral
    cllr councillor councilor councilman councilwoman alderman mayor judge judges justice magistrate
    senator sen representative rep governor gov president chair chairman chairwoman chairperson
    treasurer secretary nurse midwife coach teacher principal headteacher agent witness
    mum mom mummy mommy dad daddy mother son daughter wife husband grandma grandpa grandmother grandfather
    granny nana aunt auntie uncle cousin nephew niece fiance fiancé fiancee fiancée
    """
)
# salutations and requests written before a name, not part of it ("Dear X", "Thanks X", "Ring X", "Email X Y");
# cut like a title, unless the word is also a first name in the lexicons
LEAD_INS = lexicon.word_set(
    """
    dear hi hello hey hiya thanks thank cheers attn attention cc bcc
    call ring phone text email e-mail message ping ask tell contact remind invite please
    """
)
# short rank abbreviations that count only in capitals (police and military)
CAPS_TITLES = frozenset({"PC", "DC", "DS", "DI", "DCI", "DCS", "DSU", "WPC", "PCSO", "SGT", "CPL", "LT"})
# words that are titles only before another title ("Police Constable", "Deputy Mayor")
TITLE_PREFIXES = frozenset({"police", "deputy", "vice", "assistant", "acting", "senior", "chief", "detective"})

SPEAKER_MAX_ZIPF = 5.0  # a name token rarer than this in a label ("Dagny:") marks a speaker
COMMON_ZIPF = 3.5  # a word at least this frequent in English and not a Census name is a common word
_TOKEN = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'\u2019-]*\.?")
_LABEL = regex.compile(r"^[ \t>*\u2022-]*[\p{L}][\p{L}\p{M} .'/#-]{0,40}:[ \t]*")


def trim_persons(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` with every PERSON span cut to its name (see the module docstring); other labels as is."""
    out: list[Span] = []
    for s in spans:
        if s.label != "PERSON":
            out.append(s)
            continue
        pieces = [p for p in _lines(text, s.start, s.end) if not _field_label(text, *p)] or [(s.start, s.end)]
        trimmed = [_trim(text, a, b) for a, b in pieces]
        if all(_lone_title(text, a, b) for a, b in trimmed):
            continue  # "Officer" before "Ilse Varga" (propagated as the first token of the full span)
        named = [(a, b) for a, b in trimmed if any(c.isalpha() for c in text[a:b])]
        out.extend(Span(a, b, s.label, s.score) for a, b in (named or trimmed[:1]))
    return out


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span's pieces on each line, stripped of surrounding whitespace."""
    pieces, pos = [], start
    for m in regex.finditer(r"\n", text[start:end]):
        pieces.append((pos, start + m.start()))
        pos = start + m.end()
    pieces.append((pos, end))
    return [_strip(text, a, b) for a, b in pieces if text[a:b].strip()]


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _field_label(text: str, a: int, b: int) -> bool:
    """The line piece ``text[a:b]`` is a field label (followed by ``:``) holding no name: a speaker label
    ("Dagny:") or a piece with a rare word (Zipf < ``COMMON_ZIPF``) is a name and is kept as its own span."""
    if text[b:].lstrip(" \t")[:1] != ":":
        return False
    words = [m.group(0).rstrip(".") for m in _TOKEN.finditer(text, a, b)]
    return not _names_a_speaker(text[a:b]) and all(lexicon.zipf(w) >= COMMON_ZIPF for w in words)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Cut a line-initial field label and the leading titles off ``text[a:b]`` (never its last token)."""
    line_start = text.rfind("\n", 0, a) + 1
    if not text[line_start:a].strip(" \t>*\u2022-"):  # the span opens its line: a field label may be inside
        m = _LABEL.match(text, a, b)
        if m and m.end() < b and ":" not in text[m.end() : b] and not _names_a_speaker(m.group(0)):
            a = m.end()
    tokens = list(_TOKEN.finditer(text, a, b))
    i = 0
    while i < len(tokens) - 1 and _title(tokens[i].group(0), tokens[i + 1].group(0)):
        i += 1
    if i and tokens[i].start() < b and not _title_of_thing(text[tokens[i].start() : b]):
        a = tokens[i].start()
    return _strip(text, a, b)


def _names_a_speaker(label: str) -> bool:
    """A label holding a name token that is not a very common word ("Dagny:", "Ruth Amsel:") is a speaker
    name, personal data itself: it is not cut ("Name:", "Reported by:", "Tenant:" are cut)."""
    words = [m.group(0).rstrip(".") for m in _TOKEN.finditer(label)]
    return any(lexicon.is_name_token(w) and lexicon.zipf(w) < SPEAKER_MAX_ZIPF for w in words)


def _title_of_thing(rest: str) -> bool:
    """The words after the title are one known place or one common English word that is not a name: the
    title belongs to a proper name of a thing (a pageant title before a place, "Mother Nature"), not to
    a person's name, so nothing is cut."""
    words = [m.group(0).rstrip(".") for m in _TOKEN.finditer(rest)]
    if len(words) != 1:
        return False
    w = words[0]
    if lexicon.place_key(w) in lexicon.place_names():
        return True
    return not lexicon.is_name_token(w) and lexicon.zipf(w) >= COMMON_ZIPF


def _lone_title(text: str, a: int, b: int) -> bool:
    """The span is title words only and a capitalized word follows it: a title before a name."""
    tokens = [m.group(0) for m in _TOKEN.finditer(text, a, b)]
    if not tokens or not all(_title(t, n) for t, n in zip(tokens, [*tokens[1:], "X"], strict=True)):
        return False
    nxt = regex.match(r"\.?[ \t]+(\p{Lu}[\p{L}\p{M}'\u2019-]*)", text[b:])
    return nxt is not None and not _title_of_thing(nxt.group(1))


def _title(token: str, following: str) -> bool:
    word = token.rstrip(".")
    if word in CAPS_TITLES:
        return True
    low = word.lower()
    if low in LEAD_INS:
        return not _first_name_title(low)
    if low in TITLES and not (word.isupper() and len(word) <= 3 and low not in {"mr", "mrs", "ms", "dr"}):
        return not _first_name_title(low) or _title_form(token, following)
    return low in TITLE_PREFIXES and _title(following, "")


def _first_name_title(low: str) -> bool:
    """A title word that is also a first name in the lexicons ("Major", "Justice", "Nana"): cutting it
    could leave a first name readable, so it is cut only in an unmistakable title form. "Miss" is the one
    exception: an everyday honorific, a first name only as a rare entry of the Census list."""
    return low != "miss" and (low in lexicon.first_names() or low in lexicon.faker_first_names())


def _title_form(token: str, following: str) -> bool:
    """``token`` is written as a title: abbreviated with a full stop ("Maj."), before another title ("Major
    General X"), or in the capitals of a short rank ("MAJ")."""
    word = token.rstrip(".")
    nxt = following.rstrip(".")
    named_title = nxt.lower() in TITLES or nxt in CAPS_TITLES
    return token.endswith(".") or (word.isupper() and len(word) <= 4) or named_title
