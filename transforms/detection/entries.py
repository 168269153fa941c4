"""Entry lines of semi-structured text (Beam-free): CVs, letterheads, directories, signatures.

Such text writes an entry as a short field: "Employer, City, ST", "School - City, Region",
"Company  City, Country". Its structure is evidence where capitals are not (ALL-CAPS employers,
unknown company names). Two cues, each a method switch (``methods`` in the recognizer YAML):

- ``place_pairs``: "<place>, <region>" where the region is a US/Canadian postal code in capitals, a
  first-level region or a country of ``data/places.yaml``, or a span already detected as LOCATION;
  the place is 1-3 capitalized words with a name-like word (rare, a Census name, mixed case) or is
  already detected as a LOCATION. Both halves become LOCATION ("Harlowick, WV": HIPAA Safe Harbor
  removes towns). Common-word phrases ("Field Engineer, MA") are not places.
- ``entry_heads``: the phrase that opens a field (line start, after 2+ spaces, a tab, "|" or a bullet)
  and is followed by a separator (", ", " - ", "  ", " | ") and such a place pair is the entry's
  organisation (employer, school): ORGANIZATION, unless it overlaps a detected PERSON, is a known
  place, or is made only of common words (a job title or a heading: "Principal Data Analyst").

Spans are added after detection (like ``blocks``), with a fixed score; the overlap policy later
merges them with NER spans. Only offsets are produced; nothing is logged.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.record import Span


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# state codes that are also credentials written after a name ("Jane Roe, MD", "A. Lund, PA")
DEGREE_CODES = frozenset(["MD", "MA", "MS", "PA"])
# US states, DC and territories, Canadian provinces and territories (postal abbreviations)
STATE_CODES = _set(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AB BC MB NB NL NS NT NU ON PE QC SK "
    "YT"
)
_W = r"(?:\p{Lu}[\p{L}\p{M}\p{N}'\u2019.&-]*|\p{Ll}{1,3}\p{Lu}[\p{L}\p{M}\p{N}]*)"  # "Pune", "eClerx", "O'Neil"
COMMA_RE = regex.compile(r",[ \t]*(?=\p{Lu})")
PLACE_RE = regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{_W} ){{0,2}}{_W}$", regex.REVERSE)  # 1-3 words before ","
REGION_RE = regex.compile(rf"{_W}(?: {_W}){{0,2}}")
# a region closes its field: end of line, punctuation, a postcode or year, or a wide gap ("PA and lateral" does not)
FIELD_END_RE = regex.compile(
    r"[ \t]*(?:$|\n|[,;.)|\u2022\u25cf(/\"\u201d]|-(?!\p{L})|\d|[ \t]{2,}|\t)", regex.MULTILINE
)
WORD_RE = lexicon.NAME_WORD_RE
ABBREV_RE = regex.compile(r"^\p{Lu}[\p{Lu}\p{N}]{1,6}$")
# what separates an entry's organisation from its place: ", ", " - ", " | ", two or more spaces
SEP_RE = regex.compile(r"(?:,[ \t]*|[ \t]+[-\u2013\u2014|]+[ \t]*|[ \t]{2,}|\t)$")
# where a field starts: line start, 2+ spaces, a tab, "|", a bullet, or ": "
FIELD_START_RE = regex.compile(
    r"(?:^|\n|[ \t]{2,}|\t|[|\u2022\u25cf\u25aa\u2023\u2043\u00b7]|:[ \t])[ \t]*", regex.REVERSE
)
CONNECTORS = lexicon.NAME_CONNECTORS
LEGAL_TAIL_RE = regex.compile(r",[ \t]+(?:(?i:Inc|LLC|Ltd|Limited|Corp|PLC|LLP|GmbH)|Co|AG|SA|NV|BV)\.?(?![\p{L}])")
TOWN_ZIPF = 4.8  # big cities are frequent words; common nouns are more frequent still ("review" 5.1)
NAME_ZIPF = 4.0  # a word rarer than this is name-like (company and town names are rare words)
MAX_HEAD_WORDS, MAX_HEAD_CHARS = 7, 70


def _gazetteer() -> frozenset[str]:
    return lexicon.place_names()


def _name_like(word: str) -> bool:
    """A word that can carry a name: rare, a Census name, or mixed case ("eClerx", "NetSpend")."""
    w = word.strip(".'\u2019&-")
    if not w or w.lower() in CONNECTORS:
        return False
    if any(c.isdigit() for c in w) and any(c.isalpha() for c in w):
        return True
    if any(c.isupper() for c in w[1:]) and any(c.islower() for c in w):
        return True
    low = w.lower()
    return lexicon.zipf(low) < NAME_ZIPF or (lexicon.is_name_token(low) and lexicon.zipf(low) < 4.5)


def _person_shaped(text: str, start: int, end: int, persons: list[Span]) -> bool:
    """A place candidate that reads as a name: any detected PERSON on it, an initial ("R."), or a Census
    first name opening it."""
    if any(p.start < end and start < p.end for p in persons):
        return True
    words = WORD_RE.findall(text, start, end)
    if regex.search(r"(?<![\p{L}])\p{Lu}\.", text[start:end]):
        return True
    return len(words) >= 2 and words[0].lower() in lexicon.first_names()


def _town_like(word: str, title_nouns: frozenset[str]) -> bool:
    """The last word of a place before a region: name-like, or a city-frequency word that is not a job
    title noun ("Pittsburgh" yes, "Engineer" and "Review" no)."""
    low = word.lower()
    return _name_like(word) or (lexicon.zipf(low) < TOWN_ZIPF and low.removesuffix("s") not in title_nouns)


def _region_ok(text: str, start: int, end: int, locations: list[Span]) -> bool:
    """A postal code, a gazetteer region or country, or (weaker) exactly a detected LOCATION that closes
    a two-item pair: not a first name ("Brandt, Oskar"), not an item of a longer comma list
    ("Maven, Gradle, Ant")."""
    v = text[start:end]
    if v in STATE_CODES or v.casefold() in _gazetteer():
        return True
    if not any(s.start == start and s.end == end for s in locations) or v.lower() in lexicon.first_names():
        return False
    return not regex.match(r"[ \t]*,[ \t]*\p{Lu}", text[end : end + 8])


def place_pairs(
    text: str, spans: list[Span], title_nouns: frozenset[str] = frozenset(), score: float = 0.6
) -> list[tuple[Span, Span]]:
    """(place, region) LOCATION span pairs of "<place>, <region>" forms (see the module docstring);
    ``title_nouns`` (lowercase, recognizers.yaml ``guards.title_nouns``) end job titles, not towns."""
    locations = [s for s in spans if s.label == "LOCATION"]
    persons = [s for s in spans if s.label == "PERSON"]
    orgs = [s for s in spans if s.label == "ORGANIZATION"]
    out: list[tuple[Span, Span]] = []
    for c in COMMA_RE.finditer(text, timeout=5):
        r = REGION_RE.match(text, c.end())
        p = PLACE_RE.search(text, max(0, c.start() - 60), c.start())
        if r is None or p is None:
            continue
        region = _best_region(text, r, locations)
        if region is None:
            continue
        p_start, p_end = p.span()
        weak = (
            text[region[0] : region[1]] not in STATE_CODES
            and text[region[0] : region[1]].casefold() not in _gazetteer()
        )
        if weak and regex.search(r",[ \t]*$", text[max(0, p_start - 4) : p_start]):
            continue  # a list item ("Oracle, Tableau, Hadoop"), not a place
        if weak and any(ABBREV_RE.match(v) for v in (text[p_start:p_end], text[region[0] : region[1]])):
            continue  # abbreviations ("PERRLA, EOMI"): NER's LOCATION on a short ALL-CAPS token is no evidence
        detected = [s for s in locations if s.start < p_end and p_start < s.end]
        if detected:
            p_start = max(p_start, min(s.start for s in detected))
        elif not weak and any(s.start == p_start and s.end == p_end for s in orgs):
            pass  # NER took exactly this phrase for a name; the region after it says it is a place
        elif not _town_like(WORD_RE.findall(text, p_start, p_end)[-1], title_nouns):
            continue  # "Field Engineer, MA", "Cedar Hollow, CA" unless NER found the place
        reg = text[region[0] : region[1]]
        if (reg in STATE_CODES or reg.lower() in lexicon.first_names()) and any(
            s.start < p_end and p_start < s.end and len(WORD_RE.findall(text, s.start, s.end)) >= 2 for s in persons
        ):
            continue  # "Jane Roe, MD", "Kelly Moss, Georgia": a full name, not a town ("Tarnbury, TX" stays)
        if reg.rstrip(".") in DEGREE_CODES and _person_shaped(text, p_start, p_end, persons):
            continue  # "R. Castellanos-Moe, MD", "Tomasz Wierzbicki, MD": a credential after a name
        out.append((Span(p_start, p_end, "LOCATION", score), Span(region[0], region[1], "LOCATION", score)))
    return out


def _best_region(text: str, m: regex.Match, locations: list[Span]) -> tuple[int, int] | None:
    """The longest 1-3 word prefix of the region match that is a region (code, gazetteer, detected)."""
    r_start = m.start()
    words = list(WORD_RE.finditer(text, r_start, m.end()))
    for n in range(len(words), 0, -1):
        end = words[n - 1].end()
        value = text[r_start:end]
        if FIELD_END_RE.match(text, end) and _region_ok(text, r_start, end, locations):
            if text[end : end + 1] == "." and value in STATE_CODES:
                end += 1  # "Quenford, CO."
            return r_start, end
    return None


def entry_heads(
    text: str,
    spans: list[Span],
    pairs: list[tuple[Span, Span]],
    org_heads: frozenset[str] = frozenset(),
    title_nouns: frozenset[str] = frozenset(),
    score: float = 0.6,
) -> list[Span]:
    """ORGANIZATION spans for the field-opening phrases right before a place pair. A phrase with an
    organisation head noun or legal suffix (``org_heads``: "PLAINS TECH UNIVERSITY") needs no rare word
    and wins over a PERSON that NER found inside it ("HARLAN CORPORATION")."""
    persons = [s for s in spans if s.label == "PERSON"]
    out = []
    for place, _ in pairs:
        head = _head_before(text, place.start, org_heads, title_nouns)
        if head is None:
            continue
        start, end, headed = head
        if not headed and any(p.start <= start and end <= p.end for p in persons):
            continue  # the phrase is a detected person's name ("Maribel Ostrander  Quenford, OH")
        out.append(Span(start, end, "ORGANIZATION", score))
    return out


def _head_before(
    text: str, pos: int, org_heads: frozenset[str], title_nouns: frozenset[str]
) -> tuple[int, int, bool] | None:
    window_start = max(0, pos - MAX_HEAD_CHARS - 8)
    sep = SEP_RE.search(text, window_start, pos)
    if sep is None:
        return None
    end = sep.start()
    # the field's start: the last field boundary before the separator
    bound = FIELD_START_RE.search(text, window_start, end)
    start = bound.end() if bound is not None else window_start
    if bound is None and window_start > 0:
        return None  # no boundary within reach: a sentence, not a field
    phrase = text[start:end]
    core = LEGAL_TAIL_RE.sub("", phrase)  # "Reliable Movers, Inc." -> one name
    if not phrase or not phrase[0].isalpha() or "," in core or "\n" in phrase:
        return None
    words = WORD_RE.findall(core)
    if not words or len(words) > MAX_HEAD_WORDS or not (words[0][0].isupper() or _name_like(words[0])):
        return None
    if any(w.isdigit() for w in words):
        return None  # a street address or a date, not a name
    if any(not (w[0].isupper() or w.lower() in CONNECTORS or _name_like(w)) for w in words):
        return None  # lowercase running words: prose
    if phrase.strip().casefold() in _gazetteer():
        return None
    end = start + len(phrase.rstrip(" \t,-"))
    content = [w for w in words if w.lower() not in CONNECTORS]
    if (len(content) >= 2 and any(w[0] + w[1:].lower() in org_heads for w in content)) or LEGAL_TAIL_RE.search(phrase):
        return start, end, True
    if not any(_name_like(w) for w in words):
        return None  # only common words: a job title or a heading
    if words[-1].lower().removesuffix("s") in title_nouns:
        return None  # a job title
    return start, end, False


def entry_spans(
    text: str,
    spans: list[Span],
    *,
    pairs_on: bool = True,
    heads_on: bool = True,
    org_heads: frozenset[str] = frozenset(),
    title_nouns: frozenset[str] = frozenset(),
) -> list[Span]:
    """All spans the entry-line cues add to ``spans`` (detected so far) of one text; ``org_heads`` and
    ``title_nouns`` come from recognizers.yaml (``guards``), the one owner of these word lists."""
    if not (pairs_on or heads_on) or "," not in text:
        return []
    pairs = place_pairs(text, spans, title_nouns)
    out: list[Span] = []
    if pairs_on:
        for place, region in pairs:
            out += [place, region]
    if heads_on:
        out += entry_heads(text, spans, pairs, org_heads, title_nouns)
    return out
