"""Evidence from running prose (Beam-free): mid-sentence capitals, and span boundaries.

Two general methods for names in cased prose (encyclopedic text, court decisions, e-mails):

- ``prose_capitals`` (method ``prose_caps_evidence``): inside a sentence of running prose (enough
  lowercase words that capitals are not a heading's or a UI's), a word capitalized in mid-sentence is a
  proper noun, whatever its frequency as a common word ("the Assembly", "led Unity", "Mirela Ostrova").
  This is the evidence that overrides the common-word guard for NER spans. It never applies to the
  first word of a sentence, to headings (title-case or ALL-CAPS lines), or to short lines.
- ``repair_boundaries`` (method ``boundary_repair``): a detected PERSON/ORGANIZATION/LOCATION/NRP span
  grows over the adjacent capitalized tokens of the same name ("Marguerite Halloway" + "Vellacott", "DJ" +
  "Khaled", a regnal numeral "II", "Jr"), over name particles between capitalized parts ("Oe no
  Sadamori", "Pere Vilaró i Casals"), and over "of/for" + capitalized words after an organisation
  or a place head ("Farmers Union Party" + "of Eastmark", "Principality" + "of Varnia"). A span
  never grows across a sentence boundary, a comma, a bracket, or onto a sentence's first word.

Privacy contract: both only add or widen spans (leak-safe); nothing is logged or returned but offsets.
"""

from __future__ import annotations

import bisect
import functools

import regex

from transforms.record import Span

TOKEN_RE = regex.compile(r"[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'\u2019.\-]*")
# a full stop after an initial or a common abbreviation ("R. J. Mortlake", "Dr. Smith") ends no sentence; a tab
# or a run of spaces does (a layout gap: flattened columns, CV and form lines)
SENTENCE_END_RE = regex.compile(
    r"(?<!\b(?:\p{Lu}|Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Col|Lt|Sgt|Rev|Hon|No|vs|etc|e\.g|i\.e))[.!?:;](?=\s)|\n|\t|[ ]{2,}"
)
ROMAN_RE = regex.compile(r"^(?:I{2,3}|IV|V|VI{1,3}|IX|X{1,3})$")  # not "I": the pronoun
NAME_ENTITIES = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NRP"})
# lowercase particles inside personal names (Romance, Germanic, Dutch, Arabic, Japanese conventions)
NAME_PARTICLES = frozenset(
    {"de", "da", "di", "do", "dos", "das", "del", "della", "der", "den", "van", "von", "zu", "la", "le", "du"}
    | {"y", "i", "e", "al", "el", "bin", "ibn", "ben", "no", "af", "ter", "ten", "des", "et", "und", "für", "pour"}
    | {"dei", "delle", "degli"}
)
NAME_SUFFIXES = frozenset({"Jr", "Jr.", "Sr", "Sr.", "Snr", "Jnr"})
# "X of Y" / "X for Y": after these heads the prepositional phrase belongs to the name
OF_WORDS = frozenset({"of", "for"})
PLACE_HEADS = frozenset(
    {"Kingdom", "Republic", "Principality", "Duchy", "Grand", "Empire", "Province", "County", "State", "Emirate"}
    | {"Sultanate", "Commonwealth", "Federation", "Territory", "Canton", "Governorate", "Diocese", "Colony"}
    | {"Isle", "Island", "Islands", "Gulf", "Bay", "Lake", "Mount", "City", "Port", "University", "College"}
)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) holding ``text[start:end]``: cut at . ! ? : ; before whitespace, at line
    breaks, tabs and runs of spaces; at most 400 characters on each side."""
    starts, ends = _boundaries(text)
    i = bisect.bisect_right(ends, start) - 1
    lo = ends[i] if i >= 0 and ends[i] >= start - 400 else 0
    j = bisect.bisect_left(starts, end)
    return lo, (starts[j] if j < len(starts) and starts[j] <= end + 400 else min(len(text), end + 400))


@functools.lru_cache(maxsize=4)  # the texts being repaired now; no more are held
def _boundaries(text: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of every sentence boundary of ``text`` (computed once per text)."""
    found = [(m.start(), m.end()) for m in SENTENCE_END_RE.finditer(text)]
    return [a for a, _ in found], [b for _, b in found]


@functools.lru_cache(maxsize=256)  # keyed by the sentence (800 characters at most), not the document
def _prose_at(sentence_text: str, min_lower_words: int) -> bool:
    sentence = [w for w in TOKEN_RE.findall(sentence_text) if w[0].isalpha()]
    lower = [w for w in sentence if w[0].islower()]
    return len(lower) >= min_lower_words and 3 * len(lower) >= len(sentence)


def prose_capitals(text: str, start: int, end: int, stop: set[str], min_lower_words: int = 4, cue: bool = True) -> bool:
    """True when ``text[start:end]`` is capitalized in mid-sentence in running prose: every non-stop word
    of the span starts upper case and is not ALL-CAPS-only text, the span is not the sentence's first word,
    and the sentence has ``min_lower_words`` lowercase words that are at least a third of its words (a
    heading, a title-case menu or a list of names is not running prose)."""
    lo, hi = sentence_bounds(text, start, end)
    words = [w for w in TOKEN_RE.findall(text[start:end]) if any(c.isalpha() for c in w)]
    content = [w for w in words if w.lower() not in stop]
    if not content or not all(w[0].isupper() for w in content):
        return False
    first = TOKEN_RE.search(text, lo, hi)
    if first is None or first.start() >= start:
        return False  # the sentence's first word: capitalized by position, not by name
    if text[end:].lstrip(" \t")[:1] == ":":
        return False  # a field label or a title before its subtitle ("see Quiet Waters: ...")
    if not is_prose(text, lo, hi, min_lower_words):
        return False
    prev = regex.search(r"([\p{L}]+)[ \t]*$", text[lo:start])
    return words[0].lower() == "the" or (prev is not None and prev.group(1).lower() == "the") or cue


# nouns that name a work or a medium: a capitalized run beside one is a title, not an organisation
WORK_NOUNS = frozenset(
    {"magazine", "journal", "newspaper", "novel", "novella", "book", "film", "movie", "album", "song", "poem"}
    | {"play", "opera", "series", "show", "column", "issue", "episode", "story", "stories", "collection"}
    | {"anthology", "essay", "article", "painting", "documentary", "programme", "program", "single", "record"}
    | {"entitled", "titled"}
)
YEAR_AFTER_RE = regex.compile(r"[ \t]*\([ \t]*\d{4}")
WORD_BEFORE_RE = regex.compile(r"([\p{L}]+)[ \t]*,?[ \t]*$")
WORD_AFTER_RE = regex.compile(r"[ \t]*([\p{L}]+)")


def title_of_work(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` reads as the title of a work: a year in brackets right after it ("Quiet Rivers
    (1961)"), or a work noun just before or after it ("the magazine Harbour Lights", "Harbour Lights
    magazine", "an issue of Harbour Lights")."""
    if YEAR_AFTER_RE.match(text, end):
        return True
    before = WORD_BEFORE_RE.search(text, max(0, start - 30), start)
    prev = before.group(1).lower() if before else ""
    if prev == "of":
        before = WORD_BEFORE_RE.search(text, max(0, before.start() - 30), before.start())
        prev = before.group(1).lower() if before else ""
    after = WORD_AFTER_RE.match(text, end)
    return prev in WORK_NOUNS or (after is not None and after.group(1).lower() in WORK_NOUNS)


def is_prose(text: str, lo: int, hi: int, min_lower_words: int = 4) -> bool:
    """``text[lo:hi]`` reads as running prose: ``min_lower_words`` lowercase words, a third of all words."""
    return _prose_at(text[lo:hi], min_lower_words)


def _capitalized(word: str) -> bool:
    """A name-like token: Title case ("Fisher", "Sànchez", "Ade-Okonkwo"), a regnal numeral or a suffix."""
    if ROMAN_RE.match(word) or word in NAME_SUFFIXES:
        return True
    return word[0].isupper() and any(c.islower() for c in word[1:]) and "." not in word


def _next_token(text: str, pos: int, hi: int):
    """The token right after ``pos`` when only one or two spaces lie between (no punctuation), else None."""
    m = TOKEN_RE.match(text, pos + 1, hi) if text[pos : pos + 1] == " " else None
    if m is None and text[pos : pos + 2] == "  ":
        m = TOKEN_RE.match(text, pos + 2, hi)
    return m


def _grow_right(text: str, end: int, hi: int, label: str, stop: set[str], heads: set[str], common) -> int:
    if text[max(0, end - 2) : end] in ("'s", "\u2019s"):
        return end  # a possessive ends the name: "Ana Ruiz's Collected Letters"
    while True:
        m = _next_token(text, end, hi)
        if m is None:
            return end
        word = m.group(0).rstrip(".") if m.group(0) not in NAME_SUFFIXES else m.group(0)
        if (
            ROMAN_RE.match(word)
            or word in NAME_SUFFIXES
            or (_capitalized(word) and word.lower() not in stop and (not common(word) or word in heads))
        ):
            end = m.start() + len(word)
            continue
        if not _connects(text, end, word, label, hi, heads):
            return end
        nxt = _next_token(text, m.start() + len(word), hi)
        if nxt is not None and nxt.group(0) == "the" and word in OF_WORDS:
            nxt = _next_token(text, nxt.end(), hi)
        if nxt is None or not _capitalized(nxt.group(0).rstrip(".")) or nxt.group(0).lower() in stop:
            return end
        end = nxt.start() + len(nxt.group(0).rstrip("."))


def _connects(text: str, end: int, word: str, label: str, hi: int, heads: set[str]) -> bool:
    """May the name go on over ``word`` (a lowercase connector) after ``text[:end]``? Particles always;
    "of"/"for" after an organisation or a place head ("Fund for", "Kingdom of"); "and" in an organisation
    name only when the capitalized words after it end in a head noun ("Rural Democratic and Crofters Party")."""
    if word in NAME_PARTICLES:
        return True
    if word in OF_WORDS:
        last = TOKEN_RE.findall(text[max(0, end - 40) : end])
        return label == "ORGANIZATION" or bool(last and (last[-1] in heads or last[-1] in PLACE_HEADS))
    if word in ("and", "&") and label == "ORGANIZATION":
        after = regex.match(
            r"\s+(?:\p{Lu}[\p{L}\p{M}'\u2019\-]*\s+){0,3}(\p{Lu}[\p{L}\p{M}]*)", text[end + 1 + len(word) : hi]
        )
        return after is not None and after.group(1) in heads
    return False


PREV_WORD_RE = regex.compile(r"(?:^|(?<=\s))(\p{Lu}\.|[\p{L}\p{M}][\p{L}\p{M}'\u2019\-]*) {1,2}$")
HEAD_BEFORE_RE = regex.compile(r"(\p{Lu}[\p{L}\p{M}]+) {1,2}$")


def _grow_left(text: str, start: int, lo: int, stop: set[str], heads: set[str], common) -> int:
    while start > lo + 1:
        base = max(lo, start - 60)
        m = PREV_WORD_RE.search(text[base:start])
        if m is None:
            return start
        word = m.group(1)
        first = TOKEN_RE.search(text, lo, start)
        if first is not None and first.start() == base + m.start(1) and len(word) > 2 and word not in OF_WORDS:
            return start  # never onto the sentence's first word
        initial = len(word) == 2 and word[1] == "." and word[0].isupper()
        if word in OF_WORDS:  # "Principality of" + "Varnia", "University of" + "Leeds"
            hb = max(lo, base + m.start(1) - 40)
            head = HEAD_BEFORE_RE.search(text[hb : base + m.start(1)])
            if head is None or not (head.group(1) in heads or head.group(1) in PLACE_HEADS):
                return start
            start = hb + head.start(1)
            continue
        if not initial and not (_capitalized(word) and word.lower() not in stop and not common(word)):
            return start
        start = base + m.start(1)
    return start


def repair(text: str, spans: list[Span], stop: set[str], heads: set[str], common, methods) -> list[Span]:
    """The prose methods switched on in ``methods``: boundary repair, then list coordination. A name span
    whose words are all common (kept on the evidence of its capitals alone) is demoted below the
    propagation score first, so it neither propagates nor anchors a list."""
    if methods.prose_caps_evidence:
        spans = [_demote(text, s, stop, heads, common) for s in spans]
    if methods.boundary_repair:
        spans = repair_boundaries(text, spans, stop, heads, common)
    if methods.list_coordination:
        spans = spans + coordinate(text, spans, stop, common)
    if methods.acronym_apposition:
        spans = spans + defined_acronyms(text, spans)
    if methods.boundary_repair:
        spans = [_address_numbers(text, s) for s in spans]
    return spans


NUMBER_BEFORE_RE = regex.compile(r"(?:^|(?<=[ \t>]))\d{1,6}[ \t]$")
CODE_AFTER_RE = regex.compile(r"(?:,?[ \t]+\p{Lu}{2,3})?,?[ \t]+(\d{3,6}(?:[ \t]\d{2})?)(?![\p{L}\p{N}])")


def _address_numbers(text: str, s: Span) -> Span:
    """An address grows over the numbers written against it on the same line: a building or lot number
    before a house number ("14 27 Harbour Road"), a postcode after the place, with or without a region
    code ("Lakeview, QX 40217")."""
    if s.label != "LOCATION":
        return s
    start, end = s.start, s.end
    if any(c.isdigit() for c in text[start:end]):  # an address, not a bare place name
        m = NUMBER_BEFORE_RE.search(text, max(0, start - 8), start)
        start = m.start() if m else start
    m = CODE_AFTER_RE.match(text, end)
    if m and not (len(m.group(1)) == 4 and m.group(1)[:2] in ("19", "20")):  # "Lisbon 2019": a year
        end = m.end(1)
    return Span(start, end, s.label, s.score) if (start, end) != (s.start, s.end) else s


WEAK_SCORE = 0.5


def _demote(text: str, s: Span, stop: set[str], heads: set[str], common) -> Span:
    if s.label not in ("PERSON", "ORGANIZATION") or s.score <= WEAK_SCORE:
        return s
    words = [w for w in TOKEN_RE.findall(text[s.start : s.end]) if any(c.isalpha() for c in w)]
    content = [w for w in words if w.lower() not in stop]
    if not content or not all(common(w) for w in content):
        return s
    if s.label == "ORGANIZATION" and len(content) >= 2 and any(w in heads for w in content):
        return s  # a head noun is evidence of its own ("Crofters Party")
    return Span(s.start, s.end, s.label, WEAK_SCORE)


def repair_boundaries(text: str, spans: list[Span], stop: set[str], heads: set[str], common) -> list[Span]:
    """Name spans grown over the adjacent tokens of the same name, in running prose only (see module doc).
    ``common(word)`` tells a common English word that is not a name: never grown over ("President",
    "Member"), except an organisation head on the right ("Union", "Party")."""
    out = []
    for s in spans:
        if s.label not in NAME_ENTITIES or not text[s.start : s.end].strip():
            out.append(s)
            continue
        lo, hi = sentence_bounds(text, s.start, s.end)
        if not is_prose(text, lo, hi):
            out.append(s)
            continue
        end = _grow_right(text, s.end, hi, s.label, stop, heads, common)
        start = _grow_left(text, s.start, lo, stop, heads, common)
        label = s.label
        if label == "NRP" and end > s.end:
            tail = TOKEN_RE.findall(text[s.end : end])
            label = "ORGANIZATION" if any(w in heads for w in tail) else label
        out.append(Span(start, end, label, s.score) if (start, end) != (s.start, s.end) else s)
    return out


_CAP = r"\p{Lu}(?:\.|[\p{L}\p{M}'\u2019\-]*)"  # a word or an initial
_LINK = r"(?:of|for|on|the|de|du|des|la|le|di|del|van|von|der|al|y|i)"
ITEM = rf"{_CAP}(?: (?:{_LINK} ){{0,2}}{_CAP}){{0,4}}"  # single spaces: a layout gap ends the item
SEP = r"(?: ?, (?:(?:and|or) )?| (?:and|or|&) )(?:the )?"
LIST_RE = regex.compile(rf"(?<![\p{{L}}\p{{M}}\p{{N}}]){ITEM}(?:{SEP}{ITEM})+(?![\p{{L}}\p{{M}}\p{{N}}])")
ITEM_RE = regex.compile(ITEM)
COORDINATED = ("PERSON", "ORGANIZATION", "LOCATION")


def coordinate(text: str, spans: list[Span], stop: set[str], common, min_score: float = 0.6) -> list[Span]:
    """Spans for the other items of a coordinated list of capitalized names ("Arvo, Tellen Bank and the
    Morrow Trust"): when ``min_items`` of its items are detected names of one label, every other item gets
    that label; an item made only of common words also needs running prose and a mid-sentence position.
    Items already partly covered are covered whole. Returns the new spans only."""
    named = [s for s in spans if s.label in COORDINATED and s.score >= min_score]
    if not named:
        return []
    out = []
    for m in LIST_RE.finditer(text, timeout=5):
        items = [it for it in ITEM_RE.finditer(text, m.start(), m.end()) if it.group(0).lower() not in stop]
        hits: dict[int, str] = {}
        weight: dict[str, float] = {}
        for i, it in enumerate(items):
            for s in named:
                if s.start < it.end() and it.start() < s.end:
                    hits[i] = s.label
                    weight[s.label] = weight.get(s.label, 0.0) + s.score
        if not hits or len(items) < 2:
            continue
        if len(items) == 2 and not regex.search(r"\b(?:and|or)\b|&", text[items[0].end() : items[1].start()]):
            continue  # "Lakeview, QX": an apposition, not a list
        labels = list(hits.values())
        # ties: the higher total score, then the name (the same label on every run, whatever the set order)
        label = max(sorted(set(labels)), key=lambda lab: (labels.count(lab), weight[lab]))
        if labels.count(label) < (2 if len(items) > 2 else 1):
            continue
        lo, hi = sentence_bounds(text, m.start(), m.end())
        prose = is_prose(text, lo, hi)
        for i, it in enumerate(items):
            words = [w for w in TOKEN_RE.findall(it.group(0)) if w.lower() not in stop]
            if not words or (i in hits and hits[i] != label):
                continue
            if all(common(w) for w in words) and not (prose and prose_capitals(text, it.start(), it.end(), stop)):
                continue
            start = it.start()
            lead = TOKEN_RE.match(text, start)
            first = TOKEN_RE.search(text, lo, hi)
            if lead is not None and (
                lead.group(0).lower() in stop  # "The Morrow Trust": not the article
                or (first is not None and first.start() == start and common(lead.group(0)) and len(words) > 1)
            ):  # a sentence-initial common word ("Invite Tovren, ...") is not part of the first item
                start = lead.end() + 1
            out.append(Span(start, it.end(), label, WEAK_SCORE))  # found by position: does not propagate
    return out


ACRONYM_AFTER_RE = regex.compile(r"[ \t]*\([ \t]?(\p{Lu}[\p{L}.&'\-]{1,9})[ \t]?[);,]")
DEFINED_SCORE = 0.6


def defined_acronyms(text: str, spans: list[Span]) -> list[Span]:
    """An acronym in brackets right after a detected name is that name ("Green Reform Union (GRU)",
    "Sozialdemokratische Partei Österreichs ( SPÖ )"): same label, a score that propagates, so the
    acronym is redacted everywhere in the document. It needs 2+ capitals and its first letter among
    the initials of the name; a role after a person ("Ana Ruiz (CEO)") has none of those initials."""
    out = []
    for s in spans:
        if s.label not in ("ORGANIZATION", "LOCATION", "PERSON") or s.score < DEFINED_SCORE:
            continue
        m = ACRONYM_AFTER_RE.match(text, s.end)
        if m is None:
            continue
        acro = m.group(1)
        initials = {w[0] for w in TOKEN_RE.findall(text[s.start : s.end]) if w[0].isupper()}
        if sum(c.isupper() for c in acro) >= 2 and acro[0] in initials:
            out.append(Span(m.start(1), m.end(1), s.label, DEFINED_SCORE))
    return out
