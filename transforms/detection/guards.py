"""Precision guards for NER spans (Beam-free): over-redaction destroys training value.

Applied to spans of the listed recognizers (default: the statistical NER, ``SpacyRecognizer``);
pattern/checksum recognizers are not second-guessed here. A span is dropped when:
- in cased text, it is all lowercase (proper nouns are capitalized; "mission", "salesperson");
- in lowercase (ASR) text, it has no known-name and no rare word ("change light colour to blue");
- it has fewer than ``min_alnum_chars`` letters/digits;
- every word in it is a stop word or a common English word (Zipf >= ``common_word_min_zipf``) that is
  not a Census first name/surname: capitalized UI words and headings ("Settings", "Reset",
  "Account Overview") are not names;
- it is a DATE_TIME made only of relative-time words ("today", "tomorrow morning", "the last five
  minutes"): such expressions identify no one, and redacting them costs training value;
- it follows (or starts with) a UI verb ("click Save", "open Settings", "tap Reset"): a UI label;
- it looks like a unit or quantity ("5 kg", "20ms") or a product/model code ("XR-2000", "A4"), or it
  has no alphabetic word that is not common ("Labs 110-125").
An organisation head noun ("Party", "Ministry", "University") is evidence that overrides the common-word
rule for a multi-word ORGANIZATION span ("Crofters Party").

``check`` adds two rules for every recognizer (``methods`` switches them):
- acronym guard: an ALL-CAPS token taken as PERSON/ORGANIZATION/NRP is dropped in a header line, before
  a colon, in an abbreviation-dense line ("BP 120/80, HR 88, RR 16"), or when it is a shouted common
  word ("HISTORY"), unless the document defines it ("Crofters Party (CP)");
- numeric validators (``validators``): phone numbers, dates and URLs must be what they claim.
"""

from __future__ import annotations

import functools

import regex

from transforms.detection import caps_words, lexicon, lower_names, validators
from transforms.detection.memo import BoundedMemo
from transforms.detection.prose import is_prose, prose_capitals, sentence_bounds, title_of_work
from transforms.detection.recognizer_config import GuardSpec, LocationPolicySpec, MethodsSpec

WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}'\u2019]+")
UNIT_RE = regex.compile(
    r"^\d+(?:[.,]\d+)?\s?(?:k?g|mg|µg|t|ml|l|cl|dl|km|m|cm|mm|µm|nm|mi|ft|in|yd|lbs?|oz|kb|mb|gb|tb|kib|mib|gib|"
    r"b|bits?|bytes?|hz|khz|mhz|ghz|v|mv|kv|w|kw|mw|kwh|mah|a|ma|°c|°f|c|f|k|%|px|pt|em|rem|dpi|fps|ms|s|sec|min|h|hrs?|x)$",
    regex.IGNORECASE,
)
CODE_RE = regex.compile(
    r"^(?=.*\d)(?=.*[A-Za-z])[A-Z0-9]{1,6}(?:[-/.][A-Z0-9]{1,8}){0,3}$|^[A-Z]{1,5}[- ]?\d{1,6}(?:\.\d{1,4})*[A-Z]?$"
)

ACRONYM_RE = regex.compile(r"^\p{Lu}(?:[\p{Lu}&]|\.(?=\p{Lu})){1,19}\.?$")
FIELD_LABEL_MIN_ZIPF = 2.5
PHONE_VERDICTS = 1 << 14  # remembered valid_phone verdicts per Guards (a short value and a bool each)
FIELD_LABEL_RE = regex.compile(r"(?<=^[ \t>*-]*)\p{L}+$", regex.MULTILINE)
TOKEN_RE = regex.compile(r"[\p{L}\p{N}&]+")
INITIALS_RE = regex.compile(r"\p{L}+")
NON_LATIN_RE = regex.compile(r"[^\p{Latin}\p{Common}\p{Inherited}]")


class Guards:
    def __init__(
        self,
        spec: GuardSpec,
        methods: MethodsSpec | None = None,
        phone_regions=(),
        location: LocationPolicySpec | None = None,
    ) -> None:
        self.spec = spec
        self.coarse_places = _coarse_places(location or LocationPolicySpec())
        self.methods = methods or MethodsSpec()
        self.regions = list(phone_regions)
        # valid_phone verdicts by value (a pure function of the value and the regions fixed here): the
        # same number recurs across recognizers and records. Values stay in this worker's memory, bounded.
        self._phones = BoundedMemo(PHONE_VERDICTS)
        self.org_heads = set(spec.org_heads)
        self.acronym_entities = set(spec.acronym_entities)
        self.entities = set(spec.entities)
        self.recognizers = set(spec.recognizers)
        self.lowercase = set(spec.lowercase_entities)
        self.relative_dates = {w.lower() for w in spec.relative_date_words}
        self.ui_verbs = {w.lower() for w in spec.ui_verbs}
        self.stop = {w.lower() for w in spec.stop_words}
        self.roles = {w.lower() for w in spec.role_nouns}

    def applies(self, recognizer: str | None) -> bool:
        return recognizer in self.recognizers

    def keep(
        self,
        value: str,
        label: str,
        cased_text: bool = True,
        analysis_value: str | None = None,
        before: str = "",
        upper: bool = False,
        where: tuple[str, int, int] | None = None,
    ) -> bool:
        """False if a span with this text and label (from a guarded recognizer) should not be redacted.

        ``analysis_value`` is the span in the truecased analysis text of a lowercase document; ``before``
        is the text just before the span; ``upper``: the span lies in an ALL-CAPS segment, where capitals
        say nothing, so a PERSON/ORGANIZATION/NRP needs a Census first name or a rare word. ``where`` =
        (document text, start, end) of the span: a name capitalized mid-sentence in running prose is kept
        even when its words are common (``prose.prose_capitals``)."""
        core = value.strip()
        if (
            upper
            and label in self.lowercase
            and label != "LOCATION"
            and not self._has_name_word(core.lower(), allow_capital=False)
            and not (label == "ORGANIZATION" and self.methods.org_head_evidence and self._org_head(_title_words(core)))
        ):
            return False
        if (
            upper
            and self.methods.caps_derived_words
            and label in caps_words.LABELS
            and not self._org_head(_title_words(core))
            and caps_words.shouted_ordinary(core, self.stop, self.spec.common_word_min_zipf)
        ):
            return False  # "TENANCY ADJUDICATION NOTICE": rare but ordinary (derived) English words
        if label in self.entities and self.ui_verbs and self._after_ui_verb(core, before):
            return False
        if label == "DATE_TIME" and self.relative_dates:
            words = WORD_RE.findall(core.lower())
            named = [w for w in words if not (w.isdigit() and len(w) <= 3)]
            if named and all(w in self.relative_dates for w in named):  # "24 hours", "the next two weeks"
                return False
        if label in self.lowercase and core and any(c.isalpha() for c in core) and not upper:
            if cased_text and core == core.lower():
                return False
            if not cased_text and not self._has_name_word(analysis_value or core):
                return False
            if (
                not cased_text
                and core == core.lower()
                and self.methods.lower_common_words
                and label in lower_names.LABELS
                and lower_names.common_lower_name(
                    core, before, self.stop, self.spec.common_word_min_zipf, label, _after(where)
                )
            ):
                return False  # "ladder", "fence" in a chat: a surname list is no evidence for everyday words
        if self.methods.measure_guard and label in MEASURE_LABELS and _measurements(core, label):
            return False
        if label not in self.entities:
            return True
        if sum(c.isalnum() for c in core) < self.spec.min_alnum_chars:
            return False
        if UNIT_RE.match(core) or CODE_RE.match(core):
            return False
        words = [w for w in WORD_RE.findall(core) if any(c.isalpha() for c in w)]
        if not words:
            return False
        if label == "ORGANIZATION" and self.methods.org_head_evidence and self._org_head(words):
            return True
        if not self.methods.common_word_guard or not all(self._common(w) for w in words):
            return True
        content = [w for w in words if w.lower() not in self.stop]
        if len(content) == 1 and (label == "PERSON" or content[0].lower() in self.roles):
            return False  # one common word as a person ("Tales"), or a role/defined term ("the Applicant")
        return bool(
            self.methods.prose_caps_evidence
            and where is not None
            and cased_text
            and prose_capitals(*where, self.stop, cue=label == "PERSON" or self._org_run(label, content, where))
        )

    def check(self, text: str, start: int, end: int, label: str) -> bool:
        """Rules for spans of every recognizer: the acronym guard and the numeric validators."""
        value = text[start:end]
        if label == "LOCATION" and self.coarse_places and _place_key(value) in self.coarse_places:
            return False  # location policy: a country/region alone is not personal data here
        if self.methods.numeric_validators:
            if label == "PHONE_NUMBER" and not self._valid_phone(value):
                return False
            if label == "DATE_TIME" and not validators.valid_date(value):
                return False
            if label == "URL" and not validators.valid_url(value, text[end : end + 1]):
                return False
        if self.methods.common_word_guard and label == "PERSON" and self._field_label(text, start, end):
            return False
        if self.methods.acronym_guard and label in self.acronym_entities and ACRONYM_RE.match(value.strip()):
            return self._acronym_ok(text, start, end, value.strip())
        return True

    def _valid_phone(self, value: str) -> bool:
        ok = self._phones.get(value)
        if ok is None:
            ok = validators.valid_phone(value, self.regions)
            self._phones.put(value, ok)
        return ok

    def _org_run(self, label: str, content: list[str], where: tuple[str, int, int]) -> bool:
        """Method ``prose_org_runs``: an ORGANIZATION proposal of 2+ capitalized words in mid-sentence prose
        needs no article ("joined Popular Harvest"), unless it reads as the title of a work."""
        if not (self.methods.prose_org_runs and label == "ORGANIZATION" and len(content) >= 2):
            return False
        text, start, end = where
        lower = [w for w in WORD_RE.findall(text[start:end]) if w[0].islower()]
        if any(w not in RUN_LINKS for w in lower):
            return False  # "Acme and Brightline", "from Harvest to Reform": two names, not one
        places = lexicon.place_names()
        if sum(w.lower() in places for w in content) >= 2:
            return False  # "Estonia and Latvia" read as one organisation
        lo, hi = sentence_bounds(text, start, end)
        if not is_prose(text, lo, hi, RUN_MIN_LOWER_WORDS):
            return False  # a short line of CV or form text, where common nouns are capitalized too
        return not title_of_work(*where)

    @staticmethod
    def _field_label(text: str, start: int, end: int) -> bool:
        """One English word opening a line before a colon ("Vitals:", "Impression:") that is not a known
        name: a form or note field label, not a speaker."""
        if text[end:].lstrip(" \t")[:1] != ":":
            return False
        line_start = text.rfind("\n", 0, start) + 1
        m = FIELD_LABEL_RE.search(text[line_start:end])
        if m is None or m.start() + line_start != start or lexicon.is_name_token(m.group(0)):
            return False
        return lexicon.zipf(m.group(0)) >= FIELD_LABEL_MIN_ZIPF  # an English word; "Ubul:" stays a speaker

    def _org_head(self, words: list[str]) -> bool:
        content = [w for w in words if w.lower() not in self.stop]
        return len(content) >= 2 and any(w in self.org_heads for w in content)

    def _acronym_ok(self, text: str, start: int, end: int, core: str) -> bool:
        letters = "".join(c for c in core if c.isalpha())
        if self._defined(text, letters):
            return True
        if len(letters) >= 4 and lexicon.zipf(letters.lower()) >= self.spec.shouted_word_min_zipf:
            return False  # a shouted common word ("HISTORY"), not an acronym
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        nxt = text[end:].lstrip(" \t#")[:1]
        if nxt == ":" or nxt.isdigit():
            return False  # a field label or section header ("PLAN:", "BP 120/80", "SSN 536-...")
        tokens = TOKEN_RE.findall(line)
        alpha = [t for t in tokens if any(c.isalpha() for c in t)]
        caps = [t for t in alpha if ACRONYM_RE.match(t)]
        if len(alpha) >= 2 and len(caps) == len(alpha):
            return False  # an ALL-CAPS line: a header
        return not (len(caps) >= 2 and len(caps) >= self.spec.acronym_density * len(tokens))

    @staticmethod
    def _defined(text: str, letters: str) -> bool:
        """The document spells the acronym out: "Capitalized Words Of The Name (CWN)"."""
        pos = text.find(f"({letters})")
        while pos >= 0:
            initials = "".join(w[0] for w in INITIALS_RE.findall(text[max(0, pos - 120) : pos]) if w[0].isupper())
            if initials.endswith(letters):
                return True
            pos = text.find(f"({letters})", pos + 1)
        return False

    def _after_ui_verb(self, core: str, before: str) -> bool:
        words = WORD_RE.findall(core)
        prev = WORD_RE.findall(before[-30:])
        first = words[0].lower() if words else ""
        return first in self.ui_verbs or (bool(prev) and prev[-1].lower() in self.ui_verbs)

    def _has_name_word(self, value: str, allow_capital: bool = True) -> bool:
        """Lowercase text: a proper-noun span needs a truecased name, a Census first name or a rare word."""
        for w in WORD_RE.findall(value):
            low = w.lower()
            if low in self.stop:
                continue
            if NON_LATIN_RE.search(w):
                return True  # the English lexicons cannot judge other scripts: no evidence against
            if (
                (allow_capital and w[0].isupper())
                or low in lexicon.first_names()
                or lexicon.zipf(low) < self.spec.common_word_min_zipf
            ):
                return True
        return False

    def common(self, word: str) -> bool:
        """A stop word or a common English word that is not a Census name (the common-word guard's test)."""
        return self._common(word)

    def _common(self, word: str) -> bool:
        w = word.lower().removesuffix("'s").removesuffix("\u2019s")
        if w in self.stop:
            return True
        if w.isdigit() or lexicon.is_name_token(w):
            return False
        if self.methods.acronym_guard and ACRONYM_RE.match(word) and len(w) <= 5:
            return lexicon.zipf(w) >= self.spec.shouted_word_min_zipf  # acronyms: judged by the acronym guard
        return lexicon.zipf(w) >= self.spec.common_word_min_zipf


MEASURE_LABELS = frozenset({"PERSON", "ORGANIZATION", "NRP", "LOCATION"})
# "BP 135/85", "Plt 240, BP 135", "Alb 3.1": short abbreviations, each before a number (vitals, labs, sizes)
_MEASURE_RE = regex.compile(r"(?:(\p{L}{1,4})\.?:?[ \t]*\d+(?:[.,/-]\d+)*[ \t]*(?:%|/\p{L}{1,3})?[ \t]*[,;]?[ \t]*)+")
_MEASURE_WORD_RE = regex.compile(r"\p{L}{1,4}(?=\.?:?[ \t]*\d)")
# unit and road words before a number belong to an address, not to a measurement
ADDRESS_WORDS = frozenset(
    {"apt", "flat", "unit", "ste", "fl", "rm", "box", "no", "bldg", "blk", "lot", "po", "rte", "rd", "st", "ave"}
    | {"hwy", "pier", "dock", "gate", "km", "mile", "exit", "suite", "room"}
)


_NUMBER_RE = regex.compile(r"\d+")
# US state and territory codes: "CA 94105", "NY 10001" are postcodes, not lab values
US_STATES = lexicon.word_set(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND "
    "OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP"
)
POSTCODE_MIN_DIGITS = 5
CODE_MIN_DIGITS = 3  # "HR 88" stays a vital sign; "TX 750" is a postcode's start


def _after(where: tuple[str, int, int] | None) -> str:
    """The text just after a span (``Guards.keep``'s ``where``), or "" when unknown."""
    return where[0][where[2] : where[2] + 30] if where else ""


def _measurements(core: str, label: str = "") -> bool:
    """Method ``measure_guard``: a span made only of short abbreviations each followed by a number. Not a
    measurement: a LOCATION, a number of 5+ digits (a postcode or an ID), a US state or country code in
    capitals before a number of 3+ digits ("CA 941"), a PERSON whose word is a known name ("Li 42")."""
    if label == "LOCATION" or _MEASURE_RE.fullmatch(core) is None:
        return False
    digits = [len(n) for n in _NUMBER_RE.findall(core)]
    if any(n >= POSTCODE_MIN_DIGITS for n in digits):
        return False
    raw = _MEASURE_WORD_RE.findall(core)
    if any(w in US_STATES or w in _country_codes() for w in raw) and any(n >= CODE_MIN_DIGITS for n in digits):
        return False
    if label == "PERSON" and any(w.istitle() and lexicon.is_name_token(w) for w in raw):
        return False
    words = [w.lower() for w in raw]
    return bool(words) and not any(w in ADDRESS_WORDS for w in words)


@functools.lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    """ISO 3166 alpha-2 codes (phonenumbers' region list)."""
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


RUN_MIN_LOWER_WORDS = 8  # a full sentence of prose around the run, not a bullet line
# lowercase words allowed inside an organisation run kept by ``prose_org_runs``
RUN_LINKS = frozenset({"of", "for", "the", "de", "du", "des", "la", "le", "di", "del", "van", "von"})


def _title_words(value: str) -> list[str]:
    """Words of an ALL-CAPS span in title case, so head nouns ("UNIVERSITY") compare with the list."""
    return [w if not w.isupper() else w[0] + w[1:].lower() for w in WORD_RE.findall(value)]


_place_key = lexicon.place_key


def _coarse_places(policy: LocationPolicySpec) -> frozenset[str]:
    """Place names the policy does not redact (empty when countries and regions are both redacted)."""
    return lexicon.place_names(not policy.redact_countries, not policy.redact_regions)
