"""The one record type that flows through every transform, plus the small side-output types.

Privacy contract: before ``TokenizeRecords`` a ``Record`` holds raw text and must only travel between
stages or into the encrypted quarantine; after it, ``text``/``turns`` hold redacted text only and
``redacted`` is True. Lineage and retention are typed because policy (purge, gates) enforces them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from transforms.detection.engines.base import NerHit

CONTENT_TYPES = ("document", "chat", "transcript", "email")


@dataclass(slots=True)
class Span:
    """A detected entity: character offsets into the (canonicalized) text, end-exclusive."""

    start: int
    end: int
    label: str
    score: float


@dataclass(slots=True)
class Turn:
    """One turn of a conversation or transcript. ``speaker`` may be PII and is redacted like text."""

    speaker: str
    text: str
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass(slots=True)
class Lineage:
    """Where a record came from and what processed it. No raw PII: identifying path parts are hashed."""

    source_uri: str = ""
    source_sha256: str = ""
    source_record: str = ""
    ingested_at: str = ""
    run_id: str = ""
    pipeline_version: str = ""
    detector_config_sha256: str = ""
    nlp_model_name: str = ""
    nlp_model_version: str = ""
    nlp_model_sha256: str = ""
    key_scope: str = ""
    key_id: str = ""
    canonicalization: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Retention:
    """Which policy governs the record and until when it may be kept (ISO-8601 UTC, or None)."""

    policy_id: str = ""
    policy_version: str = ""
    category: str = ""
    expires_at: str | None = None
    legal_hold: bool = False
    consent: bool | None = None
    # Ids of retention rules whose source glob matched the raw URI, set by the reader (the only stage
    # that sees it) and used when the policy is applied. Not written to any output.
    source_rules: tuple[str, ...] = ()


@dataclass(slots=True)
class Record:
    """A document (``text``) or a conversation/transcript (``turns``).

    ``subject_raw`` is the raw data-subject id from the input; ``TokenizeRecords`` turns it into
    ``subject_ref`` (a SUBJECT token) and clears it, so it never reaches an output. ``known_pii`` holds
    (entity type, raw value) pairs the parser knows are PII (e-mail header addresses and names): detection
    adds every occurrence as a span; ``TokenizeRecords`` clears it. ``ner_hits`` is transient: hits of
    the extra NER engines (``RunNerEngines``), one list for a document or one list per turn for a
    conversation; ``DetectPII`` consumes and clears it, and it is never written to any output.
    """

    doc_id: str
    content_type: str
    text: str = ""
    turns: list[Turn] | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    subject_ref: str | None = None
    subject_raw: str | None = None
    lineage: Lineage = field(default_factory=Lineage)
    retention: Retention = field(default_factory=Retention)
    spans: list[Span] = field(default_factory=list)
    turn_spans: list[list[Span]] | None = None
    entity_counts: dict[str, int] = field(default_factory=dict)
    redacted: bool = False
    known_pii: list[tuple[str, str]] = field(default_factory=list)
    canary: bool = False  # synthetic recall probe: routed to the canary output, never to training
    ner_hits: list[list[NerHit]] | None = None  # transient, see above; never written
    # The id given in the input (it may be PII): transient, never written. ``doc_id`` is a derived id until
    # ``TokenizeRecords`` replaces it with a keyed token of this value (see ``transforms.doc_ids``).
    id_raw: str | None = None

    @property
    def is_conversation(self) -> bool:
        return self.turns is not None


@dataclass(slots=True)
class VaultEntry:
    """Token -> AES-SIV ciphertext of the normalized value. Never plaintext."""

    token: str
    entity_type: str
    ciphertext: bytes
    key_scope: str
    key_id: str
    doc_id: str
    subject_ref: str | None = None
    canary: bool = False  # entries of synthetic canary records go to the canary vault, not the real one
    surface: str | None = None  # what the text holds instead of the token (indexed/surrogate/date_shift)


@dataclass(slots=True)
class QuarantineItem:
    """A record (or whole file) that failed a stage. ``payload`` is raw and is encrypted before writing."""

    reason: str
    stage: str
    source_uri: str
    source_record: str
    payload: bytes
    doc_id: str = ""
    detail: str = ""
    subject_raw: str | None = None  # tokenized to a SUBJECT token when sealed, never written raw
    id_raw: str | None = None  # the input id: turned into a keyed DOC_ID token when sealed, never written raw


@dataclass(slots=True)
class Drop:
    """A record removed by policy (consent, empty): counted with a reason, nothing of it is written."""

    reason: str
    source_uri: str
    source_record: str
    doc_id: str = ""


def to_quarantine(record: Record, reason: str, stage: str) -> QuarantineItem:
    """Raw content of a record as a quarantine payload (sealed before it is written). The input id goes
    into the sealed payload only; the clear ``doc_id`` column gets the derived or keyed id."""
    if record.turns is not None:
        body = {
            "id": record.id_raw or record.doc_id,
            "turns": [{"speaker": t.speaker, "text": t.text} for t in record.turns],
        }
    else:
        body = {"id": record.id_raw or record.doc_id, "text": record.text}
    return QuarantineItem(
        reason=reason,
        stage=stage,
        source_uri=record.lineage.source_uri,
        source_record=record.lineage.source_record,
        payload=json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass"),
        doc_id=record.doc_id,
        subject_raw=record.subject_raw,
        id_raw=record.id_raw,
    )
