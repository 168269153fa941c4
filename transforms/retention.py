"""Retention policy: YAML rules validated by pydantic at construction (Beam-free).

A rule matches a record on any combination of (all given criteria must hold; each criterion is a list
of alternatives):

* ``source``: globs on the ORIGINAL source URI (see ``uriglob``). Evaluated by the reader, which is
  the only stage that sees the raw URI; records carry just the ids of the rules whose source pattern
  matched (``Retention.source_rules``), never the raw URI.
* ``content_type``: ``document``, ``chat``, ... as set by the parser.
* ``category``: the value of the metadata field ``category_field`` (must be in
  ``input.metadata_allowlist`` to be seen).

The first matching rule wins; ``default`` applies when none does. A rule sets the retention period
(ISO-8601 duration from ingestion, or ``forever``), whether training consent is required, a legal hold,
and the category label recorded on the record. Privacy contract: only rule ids, labels and timestamps
are written to outputs; the category label is the policy's own string, never free input text.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from transforms.errors import ConfigError
from transforms.periods import Period, format_instant, parse_instant
from transforms.record import Record, Retention
from transforms.uriglob import compile_glob

DEFAULT_POLICY_RESOURCE = "default.yaml"
_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _as_list(v: object) -> object:
    return [v] if isinstance(v, str) else v


class Match(_Strict):
    source: list[str] = Field(default_factory=list)
    content_type: list[str] = Field(default_factory=list)
    category: list[str] = Field(default_factory=list)

    @field_validator("source", "content_type", "category", mode="before")
    @classmethod
    def _lists(cls, v: object) -> object:
        return _as_list(v)

    @field_validator("source")
    @classmethod
    def _globs(cls, v: list[str]) -> list[str]:
        for pattern in v:
            if not pattern:
                raise ValueError("source patterns must not be empty")
            compile_glob(pattern)
        return v

    @model_validator(mode="after")
    def _not_empty(self) -> Match:
        if not (self.source or self.content_type or self.category):
            raise ValueError("a rule needs at least one of source, content_type, category (else use default)")
        return self


class Terms(_Strict):
    """What a rule (or the default) decides."""

    retention: str = "P365D"
    consent: Literal["required", "not_required"] = "not_required"
    legal_hold: bool = False
    category: str | None = Field(None, pattern=_ID_RE)

    @field_validator("retention", mode="before")
    @classmethod
    def _period(cls, v: object) -> str:
        s = str(v).strip()
        if s.lower() == "forever":
            return "forever"
        return str(Period.parse(s))

    @property
    def period(self) -> Period | None:
        return None if self.retention == "forever" else Period.parse(self.retention)


class Rule(Terms):
    id: str = Field(pattern=_ID_RE)
    match: Match


class RetentionPolicy(_Strict):
    policy_id: str = Field(pattern=_ID_RE)
    version: str = Field(pattern=_ID_RE)
    description: str = ""
    category_field: str = "category"
    default: Terms = Terms()
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> RetentionPolicy:
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate rule ids: {', '.join(dupes)}")
        return self

    def sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.model_dump(), sort_keys=True).encode()).hexdigest()

    def source_rule_ids(self, raw_uri: str) -> tuple[str, ...]:
        """Ids of the rules whose source glob matches the raw URI (called by the reader only)."""
        return tuple(r.id for r in self.rules if any(compile_glob(p).match(raw_uri) for p in r.match.source))

    def match(self, source_rules: tuple[str, ...], content_type: str, category: str | None) -> Rule | None:
        for rule in self.rules:
            m = rule.match
            if m.source and rule.id not in source_rules:
                continue
            if m.content_type and content_type not in m.content_type:
                continue
            if m.category and category not in m.category:
                continue
            return rule
        return None

    def terms_for(self, record: Record) -> tuple[str, Terms]:
        """(rule id or ``default``, terms) for a record."""
        category = record.metadata.get(self.category_field)
        rule = self.match(record.retention.source_rules, record.content_type, category)
        return (rule.id, rule) if rule else ("default", self.default)

    def retention_for(self, record: Record, ingested_at: str) -> Retention:
        """The retention struct recorded on the record: policy identity, category, expiry, hold, consent."""
        _, terms = self.terms_for(record)
        category = record.metadata.get(self.category_field)
        rule_categories = terms.match.category if isinstance(terms, Rule) else []
        label = terms.category or (category if category in rule_categories else None) or record.content_type
        period = terms.period
        expires = None if period is None else format_instant(period.add_to(parse_instant(ingested_at)))
        return Retention(
            policy_id=self.policy_id,
            policy_version=self.version,
            category=label,
            expires_at=expires,
            legal_hold=terms.legal_hold,
            consent=record.retention.consent,
        )


def parse_policy(data: object, origin: str) -> RetentionPolicy:
    if not isinstance(data, dict):
        raise ConfigError(f"retention policy {origin} must be a YAML mapping")
    try:
        return RetentionPolicy.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "(root)"
        raise ConfigError(f"invalid retention policy {origin} at {loc}: {err['msg']}") from None


def load_policy(path: str | None) -> RetentionPolicy:
    """The policy in ``path``, or the documented embedded default (``transforms/policies/default.yaml``)."""
    if path is None:
        text = resources.files("transforms.policies").joinpath(DEFAULT_POLICY_RESOURCE).read_text()
        origin = "(embedded default)"
    else:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"retention policy file not found: {path}")
        text, origin = p.read_text(), path
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"retention policy {origin} is not valid YAML{where}") from None
    return parse_policy(data, origin)


def default_policy() -> RetentionPolicy:
    return load_policy(None)


def policy_identity(policy: RetentionPolicy) -> dict:
    """What manifests and cards record about the policy (ids and hashes, no patterns)."""
    return {
        "policy_id": policy.policy_id,
        "version": policy.version,
        "sha256": policy.sha256(),
        "rules": len(policy.rules),
        "default_retention": policy.default.retention,
    }
