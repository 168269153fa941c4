"""ALL-CAPS organisation names from their shape (Beam-free): "QUARRELL TECHNOLOGIES", "UNIVERSITY OF
TARNBURY", "OSTLUND PARTNERS, INC.".

In ALL-CAPS text capitals say nothing and the small NER model sees shouted common words, so a name needs
evidence from its shape: a run of 2-7 ALL-CAPS words (connectors "OF", "AND", "&", "THE", "FOR", "AT" allowed
inside) that starts or ends with a strong organisation head (a legal suffix, or a head noun that names an
organisation and rarely a section: UNIVERSITY, COLLEGE, INSTITUTE, TECHNOLOGIES, ASSOCIATES, ...), and that
holds at least one other word that is not a common English word (a rare word or a Census name; 2-4 letter
tokens up to a higher frequency, for initialisms such as "ABC"). Section headers and clinical headers are
made of common words ("WORK EXPERIENCE", "REVIEW OF SYSTEMS", "HOSPITAL COURSE", "DEPARTMENT OF MEDICINE")
or have no strong head, so they stay. Method switch: ``caps_org_names``. Only offsets are produced.
"""

from __future__ import annotations

import functools

import regex

from transforms.detection import lexicon
from transforms.record import Span

# heads that name an organisation (first or last word of the run); weaker heads that also head section
# titles (DEPARTMENT, SERVICES, OFFICE, BOARD, TEAM, UNIT, NETWORK, PROGRAM) are left out on purpose
STRONG_HEADS = frozenset(
    [
        *("INC", "INCORPORATED", "LLC", "LTD", "LIMITED", "CORP", "CORPORATION", "COMPANY", "PLC", "LLP", "GMBH"),
        *("UNIVERSITY", "COLLEGE", "INSTITUTE", "ACADEMY", "POLYTECHNIC", "SCHOOL", "ASSOCIATES", "PARTNERS"),
        *("TECHNOLOGIES", "SOLUTIONS", "SYSTEMS", "INDUSTRIES", "ENTERPRISES", "LABS", "LABORATORIES", "GROUP"),
        *("CONSULTING", "CONSULTANTS", "BANK", "FOUNDATION", "HOSPITAL", "HOLDINGS", "INTERNATIONAL", "AIRLINES"),
    ]
)
CONNECTORS = frozenset(["OF", "AND", "&", "THE", "FOR", "AT", "DE", "DU", "LA"])
TOKEN = r"[\p{Lu}][\p{Lu}\p{N}'\u2019.&-]*|&"
RUN_RE = regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{TOKEN})(?: (?:{TOKEN})|, (?:INC|LTD|LLC|CORP)\b\.?)+")  # one space
WORD_RE = regex.compile(r"[\p{Lu}\p{N}'\u2019&]+")
RARE_ZIPF, SHORT_ZIPF = 4.0, 4.5
MAX_WORDS = 7


def caps_org_spans(text: str, score: float = 0.6) -> list[Span]:
    """ORGANIZATION spans for ALL-CAPS runs shaped like organisation names (module docstring)."""
    if not regex.search(r"\p{Lu}{3}", text):
        return []
    out = []
    for m in RUN_RE.finditer(text, timeout=5):
        span = _org_part(text, m)
        if span is not None:
            out.append(Span(span[0], span[1], "ORGANIZATION", score))
    return out


def _org_part(text: str, m: regex.Match) -> tuple[int, int] | None:
    """The organisation inside an ALL-CAPS run: from the first word to a strong head at its end, or from a
    strong head at its start; None when there is none or no rare word beside the head."""
    words = [w for w in WORD_RE.finditer(text, m.start(), m.end())]
    if len(words) < 2 or len(words) > MAX_WORDS + 3:
        return None
    keys = [w.group(0).strip(".'\u2019-") for w in words]
    # a head at the end: "QUARRELL TECHNOLOGIES", "OSTLUND PARTNERS, INC"; take the last head in the run
    last = max((i for i, k in enumerate(keys) if k in STRONG_HEADS and i > 0), default=None)
    if last is not None:
        first = last
        while first > 0 and last - first < MAX_WORDS - 1 and keys[first - 1] not in CONNECTORS - {"&", "AND"}:
            first -= 1  # back over name words and "&"/"AND", not over "OF"/"THE"/"AT" (a phrase, not a name)
        while first < last and keys[first] in CONNECTORS:
            first += 1
        if _evidence(keys[first : last + 1]):
            end = words[last].end()
            if text[end : end + 1] == ".":
                end += 1
            tail = min(len(keys), first + MAX_WORDS) - 1
            while tail > last and keys[tail] in CONNECTORS:
                tail -= 1
            if tail > last + 1 and keys[last + 1] in ("OF", "FOR"):
                end = words[tail].end()  # "... INSTITUTE OF TECHNOLOGY"
            return words[first].start(), end
    # a head at the start: "UNIVERSITY OF TARNBURY", "INSTITUTE FOR ..."
    if keys[0] in STRONG_HEADS and len(keys) >= 3 and keys[1] in CONNECTORS:
        last = min(len(keys), MAX_WORDS) - 1
        while last > 0 and keys[last] in CONNECTORS:
            last -= 1
        if last >= 2 and _evidence(keys[: last + 1]):
            return words[0].start(), words[last].end()
    return None


@functools.lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    from transforms.detection.recognizers.lexicon import load_places

    places = load_places()
    return frozenset(p.casefold() for p in places["countries"] + places["regions"] if " " not in p)


def _evidence(keys: list[str]) -> bool:
    """A word beside the heads and connectors that is not a common English word."""
    for k in keys:
        if k in STRONG_HEADS or k in CONNECTORS or not any(c.isalpha() for c in k):
            continue
        low = k.lower()
        limit = SHORT_ZIPF if len(low) <= 4 else RARE_ZIPF
        if lexicon.zipf(low) < limit or (lexicon.is_name_token(low) and lexicon.zipf(low) < SHORT_ZIPF):
            return True
        if low in _places():
            return True  # "TEXAS TECH UNIVERSITY", "OHIO STATE UNIVERSITY"
    return False
