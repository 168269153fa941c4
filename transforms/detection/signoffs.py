"""Names in a message's frame: sign-offs, dash bylines and salutations (method ``signoff_names``).

A message ends with its writer's name, often in lowercase in chats and forums ("thanks, maria",
"cheers,\\ntomasz", "ok see you then - dan", "-- stonefield88"), where the model sees no capital and no
sentence around it. And NER labels a salutation with its name as an organisation ("Dear X Y" ->
ORGANIZATION), so the person-boundary trim (PERSON only) never sees it.

- closing: a closing word or phrase (``CLOSINGS``: thanks, cheers, regards, love, see you, ...), optional
  punctuation and one line break, then one or two words that end the line (optional "!", "." or "xx"):
  PERSON when the first word is a first name of the lexicons (Census, or Faker below Zipf 3.3) or a word
  English hardly knows (Zipf < 2.5), and is not a stop word or a form of address ("team", "all", "mate");
- dash byline: "- name" / "— name" / "~ name" closing a line after some text, or "-- name" / "— name" alone
  on the last line (a single "-" opening a line is a bullet): a first name as above, not in capitals, is
  PERSON; a handle-shaped token ("stonefield88", "lark.quiet") is ID;
- chat-log speakers: "<nick> text" or "[10:02] nick: text" opening 2+ lines: the nick is an ID (a
  capitalized first name: PERSON);
- salutation: an ORGANIZATION/LOCATION/NRP span that starts with "Dear"/"Hi"/"Hello"/"Attn" and goes on
  with a first name or a rare capitalized word is cut to the name and labelled PERSON.
A span that already covers exactly the name under NRP/LOCATION/ORGANIZATION (a lowercase first name read as
a nationality or a place) is relabelled PERSON. Score 0.6: the name propagates like an NER name.

Privacy contract: only adds spans, relabels exact name spans, and cuts a salutation word off a span.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.detection.recognizers.handles import handle_shaped
from transforms.record import Span
from transforms.speakers import is_named_speaker

SCORE = 0.6
FAKER_MAX_ZIPF = 3.3
RARE_MAX_ZIPF = 2.5
# longer phrases first: the alternation takes the first that matches. The whitespace runs of _CLOSE_RE are
# possessive: no two runs can trade spaces, so a long run of blanks costs linear time, not quadratic
CLOSINGS = (
    r"thank[ \t]+you(?:[ \t]+(?:so[ \t]+much|again))?|many[ \t]+thanks|thanks(?:[ \t]+(?:again|so[ \t]+much|a[ \t]+lot))?|"
    r"thanx|thx|tks|ty|cheers|(?:best|kind|warm|warmest|kindest)[ \t]+regards|regards|best[ \t]+wishes|"
    r"all[ \t]+the[ \t]+best|best|love[ \t]+you|lots[ \t]+of[ \t]+love|love|xoxo|xo|"
    r"take[ \t]+care|talk[ \t]+soon|speak[ \t]+soon|see[ \t]+you(?:[ \t]+(?:soon|then|later|tomorrow))?|"
    r"sincerely|yours(?:[ \t]+(?:truly|sincerely|faithfully))?|cya|bye|hugs|signed"
)
_NAME = r"[\p{L}][\p{L}\p{M}'\u2019-]{1,24}"
_CLOSE_RE = regex.compile(
    rf"(?i)(?<![\p{{L}}])(?:{CLOSINGS})[ \t]*+[,!.:;~\u2013\u2014-]*+[ \t]*+(?:\r?\n[ \t]*+)?[~\u2013\u2014-]?[ \t]*+"
    rf"({_NAME})(?:[ \t]++({_NAME}))?(?:[ \t]*+[.!]++|[ \t]++x+)?[ \t]*+(?=\r?\n|$)"
)
_DASH_RE = regex.compile(
    r"(?m)(?:^|[ \t])(?:--?|[\u2013\u2014~])[ \t]*([\p{L}\p{N}_][\p{L}\p{N}_.\-]{1,30}[\p{L}\p{N}_])[ \t]*$"
)
_SALUTE_RE = regex.compile(r"(?i)^(?:dear|hi|hello|hey|attn\.?|attention)[ \t,]+")
# words that close a greeting or address a group; never a writer's name
NOT_NAMES = lexicon.word_set(
    """
    all everyone everybody team guys folks mate mates buddy man bro dude sir madam maam love babe honey dear
    again much lot so very you again x xx xxx xo regards best thanks cheers bye later soon then now again
    friend friends again everyone again both
    """
)
RELABEL = frozenset({"NRP", "LOCATION", "ORGANIZATION"})
# chat-log speakers: "<nick> text" and "[10:02] nick: text", each form on 2+ lines of the text
_NICK_RE = regex.compile(
    r"(?m)^[ \t]*(?:\[[\d:. APMapm]{4,12}\][ \t]*)?<([^<>\s@/=\"']{2,32})>[ \t]+(?=\S)"
    r"|^[ \t]*\[\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?[AaPp][Mm])?\][ \t]*([\p{L}\p{N}_.\-]{2,32}):[ \t]"
)
NICK_MIN_LINES = 2
ROLE_MIN_ZIPF = 3.5  # a speaker label this frequent in English is a role word, not an account name


def signoff_spans(text: str, spans: list[Span], stop: set[str]) -> list[Span]:
    """``spans`` with the frame names added or relabelled (see the module docstring)."""
    spans = [_salutation(text, s) for s in spans]
    found: list[Span] = []
    lowered = text.lower()
    if any(
        k in lowered
        for k in (
            "thank",
            "thx",
            "tks",
            "ty",
            "cheer",
            "regard",
            "best",
            "love",
            "xo",
            "care",
            "soon",
            "see you",
            "sincerely",
            "yours",
            "cya",
            "bye",
            "hugs",
            "signed",
        )
    ):
        for m in _CLOSE_RE.finditer(text, overlapped=True, timeout=REGEX_TIMEOUT_SECONDS):
            if not _first_name_like(m.group(1), stop):
                continue
            end = m.end(2) if m.group(2) and _second_ok(m.group(2), stop) else m.end(1)
            found.append(Span(m.start(1), end, "PERSON", SCORE))
    if "-" in text or "~" in text or "\u2013" in text or "\u2014" in text:
        for m in _DASH_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
            token = m.group(1)
            if handle_shaped(token) and any(c.isalpha() for c in token):
                found.append(Span(m.start(1), m.end(1), "ID", SCORE))
            elif (
                token.isalpha()
                and not token.isupper()
                and _first_name_like(token, stop)
                and _after_text_or_alone(text, m.start(), m.group(0))
            ):
                found.append(Span(m.start(1), m.end(1), "PERSON", SCORE))
    if "<" in text or "[" in text:
        found += _nicks(text)
    return _merge(spans, found)


def _nicks(text: str) -> list[Span]:
    """Chat-log speaker names: an account name (ID), or a person's first name (PERSON)."""
    hits = [
        (m.start(1), m.end(1)) if m.group(1) else (m.start(2), m.end(2))
        for m in _NICK_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS)
    ]
    if len(hits) < NICK_MIN_LINES:
        return []
    out = []
    for a, b in hits:
        token = text[a:b]
        if token.lower() in HTML_TAGS or not is_named_speaker(token) or lexicon.zipf(token) >= ROLE_MIN_ZIPF:
            continue  # markup, a role ("AGENT", "spk_0") or an English word ("Caller", "Nurse")
        label = "PERSON" if token[:1].isupper() and _is_first_name(token) else "ID"
        out.append(Span(a, b, label, SCORE))
    return out


HTML_TAGS = lexicon.word_set("p div span br b i a li ul ol td tr th html body head table em strong code pre hr")


def _salutation(text: str, s: Span) -> Span:
    if s.label not in RELABEL:
        return s
    m = _SALUTE_RE.match(text[s.start : s.end])
    if m is None or s.start + m.end() >= s.end:
        return s
    rest = text[s.start + m.end() : s.end].split()
    first = rest[0].strip(",.") if rest else ""
    if first[:1].isupper() and (_is_first_name(first) or lexicon.zipf(first) < RARE_MAX_ZIPF):
        return Span(s.start + m.end(), s.end, "PERSON", s.score)
    return s


def _is_first_name(word: str) -> bool:
    w = word.lower()
    if w in lexicon.first_names():
        return True
    return w in lexicon.faker_first_names() and lexicon.zipf(w) < FAKER_MAX_ZIPF


def _first_name_like(word: str, stop: set[str]) -> bool:
    w = word.lower()
    if w in stop or w in NOT_NAMES or not word.replace("-", "").replace("'", "").isalpha():
        return False
    return _is_first_name(word) or (len(w) >= 3 and lexicon.zipf(w) < RARE_MAX_ZIPF)


def _second_ok(word: str, stop: set[str]) -> bool:
    w = word.lower()
    return w not in stop and w not in NOT_NAMES and (lexicon.is_name_token(w) or lexicon.zipf(w) < RARE_MAX_ZIPF)


def _after_text_or_alone(text: str, pos: int, match: str) -> bool:
    """A dash byline closes a line that holds some words ("see you then - dan"), or stands alone on the last
    line of the text with a long dash or a tilde ("-- dan", "— dan"); "- item" opening a line is a bullet."""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    if before.strip():
        return len(before.split()) >= 2
    dash = match.strip()[:2]
    return (dash.startswith(("--", "\u2014", "~"))) and not text[pos + len(match) :].strip()


def _merge(spans: list[Span], found: list[Span]) -> list[Span]:
    out = list(spans)
    for f in found:
        same = [i for i, s in enumerate(out) if s.start == f.start and s.end == f.end]
        if same:
            i = same[0]
            if out[i].label in RELABEL and f.label == "PERSON":
                out[i] = Span(f.start, f.end, "PERSON", max(out[i].score, f.score))
            continue
        if any(s.start < f.end and f.start < s.end for s in out):
            continue
        out.append(f)
    return out
