"""Usernames in the byline of a forum post or comment (Beam-free): the ``byline_handles`` method.

Forum threads, reviews and comment sections print the poster's account name on a line of its own, or
before a separator with the post's metadata ("<name> · 3 weeks ago", "Re: <name> · Level 2"), with no
"@" and no "posted by". A handle there names an account holder. A token is taken as a username (ID) when:

- it is shaped like a handle: letters joined by "_" or carrying digits ("river_otter", "moss77"), or
  camelCase with 3+ capital humps ("ThreeDogsNoSleep"); a dotted token (a host, a file) is not one;
- and it stands in a byline: the whole line (after "Re:", "by", "-"), or the first item of a line whose
  items are split by a middle dot or bullet ("·", "•"), or the last word before " · "/" - " and a
  time-ago phrase ("3 weeks ago");
- a two-hump camelCase token ("PowerPoint", "LinkedIn": product names) or a lowercase snake_case token
  alone on a line without a separator (a code identifier) is not enough.

Privacy contract: only adds ID spans, never removes one.
"""

from __future__ import annotations

import regex

from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.record import Span

SCORE = 0.6
_TOKEN = r"[\p{L}\p{N}][\p{L}\p{N}_]{2,38}[\p{L}\p{N}]"
_LEAD = r"(?:(?:Re|RE|re)[ \t]*:[ \t]*|(?:by|By)[ \t]+|[-\u2013\u2014][ \t]*)?"
_ALONE_RE = regex.compile(rf"(?m)^[ \t>]*{_LEAD}(?P<h>{_TOKEN})[ \t]*$")
_DOTTED_RE = regex.compile(rf"(?m)^[ \t>]*{_LEAD}(?P<h>{_TOKEN})[ \t]+[\u00b7\u2022][ \t]+\S")
_AGO_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{N}}_.@/])(?P<h>{_TOKEN})[ \t]+(?:[\u00b7\u2022|]|[-\u2013\u2014])[ \t]+"
    r"(?:\d+|an?|one|two|three|few)[ \t]+(?:sec|second|min|minute|hour|hr|day|week|wk|month|year|yr)s?[ \t]+ago\b"
)
_HUMP_RE = regex.compile(r"\p{Lu}\p{Ll}+")


def byline_spans(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` plus ID spans for usernames in bylines (see the module docstring) not already covered."""
    if "\n" not in text and "\u00b7" not in text and "\u2022" not in text and " ago" not in text:
        return spans
    added: list[Span] = []
    for rx, strict in ((_ALONE_RE, True), (_DOTTED_RE, False), (_AGO_RE, False)):
        for m in rx.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
            token = m["h"]
            if not _handle(token, strict):
                continue
            start, end = m.start("h"), m.end("h")
            if not any(s.start <= start and end <= s.end and s.label == "ID" for s in spans + added):
                added.append(Span(start, end, "ID", SCORE))
    if not added:
        return spans
    kept = [s for s in spans if not any(a.start <= s.start and s.end <= a.end for a in added)]
    return kept + added


def _handle(token: str, alone: bool) -> bool:
    """Handle-shaped (see the module docstring); ``alone``: the stricter test of a line of its own."""
    if not any(c.isalpha() for c in token):
        return False
    if "_" in token:
        parts = [p for p in token.split("_") if p]
        if len(parts) < 2:
            return False
        return not alone or any(c.isupper() for c in token) or any(c.isdigit() for c in token)
    if any(c.isdigit() for c in token):
        return regex.match(r"^\p{L}*\p{Ll}\p{L}*\d{1,4}$", token) is not None and len(token) >= 5
    humps = len(_HUMP_RE.findall(token))
    return humps >= 3 or (not alone and humps >= 2 and token[0].isupper() and not token.isupper())
