"""General forms of unseen text, one step (Beam-free): references with a remote cue, frame names,
non-Latin names, separator cuts, phone-shaped NHS numbers (``docs/detection.md``, "General forms").

One entry point for ``Detector._finish``, run before prose repair and propagation so that the names it
adds propagate and the spans it cuts are not spread whole. Each method has its own switch in the
recognizer YAML's ``methods`` section (``--ablate NAME``):

- ``separator_cuts`` (``span_cuts.cut_separators``): name spans cut at "|", " - ", "Label: ", ";" when
  a piece is the next field's label;
- ``remote_ref_ids`` (``ref_ids``): reference-shaped tokens with a record word earlier in the sentence,
  on the line before, or after them on the line;
- ``table_columns`` (``table_cells``): cells of person/organisation/place/ID columns are spans of that
  label; NER spans that are a whole cell of a category column (role, status, team) are dropped;
- ``product_context`` (``products``): software and product names taken as PERSON/ORGANIZATION/LOCATION
  are dropped when a software verb or noun stands beside them ("installed X", "X dashboards");
- ``signoff_names`` (``signoffs``): sign-off names, dash bylines, "Dear X Y" read as an organisation;
- ``chat_speakers`` (``chat_speakers``): speaker names of time-stamped chat/log lines ("<date> <time> -
  Name (team): text") when 2+ lines have that form;
- ``script_names`` (``script_names``): names in a non-Latin script inside Latin-script text;
- ``contact_acronyms`` (``acronym_orgs``): an acronym after a verb of contact or membership ("emailed
  HMRC and the CAB", "joined the RAF") is an ORGANIZATION;
- ``table_date_columns`` (``table_cells``, with ``table_columns``): cells of date and nationality columns
  ("DOB", "Expiry", "Nationality") are DATE_TIME (when date-shaped) and NRP; plural headers read as singular;
- ``field_labels`` (``table_cells.field_spans``): "Label: value" fields read by their label like table
  columns (NER spans in a common-word label or in a short category value dropped; a person label's short
  value with a known or rare name is PERSON);
- ``address_fields`` (``table_cells.field_spans``, with ``field_labels``): the value of an address label
  ("Address:", "Delivery address:", "Site:") up to a column gap is one LOCATION span;
- ``account_names`` (``account_names``): account names in home-directory paths, shell prompts and
  issue-tracker activity lines ("kfenn commented 2 days ago") are IDs;
- ``date_time_forms`` (``date_forms``): a clock time after a date joins it; a short day/month with a
  clock time after it is a timestamp; compact dates ("14SEP1979"); each validated as a real date/time;
- ``labelled_codes`` (``labelled_codes``): codes after an identifier word ("Member no: XY 40217",
  "(ID KT55012)", "ending 4417") or a field label ("UPN: K902113344551"), spaced groups included;
- ``spoken_values`` (``spoken_values``): references and names read out digit by digit and letter by
  letter in speech ("k p three three one zero eight", "o k o n j o hyphen b e l l" after "spell");
- ``byline_handles`` (``bylines``): handle-shaped usernames in forum/comment bylines (a line of their own,
  before " · " metadata or "- 3 weeks ago");
- ``nhs_phone_labels``: a UK_NHS match written like a phone number (brackets, dots, hyphens in 3-3-4,
  a "+1", or a phone word before it) and with no NHS/health-number cue is labelled PHONE_NUMBER.

Privacy contract: most methods only add, extend or relabel spans. Four remove NER-style spans (PERSON,
ORGANIZATION, LOCATION, NRP; never a pattern recognizer's ID, number or contact span), each on a stated
cue: ``separator_cuts`` drops a piece that is a field label (1-2 common English words before ``:``, none
a known first name); ``table_columns`` and ``field_labels`` drop spans in a header row or a common-word
label, and whole short values of a category column or label, unless they hold a known first name (or, for
field values, a capitalised word English hardly knows), and a first row holding a name is data, not a
header; ``product_context`` drops a 1-2 word span beside a software cue, never a Census name, a span before
a possessive, or a rare capitalised word on a weak cue ("use", "via", a thing noun); ``signoff_names``
cuts only the salutation word off a span. So a word that is a name by those tests keeps its span; a rare
or common word with a strong contrary cue may not (a software name before "dashboards" is dropped by
design). Every regex scan runs under ``budget.REGEX_TIMEOUT_SECONDS``; a scan that spends it raises
``RecordError(DETECT_REGEX_TIMEOUT)`` (the record is quarantined, never passed half-scanned).
"""

from __future__ import annotations

import regex

from transforms import reasons
from transforms.detection.account_names import account_spans
from transforms.detection.acronym_orgs import acronym_spans
from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.detection.bylines import byline_spans
from transforms.detection.chat_speakers import chat_speaker_spans
from transforms.detection.date_forms import date_time_spans
from transforms.detection.labelled_codes import labelled_code_spans
from transforms.detection.products import product_spans
from transforms.detection.recognizer_config import MethodsSpec
from transforms.detection.ref_ids import ref_id_spans
from transforms.detection.script_names import script_name_spans
from transforms.detection.signoffs import signoff_spans
from transforms.detection.span_cuts import cut_separators
from transforms.detection.spoken_values import spoken_value_spans
from transforms.detection.table_cells import field_spans, table_spans
from transforms.errors import RecordError
from transforms.record import Span

_US_PHONE_RE = regex.compile(r"^(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[.-])\d{3}[.-]\d{4}$")
_PHONE_CUE_RE = regex.compile(r"(?i)\b(?:call|phone|tel|telephone|mobile|cell|fax|text|reach|ring|dial|number)\b")
_NHS_CUE_RE = regex.compile(r"(?i)\b(?:nhs|chi|health|hospital|patient|gp|medical)\b")


def cue_spans(
    text: str, spans: list[Span], methods: MethodsSpec, stop: set[str], org_heads: frozenset[str]
) -> list[Span]:
    """``spans`` after the switched-on methods above. A regex scan that spends its time budget
    (``budget.REGEX_TIMEOUT_SECONDS``) raises ``RecordError(DETECT_REGEX_TIMEOUT)``: the record is
    quarantined, not passed half-scanned."""
    try:
        return _cue_spans(text, spans, methods, stop, org_heads)
    except TimeoutError:
        raise RecordError(reasons.DETECT_REGEX_TIMEOUT, "a cue-form regex timed out") from None


def _cue_spans(
    text: str, spans: list[Span], methods: MethodsSpec, stop: set[str], org_heads: frozenset[str]
) -> list[Span]:
    if methods.date_time_forms:
        spans = date_time_spans(text, spans)
    if methods.separator_cuts:
        spans = cut_separators(text, spans, org_heads)
    if methods.table_columns:
        spans = table_spans(text, spans, date_columns=methods.table_date_columns)
    if methods.field_labels:
        spans = field_spans(text, spans, addresses=methods.address_fields)
    if methods.nhs_phone_labels:
        spans = [_nhs_label(text, s) for s in spans]
    if methods.product_context:
        spans = product_spans(text, spans)
    if methods.signoff_names:
        spans = signoff_spans(text, spans, stop)
    if methods.chat_speakers:
        spans = chat_speaker_spans(text, spans)
    if methods.script_names:
        spans = spans + script_name_spans(text, spans)
    if methods.contact_acronyms:
        spans = spans + acronym_spans(text, spans)
    if methods.account_names:
        spans = spans + account_spans(text, spans, stop)
    if methods.remote_ref_ids:
        spans = spans + ref_id_spans(text, spans)
    if methods.labelled_codes:
        spans = labelled_code_spans(text, spans)
    if methods.spoken_values:
        spans = spoken_value_spans(text, spans)
    if methods.byline_handles:
        spans = byline_spans(text, spans)
    return spans


def _nhs_label(text: str, s: Span) -> Span:
    if s.label != "UK_NHS":
        return s
    before = text[max(0, s.start - 40) : s.start]
    if _NHS_CUE_RE.search(before, timeout=REGEX_TIMEOUT_SECONDS):
        return s
    if _US_PHONE_RE.match(text[s.start : s.end], timeout=REGEX_TIMEOUT_SECONDS) or _PHONE_CUE_RE.search(
        before, timeout=REGEX_TIMEOUT_SECONDS
    ):
        return Span(s.start, s.end, "PHONE_NUMBER", s.score)
    return s
