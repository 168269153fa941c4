"""Bounded retries and error translation around a KMS-backed Tink ``Aead`` (the KEK).

Privacy contract: the only things that leave this module in messages or logs are the KEK URI, the
operation name, the provider's error *code* (e.g. ``ThrottlingException``, ``PERMISSION_DENIED``) and
attempt counts. Foreign exception messages are never echoed (they can quote request parameters) and
are dropped with ``from None``.

* Throttling and unavailability (``ThrottlingException``, HTTP 429/5xx, connection failures, gRPC
  ``UNAVAILABLE``/``RESOURCE_EXHAUSTED``/``DEADLINE_EXCEEDED``) are retried with capped exponential
  backoff and jitter, a bounded number of times, then fail with ``KeyAccessError``.
* Refusals (``AccessDenied*``, HTTP 403, ``PERMISSION_DENIED``, missing credentials) fail at once with a
  "not authorized" ``KeyAccessError``; they are never retried.
"""

from __future__ import annotations

import enum
import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import tink
from tink import aead

from transforms.errors import ConfigError, KeyAccessError

log = logging.getLogger(__name__)


class Failure(enum.Enum):
    TRANSIENT = "transient"
    DENIED = "denied"
    UNAUTHENTICATED = "unauthenticated"
    KEY_STATE = "key_state"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    OTHER = "other"


Classifier = Callable[[BaseException], tuple[Failure, str]]


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` calls at most; waits ``base * 2**i`` (capped at ``cap``) times a jitter in [0.5, 1]."""

    attempts: int = 5
    base_seconds: float = 0.2
    cap_seconds: float = 5.0

    @classmethod
    def from_env(cls) -> RetryPolicy:
        """Operators may tune retries with ``REDACT_KMS_RETRY_ATTEMPTS`` / ``REDACT_KMS_RETRY_BASE_SECONDS``."""
        try:
            attempts = int(os.environ.get("REDACT_KMS_RETRY_ATTEMPTS", cls.attempts))
            base = float(os.environ.get("REDACT_KMS_RETRY_BASE_SECONDS", cls.base_seconds))
        except ValueError:
            raise ConfigError("REDACT_KMS_RETRY_ATTEMPTS / REDACT_KMS_RETRY_BASE_SECONDS must be numbers") from None
        if not 1 <= attempts <= 20 or not 0.0 <= base <= 60.0:
            raise ConfigError("REDACT_KMS_RETRY_ATTEMPTS must be 1..20 and REDACT_KMS_RETRY_BASE_SECONDS 0..60")
        return cls(attempts=attempts, base_seconds=base)

    def delays(self) -> Iterator[float]:
        for i in range(self.attempts - 1):
            yield min(self.cap_seconds, self.base_seconds * 2**i) * random.uniform(0.5, 1.0)


_PERMISSION_HINT = {
    "aws": {"encrypt": "kms:Encrypt", "decrypt": "kms:Decrypt"},
    "gcp": {
        "encrypt": "cloudkms.cryptoKeyVersions.useToEncrypt",
        "decrypt": "cloudkms.cryptoKeyVersions.useToDecrypt",
    },
}


class GuardedAead(aead.Aead):
    """A KEK ``Aead`` that retries transient KMS faults and raises only ``KeyAccessError``."""

    def __init__(
        self,
        inner: aead.Aead,
        *,
        uri: str,
        provider: str,
        classify: Classifier,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._inner = inner
        self._uri = uri
        self._provider = provider
        self._classify = classify
        self._policy = policy or RetryPolicy.from_env()
        self._sleep = sleep

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> bytes:
        return self._call("encrypt", self._inner.encrypt, plaintext, associated_data)

    def decrypt(self, ciphertext: bytes, associated_data: bytes) -> bytes:
        return self._call("decrypt", self._inner.decrypt, ciphertext, associated_data)

    def _call(self, op: str, fn, data: bytes, ad: bytes) -> bytes:
        delays = self._policy.delays()
        attempt = 0
        while True:
            attempt += 1
            try:
                return fn(data, ad)
            except Exception as exc:
                kind, code = self._classify(exc)
            delay = next(delays, None) if kind is Failure.TRANSIENT else None
            if delay is None:
                raise self._error(kind, code, op, attempt) from None
            log.warning(
                "KMS %s with %s: %s (attempt %d/%d), retrying in %.2f s",
                op,
                self._uri,
                code,
                attempt,
                self._policy.attempts,
                delay,
            )
            self._sleep(delay)

    def _error(self, kind: Failure, code: str, op: str, attempts: int) -> KeyAccessError:
        uri = self._uri
        if kind is Failure.DENIED:
            need = _PERMISSION_HINT.get(self._provider, {}).get(op, op)
            return KeyAccessError(f"not authorized: KMS refused {op} with {uri} ({code}); the caller needs {need}")
        if kind is Failure.UNAUTHENTICATED:
            return KeyAccessError(f"not authorized: no valid {self._provider.upper()} credentials for {uri} ({code})")
        if kind is Failure.TRANSIENT:
            return KeyAccessError(f"KMS unavailable: {op} with {uri} failed {attempts} times ({code}); giving up")
        if kind is Failure.KEY_STATE:
            return KeyAccessError(f"KMS key {uri} cannot be used: disabled, pending deletion or destroyed ({code})")
        if kind is Failure.NOT_FOUND:
            return KeyAccessError(f"KMS key {uri} not found ({code})")
        if kind is Failure.INVALID and op == "decrypt":
            return KeyAccessError(f"KMS could not decrypt with {uri} ({code}): wrong KEK or tampered keyset")
        return KeyAccessError(f"KMS {op} with {uri} failed ({code})")


def _unwrap_tink(exc: BaseException) -> BaseException:
    """Tink's KMS clients raise ``TinkError(original)``; look at the original."""
    if isinstance(exc, tink.TinkError) and exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    return exc


_AWS_TRANSIENT = {
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "KMSInternalException",
    "InternalFailure",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "DependencyTimeoutException",
    "RequestTimeout",
    "RequestTimeoutException",
}
_AWS_DENIED = {"AccessDeniedException", "AccessDenied"}
_AWS_UNAUTHENTICATED = {
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "ExpiredTokenException",
    "ExpiredToken",
    "MissingAuthenticationToken",
    "IncompleteSignature",
}
_AWS_KEY_STATE = {"DisabledException", "KMSInvalidStateException", "KeyUnavailableException"}
_AWS_INVALID = {"InvalidCiphertextException", "IncorrectKeyException", "InvalidKeyUsageException"}


def classify_aws(exc: BaseException) -> tuple[Failure, str]:
    from botocore import exceptions as bexc

    inner = _unwrap_tink(exc)
    if isinstance(inner, bexc.ClientError):
        code = str(inner.response.get("Error", {}).get("Code") or "unknown")
        status = int(inner.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code in _AWS_TRANSIENT or status == 429 or status >= 500:
            return Failure.TRANSIENT, code if not code.isdigit() else f"HTTP {status}"
        if code in _AWS_DENIED or status == 403:
            return Failure.DENIED, code if not code.isdigit() else f"HTTP {status}"
        if code in _AWS_UNAUTHENTICATED or status == 401:
            return Failure.UNAUTHENTICATED, code
        if code in _AWS_KEY_STATE:
            return Failure.KEY_STATE, code
        if code == "NotFoundException":
            return Failure.NOT_FOUND, code
        if code in _AWS_INVALID:
            return Failure.INVALID, code
        return Failure.OTHER, code
    if isinstance(inner, bexc.ConnectionError | bexc.HTTPClientError):
        return Failure.TRANSIENT, type(inner).__name__
    if isinstance(inner, bexc.NoCredentialsError | bexc.PartialCredentialsError | bexc.NoAuthTokenError):
        return Failure.UNAUTHENTICATED, type(inner).__name__
    return Failure.OTHER, type(inner).__name__


def classify_gcp(exc: BaseException) -> tuple[Failure, str]:
    from google.api_core import exceptions as gexc
    from google.auth import exceptions as auth_exc

    inner = _unwrap_tink(exc)
    if isinstance(inner, gexc.GoogleAPICallError):
        status = getattr(inner, "grpc_status_code", None)
        code = status.name if status is not None else f"HTTP {inner.code}"
        if isinstance(inner, gexc.ServiceUnavailable | gexc.TooManyRequests | gexc.DeadlineExceeded):
            return Failure.TRANSIENT, code
        if isinstance(inner.code, int) and inner.code >= 500:
            return Failure.TRANSIENT, code
        if isinstance(inner, gexc.PermissionDenied):
            return Failure.DENIED, code
        if isinstance(inner, gexc.Unauthenticated | gexc.Unauthorized):
            return Failure.UNAUTHENTICATED, code
        if isinstance(inner, gexc.NotFound):
            return Failure.NOT_FOUND, code
        if isinstance(inner, gexc.FailedPrecondition):
            return Failure.KEY_STATE, code
        if isinstance(inner, gexc.InvalidArgument):
            return Failure.INVALID, code
        return Failure.OTHER, code
    if isinstance(inner, gexc.RetryError):
        return Failure.TRANSIENT, "RetryError"
    if isinstance(inner, auth_exc.DefaultCredentialsError | auth_exc.RefreshError):
        return Failure.UNAUTHENTICATED, type(inner).__name__
    return Failure.OTHER, type(inner).__name__
