"""ALL-CAPS organisation names from their shape (Beam-free): "QUARRELL TECHNOLOGIES", "UNIVERSITY OF
TARNBURY", "OSTLUND PARTNERS, INC.".

In ALL-CAPS text capitals say nothing and the small NER model sees shouted common words, so a name needs
evidence from its shape: a run of 2-7 ALL-CAPS words (connectors "OF", "AND", "&", "THE", "FOR", "AT" allowed
inside) that starts or ends with a strong organisation head (a legal suffix, or a head noun that names an
organisation and rarely a section: UNIVERSITY, COLLEGE, INSTITUTE, TECHNOLOGIES, ASSOCIATES, ...), and that
holds at least one other word that is not a common English word (a rare word or a Census name; 2-4 letter
tokens up to a higher frequency, for initialisms such as "ABC"). Section headers and clinical headers are
made of common words ("CAREER RECORD", "REVIEW OF SYSTEMS", "HOSPITAL COURSE", "DEPARTMENT OF MEDICINE")
or have no strong head, so they stay. Method switch: ``caps_org_names``. Only offsets are produced.
"""

from __future__ import annotations

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
        *("CONSULTING", "CONSULTANTS", "BANK", "FOUNDATION", "HOSPITAL", "HOLDINGS", "AIRLINES"),
    ]
)
# heads of service businesses and local bodies (method ``service_org_heads``): "<rare word> Air", "<name>
# Veterinary Centre", "<rare word> Communications"; the same evidence rule holds (a word English hardly
# knows, a name or a place beside them), so "Leisure Centre", "Fresh Air" or "Data Center" stay
SERVICE_HEADS = frozenset(
    [
        *("AIR", "AIRWAYS", "CENTRE", "CENTER", "CLINIC", "PHARMACY", "VETERINARY", "GYM"),
        *("COMMUNICATIONS", "MOTORS", "HOMES", "SOLICITORS", "ESTATES", "LETTINGS"),
        *("ASSOCIATION", "SOCIETY", "COUNCIL", "TRUST", "CHARITY", "CLUB", "REHAB"),
    ]
)
# service heads that take an "of"/"for" complement ("Centre for X", "Society of X")
TAIL_HEADS = frozenset(["CENTRE", "CENTER", "SOCIETY", "ASSOCIATION", "COUNCIL", "TRUST"])
SERVICE_RARE_ZIPF = 3.6
# in Title Case these also head topics and course names (a field of study or a service line: "Marine Systems", "Retail Consulting")
TOPIC_HEADS = frozenset(["SYSTEMS", "SOLUTIONS", "GROUP", "CONSULTING", "COMMUNICATIONS"])
CONNECTORS = frozenset(c.upper() for c in lexicon.ORG_CONNECTORS)
CAPS_TOKEN = r"[\p{Lu}][\p{Lu}\p{N}'\u2019.&-]*|&"
CAPS_RUN_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{N}}])(?:{CAPS_TOKEN})(?: (?:{CAPS_TOKEN})|, (?:INC|LTD|LLC|CORP)\b\.?)+"  # one space apart
)
# Title Case runs: capitalized words or short acronyms, lowercase connectors inside ("Varden School of X")
TITLE_TOKEN = r"\p{Lu}\p{Ll}[\p{L}\p{M}\p{N}'\u2019-]*|\p{Lu}{2,5}"
TITLE_RUN_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{N}}])(?:{TITLE_TOKEN})(?: (?:{TITLE_TOKEN}|{'|'.join(sorted(lexicon.ORG_CONNECTORS))}))*"
    rf"(?: (?:{TITLE_TOKEN})|, (?:Inc|Ltd|LLC|Corp)\b\.?)"
)
WORD_RE = lexicon.NAME_WORD_RE
RARE_ZIPF, SHORT_ZIPF = 4.0, 4.5
FIRST_NAME_ZIPF = 5.0  # "St Mary Hospital", "GRACE HOSPITAL"; not "May", "April", "Will", "Hope"
MAX_BEFORE, MAX_AFTER = 3, 4
LEGAL = frozenset(["INC", "LTD", "CORP", "CO", "PLC", "LLC"])


def caps_org_spans(text: str, score: float = 0.6, service_heads: bool = False) -> list[Span]:
    """ORGANIZATION spans for ALL-CAPS runs shaped like organisation names (module docstring);
    ``service_heads`` adds ``SERVICE_HEADS`` to the heads."""
    if not regex.search(r"\p{Lu}{3}", text):
        return []
    return _spans(text, CAPS_RUN_RE, score, STRONG_HEADS | (SERVICE_HEADS if service_heads else frozenset()))


def title_org_spans(text: str, score: float = 0.6, service_heads: bool = False) -> list[Span]:
    """ORGANIZATION spans for Title Case runs of the same shape ("Kestrel Junior College", "University of
    Quenford"): NER misses them on short lines with no sentence around them."""
    heads = STRONG_HEADS | (SERVICE_HEADS if service_heads else frozenset())
    return _spans(text, TITLE_RUN_RE, score, heads - TOPIC_HEADS)


def _spans(text: str, run_re: regex.Pattern, score: float, heads: frozenset[str]) -> list[Span]:
    out = []
    for m in run_re.finditer(text, timeout=5):
        span = _org_part(text, m, heads)
        if span is not None:
            out.append(Span(span[0], span[1], "ORGANIZATION", score))
    return out


def _org_part(text: str, m: regex.Match, heads: frozenset[str]) -> tuple[int, int] | None:
    """The organisation inside a run, around its last strong head that has evidence: up to ``MAX_BEFORE``
    name words before the head (over "&", not over "of"/"and"/"the"/"at": those join phrases), and
    "of"/"for" plus up to ``MAX_AFTER`` words after it ("UNIVERSITY OF TARNBURY"). None without a rare word."""
    words = list(WORD_RE.finditer(text, m.start(), m.end()))
    keys = [w.group(0).strip(".'\u2019-").upper() for w in words]
    for i in reversed([i for i, k in enumerate(keys) if k in heads]):
        first = i
        while first > 0 and i - first < MAX_BEFORE and keys[first - 1] not in CONNECTORS - {"&"}:
            first -= 1
        while first < i and (keys[first] in CONNECTORS or _leading_common(words[first].group(0))):
            first += 1
        tail = i
        if i + 1 < len(keys) and keys[i + 1] in ("OF", "FOR") and (keys[i] in STRONG_HEADS or keys[i] in TAIL_HEADS):
            tail = i + 1
            while tail + 1 < len(keys) and keys[tail + 1] not in CONNECTORS and tail - i < MAX_AFTER:
                tail += 1
            if tail == i + 1:
                tail = i
        if (first < i or tail > i) and _evidence(keys[first : tail + 1], service=keys[i] not in STRONG_HEADS):
            end = words[tail].end()
            if text[end : end + 1] == "." and keys[tail] in LEGAL:
                end += 1
            return words[first].start(), end
    return None


def _places() -> frozenset[str]:
    return lexicon.place_names(single_word=True)


def _leading_common(word: str) -> bool:
    """A very common capitalized word before a Title Case name ("Yesterday", "Contact"): not part of it."""
    if word.isupper() or word.lower() in _places():
        return False
    return lexicon.zipf(word.lower()) >= SHORT_ZIPF and not lexicon.is_name_token(word.lower())


def _evidence(keys: list[str], service: bool = False) -> bool:
    """A word beside the heads and connectors that is not a common English word; around a service head
    (``service``) a rarer word (Zipf < ``SERVICE_RARE_ZIPF``; a Census surname alone is no evidence: the
    list holds everyday words), a first name or a place. Service-head words are skipped only around a
    service head: beside a strong head they are judged like any word ("REHAB HOLDINGS", "Rehab Holdings"
    are organisations with or without the ``service_org_heads`` method)."""
    skip = STRONG_HEADS | SERVICE_HEADS if service else STRONG_HEADS
    for k in keys:
        if k in skip or k in CONNECTORS or not any(c.isalpha() for c in k):
            continue
        low = k.lower()
        if service:
            if (
                lexicon.zipf(low) < SERVICE_RARE_ZIPF
                or low in _places()
                or (low in lexicon.first_names() and lexicon.zipf(low) < FIRST_NAME_ZIPF)
            ):
                return True
            continue
        limit = SHORT_ZIPF if len(low) <= 4 else RARE_ZIPF
        if (
            lexicon.zipf(low) < limit
            or (low in lexicon.first_names() and lexicon.zipf(low) < FIRST_NAME_ZIPF)
            or (lexicon.is_name_token(low) and lexicon.zipf(low) < SHORT_ZIPF)
        ):
            return True
        if low in _places():
            return True  # "PLAINS TECH UNIVERSITY", "PRAIRIE STATE UNIVERSITY"
    return False
