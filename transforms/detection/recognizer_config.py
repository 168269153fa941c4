"""The recognizer YAML (``recognizers.yaml``): Presidio's recognizer schema, extended; pydantic-validated.

``recognizers`` entries follow Presidio's custom-recognizer schema (``name``, ``supported_entity``,
``patterns`` [{name, regex, score}], ``context``, ``deny_list``) plus our extensions:

- ``type``: ``pattern`` (default; Presidio ``PatternRecognizer``) or one of the code recognizers in
  ``transforms.detection.recognizer_options.KINDS`` (``address``, ``spoken_email``, ``spoken_number``,
  ``context_person``, ``gazetteer_person``, ``lexicon``, ``username``, ``handle``); ``options`` holds
  their settings;
- ``validator``: a checksum (``luhn``, ``iban``, or ``stdnum:<module>`` of python-stdnum) a match must pass;
- ``flags``: regex flags (default Presidio's: IGNORECASE|MULTILINE|DOTALL; ``case_sensitive`` drops IGNORECASE).

Other sections configure the NER label mapping, Presidio's predefined recognizers, propagation,
transcript handling and precision guards. Every regex is compiled at load; a bad file is a ``ConfigError``.
"""

from __future__ import annotations

import functools
import importlib
from pathlib import Path
from typing import Any, Literal

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from transforms.errors import ConfigError

DEFAULT_FILE = Path(__file__).with_name("recognizers.yaml")
ENTITY_RE = regex.compile(r"^[A-Z][A-Z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PatternSpec(_Strict):
    name: str
    regex: str
    score: float = Field(ge=0.0, le=1.0)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            regex.compile(v)
        except regex.error as exc:
            raise ValueError(f"invalid regex: {exc}") from None
        return v


class RecognizerSpec(_Strict):
    name: str
    type: str = "pattern"
    supported_entity: str
    supported_language: str = "en"
    enabled: bool = True
    patterns: list[PatternSpec] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    deny_list: list[str] = Field(default_factory=list)
    validator: str | None = None
    flags: Literal["default", "case_sensitive"] = "default"
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("supported_entity")
    @classmethod
    def _entity(cls, v: str) -> str:
        if not ENTITY_RE.match(v):
            raise ValueError("entity names are UPPER_SNAKE_CASE")
        return v

    @field_validator("validator")
    @classmethod
    def _validator(cls, v: str | None) -> str | None:
        if v is not None:
            resolve_validator(v)
        return v

    @model_validator(mode="after")
    def _shape(self) -> RecognizerSpec:
        from transforms.detection.recognizer_options import KINDS, check_options  # Presidio-free

        if self.type == "pattern":
            if not self.patterns and not self.deny_list:
                raise ValueError(f"recognizer {self.name}: a pattern recognizer needs patterns or a deny_list")
        elif self.type not in KINDS:
            raise ValueError(f"recognizer {self.name}: unknown type {self.type!r} (known: pattern, {', '.join(KINDS)})")
        else:
            check_options(self.type, self.options)
        return self


class PredefinedSpec(_Strict):
    """Presidio's predefined recognizers: all load by default; disable by class name, or pass parameters."""

    disabled: list[str] = Field(default_factory=list)
    params: dict[str, dict[str, Any]] = Field(default_factory=dict)


class NerSpec(_Strict):
    """spaCy label -> Presidio entity mapping (Presidio's ``ner_model_configuration``)."""

    model_to_presidio_entity_mapping: dict[str, str]
    labels_to_ignore: list[str] = Field(default_factory=list)
    low_confidence_score_multiplier: float = Field(0.4, ge=0.0, le=1.0)
    low_score_entity_names: list[str] = Field(default_factory=list)


class PropagationSpec(_Strict):
    """Document/conversation propagation of confidently detected values (see ``propagation``)."""

    enabled: bool = True
    entities: list[str] = Field(default_factory=lambda: ["PERSON"])
    min_score: float = Field(0.6, ge=0.0, le=1.0)
    score: float = Field(0.6, ge=0.0, le=1.0)
    name_parts: bool = True
    min_part_chars: int = Field(3, ge=1)


class TranscriptSpec(_Strict):
    """Lowercase ASR-style text: truecase known names before NER (length-preserving)."""

    truecase: bool = True
    decapitalize_shouting: bool = True
    max_upper_ratio: float = Field(0.02, ge=0.0, le=1.0)
    name_max_zipf: float = Field(4.6, ge=0.0, le=8.0)
    turn_context_words: int = Field(6, ge=0, le=50)


class GuardSpec(_Strict):
    """Precision guards applied to spans of the listed recognizers (see ``guards``)."""

    recognizers: list[str] = Field(default_factory=lambda: ["SpacyRecognizer"])
    lowercase_entities: list[str] = Field(
        default_factory=lambda: ["PERSON", "ORGANIZATION", "LOCATION", "NRP"],
        description="in cased text, an all-lowercase span of these entities is not a proper noun",
    )
    entities: list[str] = Field(default_factory=lambda: ["PERSON", "ORGANIZATION", "LOCATION", "NRP"])
    common_word_min_zipf: float = Field(3.0, ge=0.0, le=8.0)
    ui_verbs: list[str] = Field(
        default_factory=list, description="a span right after (or starting with) one of these is a UI label"
    )
    relative_date_words: list[str] = Field(
        default_factory=list, description="DATE_TIME spans made only of these words are not redacted"
    )
    stop_words: list[str] = Field(default_factory=list)
    min_alnum_chars: int = Field(2, ge=1)
    org_heads: list[str] = Field(
        default_factory=list, description="capitalized head nouns that are evidence of an organisation name"
    )
    acronym_entities: list[str] = Field(default_factory=lambda: ["PERSON", "ORGANIZATION", "NRP"])
    acronym_density: float = Field(
        0.2, ge=0.0, le=1.0, description="a line with this share (and 2+) of ALL-CAPS tokens is abbreviation-dense"
    )
    shouted_word_min_zipf: float = Field(4.5, ge=0.0, le=8.0)
    role_nouns: list[str] = Field(
        default_factory=list,
        description="capitalized role words and defined terms ('the Applicant', 'the Company'): never a name alone",
    )
    title_nouns: list[str] = Field(
        default_factory=list,
        description="nouns that end a job title ('Field Engineer'): such a phrase is not a town or an employer",
    )


class LocationPolicySpec(_Strict):
    """Which place granularities are personal data (docs/detection.md "Location policy"). Countries and
    first-level regions (``data/places.yaml``) are redacted by default; set false to keep them readable."""

    redact_countries: bool = True
    redact_regions: bool = True


class MethodsSpec(_Strict):
    """Switches for the general methods, so each can be ablated (``redact eval --ablate NAME``)."""

    segment_casing: bool = Field(True, description="casing decided per line/sentence; re-cased view for NER")
    common_word_guard: bool = Field(True, description="NER spans made only of common words are dropped")
    org_head_evidence: bool = Field(True, description="an organisation head noun overrides the common-word guard")
    acronym_guard: bool = Field(True, description="ALL-CAPS tokens in headers/abbreviation-dense lines dropped")
    numeric_validators: bool = Field(True, description="phone/date/URL spans must validate")
    one_label: bool = Field(True, description="one surface form, one label per document/conversation")
    place_pairs: bool = Field(True, description='"<place>, <region code/region/country>" forms are LOCATION')
    entry_heads: bool = Field(True, description="the field-opening phrase before a place pair is its ORGANIZATION")
    caps_org_names: bool = Field(True, description="ALL-CAPS runs shaped like organisation names (head + rare word)")
    title_org_names: bool = Field(True, description="Title Case runs of the same shape (head + rare word)")
    prose_caps_evidence: bool = Field(
        True, description="a name capitalized mid-sentence in running prose overrides the common-word guard"
    )
    boundary_repair: bool = Field(True, description="name spans grow over adjacent capitalized name tokens")
    list_coordination: bool = Field(True, description="detected names in a list make its other items names")
    acronym_apposition: bool = Field(True, description="an acronym in brackets after a detected name is that name")
    field_gap_cuts: bool = Field(True, description="spans cut at column gaps and line breaks (span_cuts.py)")
    prose_org_runs: bool = Field(
        True, description="an ORGANIZATION of 2+ capitalized words mid-sentence needs no article"
    )
    defined_names: bool = Field(
        True, description="a capitalized phrase defined by its bracketed acronym, with evidence"
    )
    subject_surnames: bool = Field(True, description="a known surname alone opening a sentence before a verb")
    article_org_names: bool = Field(True, description='"the" + capitalized words with an organisation head, in prose')
    first_name_pairs: bool = Field(True, description="a Census/Faker first name + an uncommon capitalized word")
    person_boundaries: bool = Field(True, description="titles, field labels, next lines cut off PERSON spans")
    numeric_rerouting: bool = Field(True, description="cued numbers become AGE/ID/DATE_TIME (number_routes.py)")
    separator_cuts: bool = Field(True, description='name spans cut at "|", " - ", "Label: " before a field label')
    remote_ref_ids: bool = Field(True, description="reference-shaped tokens with a record word nearby (ref_ids.py)")
    signoff_names: bool = Field(True, description="sign-off names, dash bylines, salutations (signoffs.py)")
    script_names: bool = Field(True, description="non-Latin names in Latin-script text (script_names.py)")
    table_columns: bool = Field(True, description="table cells labelled (or cleared) by their column header")
    product_context: bool = Field(True, description='software/product names by context ("installed X", "X dashboards")')
    contact_acronyms: bool = Field(True, description='an acronym after a verb of contact/membership ("emailed HMRC")')
    field_labels: bool = Field(True, description='"Label: value" fields read by their label (table_cells.py)')
    account_names: bool = Field(True, description="account names in paths, prompts, tracker lines (account_names.py)")
    measure_guard: bool = Field(True, description='NER spans of abbreviation + number pairs ("BP 135/85") dropped')
    nhs_phone_labels: bool = Field(True, description="a phone-shaped UK_NHS match without NHS cue is a phone")
    date_time_forms: bool = Field(
        True, description="date + clock time joined, short timestamps, compact dates (date_forms.py)"
    )
    service_org_heads: bool = Field(
        True, description='service-business heads ("Air", "Centre", "Clinic") for org shapes (org_shapes.py)'
    )
    table_date_columns: bool = Field(
        True, description="table cells of date and nationality columns (table_cells.py, with table_columns)"
    )
    address_fields: bool = Field(True, description='the value of an "Address:" field is one LOCATION (table_cells.py)')
    labelled_codes: bool = Field(
        True, description="codes after an identifier word or a field label (labelled_codes.py)"
    )
    spoken_values: bool = Field(True, description="digits and letters read out one by one in speech (spoken_values.py)")
    byline_handles: bool = Field(True, description="handle-shaped usernames in forum/comment bylines (bylines.py)")
    caps_derived_words: bool = Field(
        True, description="ALL-CAPS spans of common and derived English words dropped (caps_words.py)"
    )
    chat_speakers: bool = Field(True, description="speaker names of time-stamped chat/log lines (chat_speakers.py)")
    lower_common_words: bool = Field(
        True, description="lowercase text: PERSON/ORG spans of common non-first-name words dropped (lower_names.py)"
    )


class RecognizersFile(_Strict):
    version: Literal[1] = 1
    ner: NerSpec
    predefined: PredefinedSpec = PredefinedSpec()
    recognizers: list[RecognizerSpec] = Field(default_factory=list)
    propagation: PropagationSpec = PropagationSpec()
    transcript: TranscriptSpec = TranscriptSpec()
    guards: GuardSpec = GuardSpec()
    methods: MethodsSpec = MethodsSpec()
    location: LocationPolicySpec = LocationPolicySpec()

    @model_validator(mode="after")
    def _unique_names(self) -> RecognizersFile:
        names = [r.name for r in self.recognizers]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"duplicate recognizer names: {sorted(dup)}")
        return self


def ablated(rules: RecognizersFile, names: list[str]) -> RecognizersFile:
    """A copy of ``rules`` with each named method (``methods`` key) or recognizer (by name) switched off."""
    methods = dict(rules.methods.model_dump())
    recognizers = [r.model_dump() for r in rules.recognizers]
    known = {r["name"] for r in recognizers}
    for name in names:
        if name in methods:
            methods[name] = False
        elif name in known:
            for r in recognizers:
                if r["name"] == name:
                    r["enabled"] = False
        else:
            raise ConfigError(f"--ablate: unknown method or recognizer {name!r} (methods: {', '.join(methods)})")
    data = {**rules.model_dump(), "methods": methods, "recognizers": recognizers}
    return RecognizersFile.model_validate(data)


def resolve_validator(name: str):
    """``luhn`` | ``iban`` | ``stdnum:<module>`` -> callable(str) -> bool."""
    if name == "luhn":
        name = "stdnum:luhn"
    elif name == "iban":
        name = "stdnum:iban"
    if not name.startswith("stdnum:"):
        raise ValueError(f"unknown validator {name!r}")
    module = name.split(":", 1)[1]
    if not regex.fullmatch(r"[a-z0-9_.]+", module):
        raise ValueError(f"bad stdnum module name {module!r}")
    try:
        mod = importlib.import_module(f"stdnum.{module}")
    except ImportError:
        raise ValueError(f"python-stdnum has no module {module!r}") from None
    return mod.is_valid


def recognizers_file_sha256(path: str | None = None) -> str:
    import hashlib

    p = Path(path) if path else DEFAULT_FILE
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""


@functools.lru_cache(maxsize=8)
def load_recognizers_file(path: str | None = None) -> RecognizersFile:
    p = Path(path) if path else DEFAULT_FILE
    if not p.is_file():
        raise ConfigError(f"recognizers file not found: {p}")
    try:
        data = yaml.safe_load(p.read_text())
    except yaml.YAMLError:
        raise ConfigError(f"recognizers file {p} is not valid YAML") from None
    try:
        return RecognizersFile.model_validate(data or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "(root)"
        raise ConfigError(f"invalid recognizers file {p.name}: {loc}: {err['msg']}") from None
