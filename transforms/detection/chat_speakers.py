"""Speaker names of timestamped chat and log lines (Beam-free): the ``chat_speakers`` method.

Chat exports, support transcripts and shift logs open each line with a time stamp and the speaker:
"[09:12] Odile (front desk): ...", "21/06/2031, 18:40 - Tam Reyes: ...", "11/02 08:15 R. Okafor (SRE):
...". ``signoffs`` reads "[10:02] nick: text"; here the stamp may carry a date, a dash may follow it, the
name may be 1-3 capitalised words or an initial and a surname, and a bracketed role or team may stand
between the name and the colon. A line form counts only when 2+ lines of the text have it (a chat log).

The name is PERSON when its first word is a Census or Faker first name (Faker below Zipf 3.3), or an
initial ("R.") before a surname that English hardly knows or a Census/Faker surname; role words ("Agent",
"Customer", "Member": Zipf >= 3.5 alone) and words of no name list are left alone (bots, brands).

Privacy contract: only adds PERSON spans where no span is.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.record import Span

SCORE = 0.6
MIN_LINES = 2
FAKER_MAX_ZIPF = 3.3
RARE_MAX_ZIPF = 2.5
_STAMP = (
    r"(?:\[[ \t]*)?(?:\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{2,4})?,?[ \t]+)?"
    r"\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?[AaPp]\.?[Mm]\.?)?(?:[ \t]*\])?"
)
_WORD = r"\p{Lu}[\p{Ll}\p{M}'\u2019-]+"
_LINE_RE = regex.compile(
    rf"(?m)^[ \t]*{_STAMP}[ \t]*(?:[-\u2013\u2014][ \t]*)?"
    rf"(?P<name>(?:\p{{Lu}}\.[ \t]?{_WORD}|{_WORD}(?:[ \t]{_WORD}){{0,2}}))"
    r"[ \t]*(?:\([^()\n]{1,40}\))?[ \t]*:[ \t]"
)


def chat_speaker_spans(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` plus PERSON spans for chat-line speaker names (module docstring)."""
    if ":" not in text:
        return spans
    hits = [m.span("name") for m in _LINE_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS)]
    if len(hits) < MIN_LINES:
        return spans
    added = []
    for a, b in hits:
        if _person(text[a:b]) and not any(s.start < b and a < s.end for s in spans + added):
            added.append(Span(a, b, "PERSON", SCORE))
    return spans + added


def _person(name: str) -> bool:
    words = name.replace(".", ". ").split()
    first = words[0]
    if first.endswith(".") and len(first) == 2:  # "R. Okafor"
        last = words[-1].lower()
        return len(words) >= 2 and (
            last in lexicon.surnames() or last in lexicon.faker_names() or lexicon.zipf(last) < RARE_MAX_ZIPF
        )
    w = first.lower()
    if len(words) == 1 and lexicon.zipf(w) >= 3.5 and w not in lexicon.first_names():
        return False
    return w in lexicon.first_names() or (w in lexicon.faker_first_names() and lexicon.zipf(w) < FAKER_MAX_ZIPF)
