"""One narrow exception family.

Messages carry ids, paths, reason codes and hashes only, never a value from a record: they end up in
logs and on the terminal. Foreign exceptions are translated at the boundary (``from None`` where the
foreign message could echo input).
"""

from __future__ import annotations


class RedactError(Exception):
    """Base class. ``exit_code`` is what the CLI returns; the message is one line for a human."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message.replace("\n", " "))


class ConfigError(RedactError):
    """Bad configuration or command-line usage, found before anything is written."""

    exit_code = 2


class InputError(RedactError):
    """Input paths that match nothing or cannot be read at all."""

    exit_code = 2


class KeyAccessError(RedactError):
    """KEK/keyset problems: missing, not authorized, tampered, wrong scope, shredded."""

    exit_code = 3


class ShreddedScopeError(KeyAccessError):
    """The key scope was crypto-shredded: its ciphertexts are unrecoverable by design."""


class IntegrityError(RedactError):
    """A supply-chain or data-integrity check failed (model hashes, token collisions, manifests)."""

    exit_code = 4


class RecordError(RedactError):
    """A single record failed a stage. Carries a reason code; the record goes to quarantine."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


class PipelineFailure(RedactError):
    """The run as a whole failed (threshold exceeded, runner error); nothing was published."""

    exit_code = 5


class GateFailure(RedactError):
    """The quality gate rejected a dataset version."""

    exit_code = 6


class LockedError(RedactError):
    """Another writer holds the dataset root (a purge while runs are in flight, or the reverse)."""

    exit_code = 7
