"""The one SUBJECT-token formula: how a raw data-subject id becomes the ``subject_ref`` of a row.

The training rows, the sealed quarantine rows and ``redact purge`` (which recomputes the tokens of the
ids it is asked to erase) must agree exactly, or erasure misses rows. Raw ids exist only in memory.
"""

from __future__ import annotations

from typing import Protocol

from transforms.keys.tokens import format_token

SUBJECT = "SUBJECT"


class _SubjectKeys(Protocol):
    def tokenize(self, entity_type: str, normalized_value: str) -> tuple[str, bytes]: ...

    def pseudonyms_all_keys(self, entity_type: str, normalized_value: str) -> set[str]: ...


def normalize_subject(raw: str) -> str:
    return raw.strip()


def subject_token(keys: _SubjectKeys, raw: str) -> str:
    """The SUBJECT token of a raw id under the scope's primary key (what a run writes)."""
    return format_token(SUBJECT, keys.tokenize(SUBJECT, normalize_subject(raw))[0])


def subject_tokens_all_keys(keys: _SubjectKeys, raw: str) -> set[str]:
    """The id's SUBJECT token under every key of the scope: rows written before a key rotation too."""
    return {format_token(SUBJECT, p) for p in keys.pseudonyms_all_keys(SUBJECT, normalize_subject(raw))}
