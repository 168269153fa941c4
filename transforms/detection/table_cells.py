"""Table cells read by their column header (method ``table_columns``, Beam-free).

A table row ("Anita Rao | QA | Mobile") gives NER no sentence: names in it are missed, and short
categorical values ("QA", "Mobile", "Platform") are taken as places or organisations. The header row says
what each column holds. Tables are runs of 2+ lines split by the same separator (``|`` or a tab) into
the same number of cells (Markdown rule lines such as ``---|---`` skipped); the first line is a header
when every cell is a short label without digits and at least one is a known header word.

- a column whose header names a person (``PERSON_HEADERS``: name, customer, patient, owner, assignee,
  ...), an organisation (``ORG_HEADERS``), a place (``PLACE_HEADERS``) or an account/record
  (``ID_HEADERS``) makes each of its cells a span of that label, when the cell looks like a value of it
  (a person: 1-5 words with a capital or a known name, no digit; an ID: a digit or a handle shape) and is
  not a placeholder ("n/a", "TBD", "-");
- the header row itself holds labels, not values: NER spans inside it are dropped, except a span holding a
  known first name; a first row with a PERSON span or a first name in a cell that is not a header word
  ("Maria Lopez | Nurse | Oncology") is a data row, not a header;
- a column whose header names a category (``CATEGORY_HEADERS``: role, status, team, priority, type, ...)
  holds no personal data: an NER span (PERSON/ORGANIZATION/LOCATION/NRP) that is a whole cell there and
  holds no known first name is dropped.
Free-text columns (notes, comments, description) are left as they are.

Privacy contract: spans are added for person, organisation, place and ID columns; only NER spans inside a
recognised header row or that are a whole cell of a category column are removed, and never one holding a
known first name.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.detection.recognizers.handles import handle_shaped
from transforms.record import Span

SCORE = 0.6


def _set(block: str) -> frozenset[str]:
    return frozenset(w.strip() for w in block.split(",") if w.strip())


PERSON_HEADERS = _set(
    "name, full name, first name, last name, surname, given name, family name, customer, client, patient, "
    "employee, staff, owner, assignee, assigned to, reporter, requester, requestor, contact, contact name, "
    "author, manager, reviewer, approver, approved by, tenant, landlord, guest, student, member, agent, driver, "
    "signed by, attendee, participant, speaker, candidate, applicant, witness, caller, person, pupil, resident, "
    "submitted by, created by, raised by, handled by, next of kin, emergency contact, technician, doctor, nurse"
)
ORG_HEADERS = _set(
    "company, employer, organisation, organization, org, vendor, supplier, firm, school, university, bank, "
    "insurer, provider, carrier, agency, institution, practice, hospital, customer company"
)
PLACE_HEADERS = _set("city, town, location, address, street, home address, place, county, postcode, zip, village")
ID_HEADERS = _set(
    "id, ref, reference, account, account no, order, order no, ticket, ticket no, case, case no, booking, claim, "
    "policy, username, user, handle, login, user id, employee id, member id, patient id, mrn, nhs no, passport"
)
CATEGORY_HEADERS = _set(
    "role, title, job title, position, status, priority, team, department, dept, type, category, severity, "
    "stage, platform, os, level, grade, plan, tier, component, module, skill, skills, area, function, shift, "
    "result, outcome, state, phase, channel, source, kind, group, unit, ward"
)
# method ``table_date_columns``: dates and nationalities are personal data in a person's row
DATE_HEADERS = _set(
    "date, dob, date of birth, birth date, birthday, born, expiry, expiry date, expires, valid until, valid to, "
    "issue date, issued, date issued, admitted, discharged, visit date, appointment date, start date, end date, "
    "due date, day"
)
NRP_HEADERS = _set("nationality, citizenship, religion, ethnicity, ethnic group, faith")
PLACEHOLDERS = _set("n/a, na, none, tbd, tba, unknown, -, --, ?, yes, no, same, all, nil, null, pending, x, -")
NER_LABELS = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "NRP"})
LABEL_OF = (
    (PERSON_HEADERS, "PERSON"),
    (ORG_HEADERS, "ORGANIZATION"),
    (PLACE_HEADERS, "LOCATION"),
    (ID_HEADERS, "ID"),
)
KIND_OF = ((DATE_HEADERS, "DATE_TIME"), (NRP_HEADERS, "NRP"))
# a date cell: digits joined by "/", "-" or "." ("03/02", "2031-07-01"), or a day and a month name in
# either order, glued or spaced ("14SEP1979", "9 Mar", "Mar 9"); a bare number or an amount is not one
_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\p{L}{0,6}"
_DATE_CELL_RE = regex.compile(
    r"^(?:\p{L}{3,9},?[ \t])?\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{2,4})?(?!\d)"
    rf"|(?<!\p{{L}})\d{{1,2}}(?:st|nd|rd|th)?[ \t]?{_MONTH}(?:[ \t]?\d{{2,4}})?(?!\p{{L}})"
    rf"|^{_MONTH}\.?[ \t]\d{{1,2}}(?!\d)"
)
_LINE_RE = regex.compile(r"[^\n]*(?:\n|$)")
_RULE_RE = regex.compile(r"^[\s|:+\-=]+$")
_WORD_RE = regex.compile(r"[\p{L}\p{M}'\u2019-]+")
_ANY_HEADER = PERSON_HEADERS | ORG_HEADERS | PLACE_HEADERS | ID_HEADERS | CATEGORY_HEADERS
# plural headers read as singular (method ``table_date_columns``) only toward these: a plural of a category
# word ("Sources", "Channels", "Groups", "Units") is no category column, so names in it are never dropped
_SINGULAR_TO = (PERSON_HEADERS | DATE_HEADERS | NRP_HEADERS) - CATEGORY_HEADERS


def table_spans(text: str, spans: list[Span], date_columns: bool = False) -> list[Span]:
    """``spans`` with table cells added or dropped by their column header (see the module docstring);
    ``date_columns``: cells of date and nationality columns (``DATE_HEADERS``, ``NRP_HEADERS``) become
    DATE_TIME (when date-shaped) and NRP spans, and plural headers ("given names") read as singular when
    the singular is a person, date or nationality header (``_SINGULAR_TO``)."""
    known = _ANY_HEADER | (DATE_HEADERS | NRP_HEADERS if date_columns else frozenset())
    if "|" not in text and "\t" not in text:
        return spans
    drop: set[tuple[int, int]] = set()
    headers: list[tuple[int, int]] = []
    added: list[Span] = []
    for _sep, rows in _tables(text):
        header = [_norm(text[a:b]) for a, b in rows[0]]
        if not all(h and len(h.split()) <= 4 and not any(c.isdigit() for c in h) for h in header):
            continue
        if date_columns:  # "given names" -> "given name"; never toward a category ("sources" stays free text)
            header = [h[:-1] if h not in known and h.endswith("s") and h[:-1] in _SINGULAR_TO else h for h in header]
        if not any(h in known for h in header):
            continue
        if _holds_names(text, rows[0], spans):  # "Maria Lopez | Nurse | ...": a data row, not a header
            continue
        headers.append((rows[0][0][0], rows[0][-1][1]))
        for row in rows[1:]:
            for col, (a, b) in enumerate(row):
                if col >= len(header):
                    break
                _cell(text, a, b, header[col], added, drop, date_columns)
    if not added and not drop and not headers:
        return spans
    kept = [
        s
        for s in spans
        if not (
            s.label in NER_LABELS
            and ((s.start, s.end) in drop or any(a <= s.start and s.end <= b for a, b in headers))
            and not _first_name(text[s.start : s.end])
        )
    ]
    return kept + [s for s in added if not any(k.start < s.end and s.start < k.end for k in kept)]


def _cell(
    text: str, a: int, b: int, head: str, added: list[Span], drop: set[tuple[int, int]], kinds: bool = False
) -> None:
    value = text[a:b]
    if not value or value.lower() in PLACEHOLDERS:
        return
    if head in CATEGORY_HEADERS:
        if not _first_name(value):
            drop.add((a, b))
        return
    label = next((lab for heads, lab in LABEL_OF + (KIND_OF if kinds else ()) if head in heads), None)
    if label is not None and _fits(value, label):
        added.append(Span(a, b, label, SCORE))


def _first_name(value: str) -> bool:
    return any(w.lower() in lexicon.first_names() for w in _WORD_RE.findall(value, timeout=REGEX_TIMEOUT_SECONDS))


def _holds_names(text: str, row: list[tuple[int, int]], spans: list[Span]) -> bool:
    """A header candidate with a PERSON span or a first name in a cell is a data row (its names are kept)."""
    lo, hi = row[0][0], row[-1][1]
    if any(
        s.label == "PERSON" and lo <= s.start and s.end <= hi and _norm(text[s.start : s.end]) not in _ANY_HEADER
        for s in spans
    ):
        return True
    return any(_first_name(text[a:b]) for a, b in row if _norm(text[a:b]) not in _ANY_HEADER)


def _fits(value: str, label: str) -> bool:
    words = _WORD_RE.findall(value, timeout=REGEX_TIMEOUT_SECONDS)
    if label == "DATE_TIME":
        return len(value) <= 30 and _DATE_CELL_RE.search(value, timeout=REGEX_TIMEOUT_SECONDS) is not None
    if label == "NRP":
        return not any(c.isdigit() for c in value) and 1 <= len(words) <= 3
    if label == "ID":
        return any(c.isdigit() for c in value) or handle_shaped(value)
    if label == "PERSON":
        if any(c.isdigit() for c in value) or "@" in value or not 1 <= len(words) <= 5:
            return False
        return any(w[0].isupper() or lexicon.is_name_token(w) for w in words)
    return bool(words) and len(value.split()) <= 8


def _tables(text: str):
    """(separator, rows) for each run of 2+ lines with the same separator and cell count; a row is a list
    of (start, end) of its trimmed cells."""
    block: list[list[tuple[int, int]]] = []
    block_sep, width = "", 0
    for m in _LINE_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
        line_start, line = m.start(), m.group(0).rstrip("\n")
        if not line and m.start() == len(text):
            break
        if _RULE_RE.match(line, timeout=REGEX_TIMEOUT_SECONDS) and "-" in line and block:
            continue
        sep = "|" if line.count("|") >= 1 else ("\t" if "\t" in line.strip() else "")
        cells = _cells(line, line_start, sep) if sep else []
        if sep and len(cells) >= 2 and (not block or (sep == block_sep and len(cells) == width)):
            block.append(cells)
            block_sep, width = sep, len(cells)
            continue
        if len(block) >= 2:
            yield block_sep, block
        block = [cells] if sep and len(cells) >= 2 else []
        block_sep, width = (sep, len(cells)) if block else ("", 0)
    if len(block) >= 2:
        yield block_sep, block


def _cells(line: str, offset: int, sep: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for part in line.split(sep):
        stripped = part.strip()
        if stripped:
            a = offset + pos + part.index(stripped)
            out.append((a, a + len(stripped)))
        else:
            out.append((offset + pos, offset + pos))
        pos += len(part) + 1
    if sep == "|":  # "| a | b |": the empty cells outside the outer pipes are not columns
        if out and out[0][0] == out[0][1]:
            out = out[1:]
        if out and out[-1][0] == out[-1][1]:
            out = out[:-1]
    return out


def _norm(cell: str) -> str:
    return " ".join(cell.lower().replace(":", " ").replace("#", " no ").replace(".", " ").split())


# "Label: value" fields, one or more per line (split at "|" and tabs)
# "Title: Dr X Y", "Source: X Y", "Group/Unit/Channel: ..." often hold a person's name: not categories here
FIELD_CATEGORY_LABELS = (CATEGORY_HEADERS - _set("title, source, group, unit, channel")) | _set(
    "allergies, allergy, diagnosis, diagnoses, dx, impression, medication, medications, meds, procedure, "
    "chief complaint, complaint, symptoms, findings, condition, specialty, service, product, item, topic, "
    "subject area, labels, tags, resolution, reason, method, mode, format, language, currency, environment"
)
_FIELD_RE = regex.compile(r"^[ \t>*\u2022-]*(\p{L}[\p{L} /&#.'-]{0,30}?)[ \t]*:[ \t]+(\S[^|\t\n]*)")
_SEGMENT_RE = regex.compile(r"[^|\t\n]+")
FIELD_VALUE_MAX_WORDS = 4
ADDRESS_LABELS = _set(
    "address, home address, permanent address, temporary address, postal address, correspondence address, "
    "delivery address, billing address, current address, previous address, residential address, site address, "
    "site, property address, incident address, address of property"
)
_GAP_RE = regex.compile(r"[ \t]{3,}")
_TRAILING_WORDS = frozenset(["until", "till", "from", "to", "since", "between", "and", "or", "on", "at", "for"])
NAME_MAX_ZIPF = 3.0
FAKER_MAX_ZIPF = 3.3  # as signoffs: a Faker first name this rare in English is a name


def field_spans(text: str, spans: list[Span], addresses: bool = False) -> list[Span]:
    """Method ``field_labels``: "Label: value" fields read by their label, like table columns. NER spans in
    the label itself when it is 1-3 common words ("Ship to:") or in a short value (1-4 words) of a category
    label ("Status: Dispatched", "Allergies: NKDA") are dropped, unless the value holds a known first name or
    a capitalised rare word ("Shift: Priya Nair"); a short value of a person label that holds a known or
    rare name ("Customer: petra lind") becomes PERSON. ``addresses`` (method ``address_fields``): the value
    of an address label (``ADDRESS_LABELS``) up to a column gap, when it holds a digit, a comma or two
    capitalised words, is one LOCATION span (NER spans inside it give way to it)."""
    if ":" not in text:
        return spans
    drop: list[tuple[int, int]] = []
    added: list[Span] = []
    replaced: list[tuple[int, int]] = []
    for seg in _SEGMENT_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
        m = _FIELD_RE.match(seg.group(0), timeout=REGEX_TIMEOUT_SECONDS)
        if m is None:
            continue
        base = seg.start()
        label = _norm(m.group(1))
        la, lb = base + m.start(1), base + m.end(1)
        value = m.group(2).rstrip()
        va, vb = base + m.start(2), base + m.start(2) + len(value)
        words = [w for w in _WORD_RE.findall(m.group(1)) if len(w) > 2]  # "to", "of": no evidence either way
        if 1 <= len(words) <= 3 and all(lexicon.zipf(w) >= 3.3 and not lexicon.is_name_token(w) for w in words):
            drop.append((la, lb))
        if addresses and label in ADDRESS_LABELS:
            place = _address(value)
            if place:
                replaced.append((va, va + len(place)))
            continue
        if len(value.split()) > FIELD_VALUE_MAX_WORDS:
            continue
        if label in FIELD_CATEGORY_LABELS and not _named_value(value):
            drop.append((va, vb))
        elif label in PERSON_HEADERS and _named(value):
            added.append(Span(va, vb, "PERSON", SCORE))
    if not drop and not added and not replaced:
        return spans
    places = [p for p in (_fit_address(text, a, b, spans) for a, b in replaced) if p is not None]
    gone = drop + [(p.start, p.end) for p in places]
    kept = [s for s in spans if not (s.label in NER_LABELS and any(a <= s.start and s.end <= b for a, b in gone))]
    return kept + places + [s for s in added if not any(k.start < s.end and s.start < k.end for k in kept)]


def _fit_address(text: str, a: int, b: int, spans: list[Span]) -> Span | None:
    """The address span cut before the first non-name span inside it ("... EH4 2HS until <date>"), trailing
    function words off ("until", "from"); None when such a span starts at or before it (nothing of it would be left)."""
    others = [s for s in spans if s.label not in NER_LABELS and s.start < b and a < s.end]
    if any(s.start <= a for s in others):
        return None
    b = min([s.start for s in others] + [b])
    words = list(_WORD_RE.finditer(text, a, b))
    while words and words[-1].group(0).lower() in _TRAILING_WORDS:
        b = words.pop().start()
    b = a + len(text[a:b].rstrip(" .;,-"))
    return Span(a, b, "LOCATION", SCORE) if b > a and _address(text[a:b]) else None


def _address(value: str) -> str:
    """The address in a field value: up to a column gap (3+ spaces), trailing punctuation off; "" when it
    holds no digit, no comma and fewer than two capitalised words, or more than 14 words."""
    place = _GAP_RE.split(value, maxsplit=1)[0].rstrip(" .;,")
    words = place.split()
    if not words or len(words) > 14:
        return ""
    if any(c.isdigit() for c in place) or "," in place or sum(w[0].isupper() for w in words) >= 2:
        return place
    return ""


def _named_value(value: str) -> bool:
    """A category value that may still be a name: a Census first name, a Faker first name English hardly
    knows ("Shift: Priya Nair"), or 2-3 capitalised words each a known name or a rare word ("Dr Amara
    Okafor"); one rare capitalised word alone is a term of the field ("Allergies: Penicillin")."""
    words = _WORD_RE.findall(value)
    if _first_name(value) or any(
        w.casefold() in lexicon.faker_first_names() and lexicon.zipf(w) < FAKER_MAX_ZIPF for w in words
    ):
        return True
    caps = [w for w in words if w[0].isupper() and not w.isupper()]
    return 2 <= len(caps) <= 3 and all(
        lexicon.zipf(w) < NAME_MAX_ZIPF or w.casefold() in lexicon.faker_names() for w in caps
    )


def _named(value: str) -> bool:
    words = _WORD_RE.findall(value, timeout=REGEX_TIMEOUT_SECONDS)
    if not words or any(c.isdigit() for c in value) or "@" in value:
        return False
    return any((lexicon.is_name_token(w) and lexicon.zipf(w) < 4.5) or lexicon.zipf(w) < NAME_MAX_ZIPF for w in words)
