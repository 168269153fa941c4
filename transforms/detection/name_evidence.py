"""Names the NER model never proposes, accepted only on evidence (Beam-free).

Three general methods for cased running prose, each switchable (``methods:`` in the recognizer YAML):

- ``defined_names``: a capitalized phrase defined by its acronym in brackets ("Union of Lakeside Growers
  ( ULG )"): the acronym's capitals are the initials of the phrase's words, in order (lowercase connectors
  such as "of", "and", "du" skipped). The definition is evidence that the phrase is a name; it still needs
  one of: it overlaps a name already detected (its label is kept), it ends in an organisation head noun
  that is not a role or defined term ("Party", "Society"; not "Department", "Board": those head units and
  committees of any institution), or it holds a word that English hardly knows (Zipf < 2: a foreign name,
  "Ligue des Jardiniers ..."). Clinical definitions ("Transient Ischemic Attack (TIA)", "Intensive Care
  Unit (ICU)") are English words of Zipf >= 2 with no such head, so they stay readable. Phrase and acronym
  become one label (ORGANIZATION unless an overlapping name says otherwise) with a score that propagates.
- ``subject_surnames``: a lone capitalized word as the subject of a verb in running prose, not inside a
  run of capitalized words ("Haverkamp was elected ...", "In 2019 , Ilgaz argued ..."), is a surname
  when the name lexicons know it (Census surnames, Faker's per-locale first and last names) and it is not
  a common English word (Zipf < 4.4: "Grant", "Young", "Rose" stay), not a place, and the document never
  writes it in lowercase (a common noun capitalized by position). A word no lexicon knows needs more: it
  is hardly English (Zipf < 2.5) and its verb is one only a person does ("resigned", "was elected",
  "later ran"); "Zorvatin was started", "Zorvatin was increased" (a drug) do not count.
- ``article_org_names``: in running prose, "the" + capitalized words holding an organisation head noun
  ("the Lakeside Growers Union"); unit and role heads ("Service", "Team", "Court", "Department") excluded.
- ``first_name_pairs``: in mid-sentence, a Census or Faker first name that is not a common word, followed
  by a capitalized word that is not common and not a head noun ("Eilidh Brannagh"), is a person. The
  Census-only ``GazetteerPersonRecognizer`` misses first names of other languages.

Privacy contract: only offsets and labels are returned; nothing is logged. All three only add spans
(leak-safe); the evidence conditions keep headers, abbreviations and drug names out.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.prose import TOKEN_RE, is_prose, sentence_bounds
from transforms.record import Span

NAME_LABELS = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NRP"})
SCORE = 0.6  # >= propagation.min_score: the name is found again elsewhere in the document
ACRONYM_RE = regex.compile(r"\([ \t]?(\p{Lu}[\p{L}.&'\-]{1,11})[ \t]?[);,]")
# lowercase words skipped inside a defined name ("Party of ...", "Ligue des Jardiniers pour le ...")
DEF_CONNECTORS = frozenset(lexicon.NAME_CONNECTORS | {"to", "in", "on", "en", "pour", "per", "a", "an"})
MAX_DEF_WORDS = 12
FOREIGN_ZIPF = 2.0  # below this an English frequency list hardly knows the word
SURNAME_MAX_ZIPF = 4.4  # "Hunter" 4.4 is about the cap; "Grant" 4.7, "Young" 5.4 are words first
FIRST_NAME_MAX_ZIPF = 4.0
# Faker's lists are less clean than the Census files (some English words among 80 locales' names: "Ether",
# "Grit", "Hoop"): a name known only to them must be rarer than a common English word
FAKER_MAX_ZIPF = 3.3
# a finite verb or an adverb right after a sentence-initial subject
VERB_CUES = frozenset(
    {"was", "is", "has", "had", "have", "became", "becomes", "won", "wrote", "made", "took", "left", "spent"}
    | {"went", "gave", "met", "ran", "led", "held", "lost", "began", "saw", "said", "told", "knew", "found"}
    | {"did", "does", "also", "later", "then", "never", "once", "still", "often", "previously", "argued"}
    | {"remained", "died", "married", "served", "returned", "joined", "received", "resigned", "published"}
)
# verbs whose subject is a person (evidence for a rare word that no name list knows); not "was started",
# "was increased", "was given": a drug or a device is their subject too
AGENT_VERBS = frozenset(
    {"joined", "campaigned", "won", "wrote", "married", "resigned", "retired", "moved", "lives", "lived"}
    | {"studied", "taught", "graduated", "managed", "ran", "served", "founded", "argued", "said", "told"}
    | {"stated", "claimed", "believed", "hoped", "wanted", "decided", "spent", "met", "published", "kept"}
    | {"became", "attended", "enrolled", "emigrated", "died", "contested", "stood", "defeated", "consulted"}
    | {"supported", "opposed", "declined", "refused", "agreed", "announced", "recalled", "described", "wrote"}
)
AGENT_PARTICIPLES = frozenset(
    {"elected", "born", "appointed", "educated", "named", "awarded", "knighted", "married", "raised"}
    | {"nominated", "sworn", "ordained", "consulted", "re-elected", "defeated", "succeeded"}
)
AGENT_ADVERBS = frozenset({"also", "later", "then", "never", "once", "still", "often", "previously", "subsequently"})
RARE_SUBJECT_ZIPF = 2.5  # below this English hardly uses the word: not a word the reader would miss
# offices and roles that open a defined phrase ("Chair of the Harbour Trust (CHT)", "President of the X (PXS)");
# the rule came from a CrossNER form (dev-set fit, stated in docs/detection.md)
OFFICES = frozenset(
    {"member", "members", "president", "minister", "secretary", "chairman", "chair", "governor", "mayor"}
    | {"senator", "director", "head", "leader", "speaker", "justice", "judge", "deputy", "vice", "fellow"}
)
# heads that also name a unit or team inside any institution ("the Cardiology Service", "the Pain Team")
UNIT_HEADS = frozenset(
    ["Service", "Services", "Team", "Clinic", "Office", "Division", "Network", "Group", "Press", "Records", "Library"]
)
TITLE_WORD_RE = regex.compile(r"^\p{Lu}\p{Ll}+(?:[-'\u2019]\p{Lu}?\p{Ll}+)?$")


def evidence_spans(
    text: str, spans: list[Span], stop: set[str], heads: set[str], roles: set[str], common, methods
) -> list[Span]:
    """New spans from the methods switched on in ``methods`` (module docstring); existing spans unchanged."""
    if not regex.search(r"\p{Ll}", text):
        return []
    out: list[Span] = []
    if methods.defined_names:
        out += defined_names(text, spans, {h for h in heads if h.lower() not in roles})
    if methods.subject_surnames:
        out += subject_surnames(text, spans + out, stop)
    if methods.first_name_pairs:
        out += first_name_pairs(text, spans + out, stop, heads, common)
    if methods.article_org_names:
        out += article_org_names(text, {h for h in heads if h.lower() not in roles and h not in UNIT_HEADS})
    return out


def _overlapping(spans: list[Span], start: int, end: int) -> list[Span]:
    return [s for s in spans if s.start < end and start < s.end and s.label in NAME_LABELS]


def defined_names(text: str, spans: list[Span], heads: set[str]) -> list[Span]:
    """The phrase before a bracketed acronym whose capitals are its initials, and the acronym (see module)."""
    out = []
    for m in ACRONYM_RE.finditer(text):
        letters = [c for c in m.group(1) if c.isupper()]
        if not 2 <= len(letters) <= 9:
            continue
        lo, _ = sentence_bounds(text, m.start(), m.end())
        words = list(TOKEN_RE.finditer(text, max(lo, m.start() - 160), m.start()))[-MAX_DEF_WORDS:]
        if not words or text[words[-1].end() : m.start()].strip():
            continue
        start = _match_initials(words, letters)
        if start is None:
            continue
        phrase = [w.group(0) for w in words if w.start() >= start]
        if phrase[0].lower() in OFFICES:
            continue  # "Chair of the Harbour Trust (CHT)": an office, not a name
        content = [w for w in phrase if w not in DEF_CONNECTORS]
        capitals = [w for w in content if w[0].isupper()]
        if not (phrase[0][0].isupper() and phrase[-1][0].isupper()) or 2 * len(capitals) < len(content):
            continue
        end = words[-1].end()
        near = _overlapping(spans, start, end)
        if near:
            label = max(near, key=lambda s: s.end - s.start).label
        elif phrase[-1] in heads or any(lexicon.zipf(w) < FOREIGN_ZIPF for w in content if w.isalpha()):
            label = "ORGANIZATION"
        else:
            continue
        out += [Span(start, end, label, SCORE), Span(m.start(1), m.end(1), label, SCORE)]
    return out


def _match_initials(words: list, letters: list[str]) -> int | None:
    """Start offset of the shortest run of ``words`` (ending at the last one) whose initials spell
    ``letters`` in order, connectors skipped; None when there is none."""
    i, j = len(letters) - 1, len(words) - 1
    start = None
    while i >= 0 and j >= 0:
        w = words[j].group(0)
        if w.lower() == letters[i].lower() or w[0].lower() == letters[i].lower():
            start = words[j].start()
            i -= 1
        elif w not in DEF_CONNECTORS:
            return None
        j -= 1
    return start if i < 0 else None


SUBJECT_RE = regex.compile(r"(?<![\p{L}\p{M}\p{N}'\u2019.\-])(\p{Lu}\p{Ll}+(?:-\p{Lu}?\p{Ll}+)?) (\p{Ll}+)\b")
PREV_CAPITAL_RE = regex.compile(r"\p{Lu}[\p{L}\p{M}'\u2019.\-]*[ \t]*$")  # "When" and "In" are stop words


def subject_surnames(text: str, spans: list[Span], stop: set[str]) -> list[Span]:
    """A surname alone as the subject of a verb in prose, not inside a run of capitalized words
    ("Haverkamp was elected", "In 2019 , Ilgaz argued"; see module docstring)."""
    out = []
    for m in SUBJECT_RE.finditer(text):
        word, verb = m.group(1), m.group(2)
        low = word.lower()
        if low in stop or lexicon.zipf(low) >= SURNAME_MAX_ZIPF or low in lexicon.place_names():
            continue
        if low in lexicon.surnames() or (low in lexicon.faker_names() and lexicon.zipf(low) < FAKER_MAX_ZIPF):
            if not (verb in VERB_CUES or verb in AGENT_VERBS or (verb.endswith("ed") and len(verb) > 4)):
                continue
        elif not (lexicon.zipf(low) < RARE_SUBJECT_ZIPF and _agent_cue(text, m.end(2), verb)):
            continue  # an unknown word (a drug, a product) needs a verb only a person does
        prev = PREV_CAPITAL_RE.search(text, max(0, m.start() - 40), m.start())
        if prev is not None and prev.group(0).strip().lower() not in stop:
            continue  # the last word of a longer capitalized name: NER's and boundary repair's business
        if regex.search(rf"(?<![\p{{L}}]){regex.escape(low)}(?![\p{{L}}])", text):
            continue  # written in lowercase too: a common noun
        if _overlapping(spans, m.start(), m.end(1)):
            continue
        lo, hi = sentence_bounds(text, m.start(), m.end())
        if is_prose(text, lo, hi):
            out.append(Span(m.start(), m.end(1), "PERSON", SCORE))
    return out


def _agent_cue(text: str, end: int, verb: str) -> bool:
    """The verb after a subject is one only a person does ("resigned", "was elected", "later ran")."""
    if verb in AGENT_VERBS:
        return True
    nxt = regex.match(r" (\p{Ll}+)\b", text[end : end + 30])
    if nxt is None:
        return False
    if verb in ("was", "is", "had", "has", "have"):
        return nxt.group(1) in AGENT_PARTICIPLES
    return verb in AGENT_ADVERBS and nxt.group(1) in AGENT_VERBS


PAIR_RE = regex.compile(
    r"(?<![\p{L}\p{M}\p{N}'\u2019.-])(\p{Lu}\p{Ll}+) (\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)(?![\p{L}\p{M}\p{N}])"
)


def first_name_pairs(text: str, spans: list[Span], stop: set[str], heads: set[str], common) -> list[Span]:
    """A first name of the lexicons + a capitalized uncommon word, mid-sentence in prose (module doc)."""
    out = []
    for m in PAIR_RE.finditer(text, overlapped=True):
        first, last = m.group(1), m.group(2)
        low = first.lower()
        if low in stop or lexicon.zipf(low) >= FIRST_NAME_MAX_ZIPF:
            continue
        if not (
            low in lexicon.first_names() or (low in lexicon.faker_first_names() and lexicon.zipf(low) < FAKER_MAX_ZIPF)
        ):
            continue
        if last in heads or common(last) or lexicon.zipf(last) >= SURNAME_MAX_ZIPF:
            continue  # "Ingrid Room": a frequent word, even when the Census lists it as a surname
        if last.lower() in lexicon.place_names():
            continue
        if _overlapping(spans + out, m.start(), m.end()):
            continue
        lo, hi = sentence_bounds(text, m.start(), m.end())
        first_tok = TOKEN_RE.search(text, lo, hi)
        if first_tok is None or first_tok.start() >= m.start() or not is_prose(text, lo, hi):
            continue  # the sentence's first word is capitalized by position
        out.append(Span(m.start(), m.end(), "PERSON", SCORE))
    return out


_TW = r"\p{Lu}[\p{L}\p{M}'\u2019\-]*"
ARTICLE_RUN_RE = regex.compile(
    rf"(?<![\p{{L}}])the ({_TW}(?: (?:(?:of|for)(?: the)? |(?:and|&) )?{_TW}){{1,6}})(?![\p{{L}}\p{{M}}])"
)
AND_RE = regex.compile(r" (?:and|&) ")
# first words of events, works and awards, not organisations ("the War of the Third Coalition")
EVENT_OPENERS = frozenset(
    {"War", "Wars", "Battle", "Siege", "Treaty", "Act", "Revolution", "Campaign", "Election", "Award", "Prize"}
    | {"Cup", "Games", "Festival", "Conference", "Summit", "Crisis", "Affair", "Case", "Trial", "Report"}
)


def article_org_names(text: str, heads: set[str]) -> list[Span]:
    """In running prose, "the" + 2-7 capitalized words (connectors "of", "for", "and" inside) holding an
    organisation head noun is an organisation ("the Lakeside Growers Union", "the Society for Quiet
    Waters"), whatever the frequency of its words: the article and mid-sentence capitals are the evidence.
    Heads of units and roles are not enough ("the Cardiology Service", "the Court of Appeal"); a run with
    "and" is cut into the names it coordinates ("the Union of X and Y": "Y" has no head of its own)."""
    out = []
    for m in ARTICLE_RUN_RE.finditer(text):
        if m.start() == 0:
            continue
        lo, hi = sentence_bounds(text, m.start(), m.end())
        if not is_prose(text, lo, hi):
            continue
        start = m.start(1)
        for cut in [*AND_RE.finditer(text, m.start(1), m.end(1)), None]:
            end = cut.start() if cut is not None else m.end(1)
            words = [w for w in TOKEN_RE.findall(text[start:end]) if w[0].isupper()]
            if any(w in heads for w in words):
                if len(words) >= 2 and words[0] not in EVENT_OPENERS:
                    out.append(Span(start, end, "ORGANIZATION", SCORE))
                start = cut.end() if cut is not None else end
            elif cut is None:
                break
    return out
