"""Canary records: synthetic documents with planted PII, injected into every run (Beam-free core).

They measure detection recall in production: each run's graph injects them after minimization,
they are detected and tokenized like every other record, then routed to a separate canary output
(never the training data) where the gate checks that none of the planted values survived, not even
in part (any fragment of 4+ letters/digits of a planted value counts as a leak).

Everything here is synthetic by construction; the gate still reports canary ids and counts only.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from transforms.config import CanaryConfig, GatesConfig
from transforms.errors import ConfigError
from transforms.parsing.source import public_uri
from transforms.record import Lineage, Record, Retention

CANARY_PREFIX = "canary-"

DEFAULT_CANARIES: list[CanaryConfig] = [
    CanaryConfig(
        id="contact",
        text="Canary record 1: please write to Emily Carter at e.carter@example.com or call +1 415-555-0198 today.",
        values=["Emily Carter", "e.carter@example.com", "+1 415-555-0198"],
    ),
    CanaryConfig(
        id="payment",
        text="Canary record 2: the refund goes to card 4012 8888 8888 1881 and to IBAN GB82 WEST 1234 5698 7654 32 now.",
        values=["4012 8888 8888 1881", "GB82 WEST 1234 5698 7654 32"],
    ),
    CanaryConfig(
        id="identity",
        text="Canary record 3: Jonas Weber gave SSN 536-90-4417 and logged in from 198.51.100.23 yesterday.",
        values=["Jonas Weber", "536-90-4417", "198.51.100.23"],
    ),
    CanaryConfig(
        id="callback",
        text="Canary record 4: reach Maria Gonzalez via maria.gonzalez@example.net, phone (212) 555-0143.",
        values=["Maria Gonzalez", "maria.gonzalez@example.net", "(212) 555-0143"],
    ),
    CanaryConfig(
        id="network",
        text="Canary record 5: server 2001:db8:85a3::8a2e:370:7334 was accessed by Thomas Mueller.",
        values=["2001:db8:85a3::8a2e:370:7334", "Thomas Mueller"],
    ),
]

_FRAGMENT = re.compile(r"[A-Za-z0-9]{4,}")


def load_canaries(cfg: GatesConfig) -> list[CanaryConfig]:
    """The configured canaries: from ``canaries_file``, else ``canaries``, else the built-in set."""
    if cfg.canaries_file:
        path = Path(cfg.canaries_file)
        if not path.is_file():
            raise ConfigError(f"gates.canaries_file not found: {cfg.canaries_file}")
        try:
            data = yaml.safe_load(path.read_text())
            canaries = TypeAdapter(list[CanaryConfig]).validate_python(data)
        except (yaml.YAMLError, ValidationError):
            raise ConfigError(f"gates.canaries_file {cfg.canaries_file} is not a valid list of canaries") from None
    else:
        canaries = DEFAULT_CANARIES if cfg.canaries is None else cfg.canaries
    ids = [c.id for c in canaries]
    if len(set(ids)) != len(ids):
        raise ConfigError("gates: canary ids must be unique")
    for c in canaries:
        _check_fragments_unique(c)
    return list(canaries)


def _check_fragments_unique(c: CanaryConfig) -> None:
    """A planted value's fragments must not also occur in the canary's surrounding text."""
    rest = c.text
    for v in c.values:
        rest = rest.replace(v, " ")
    rest = rest.casefold()
    for v in c.values:
        if any(f.casefold() in rest for f in _FRAGMENT.findall(v)):
            raise ConfigError(f"gates: canary {c.id!r}: a fragment of a planted value also occurs in its other text")


def canary_doc_id(canary_id: str) -> str:
    return CANARY_PREFIX + canary_id


def canary_record(c: CanaryConfig) -> Record:
    digest = hashlib.sha256(c.text.encode()).hexdigest()
    return Record(
        doc_id=canary_doc_id(c.id),
        content_type="document",
        text=c.text,
        lineage=Lineage(source_uri=public_uri(f"canary://{c.id}"), source_sha256=digest, source_record="canary"),
        retention=Retention(),
        canary=True,
    )


def leaked_values(redacted_text: str, c: CanaryConfig) -> int:
    """How many planted values of ``c`` still show (wholly or a 4+ char fragment) in the output."""
    from transforms.gates.pii_scan import mask_tokens

    out = mask_tokens(redacted_text).casefold()
    return sum(1 for v in c.values if any(f.casefold() in out for f in _FRAGMENT.findall(v) or [v]))


def canaries_digest(canaries: list[CanaryConfig]) -> str:
    """Identity of the canary set (recorded in the gate summary; ids and this hash only)."""
    payload = json.dumps([c.model_dump() for c in canaries], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()
