"""Key-encryption keys (KEKs) by URI, as Tink ``Aead`` primitives.

* ``local://PATH``: a Tink AES256-GCM keyset in a cleartext file, for development only. Created on first
  use (0600) with a warning. It must live outside the output folder and the repository.
* ``aws-kms://arn:aws:kms:...``: Tink's AWS KMS client over boto3 (honours ``AWS_ENDPOINT_URL[_KMS]``).
* ``gcp-kms://projects/.../cryptoKeys/...``: Tink's GCP KMS client over google-cloud-kms (endpoint
  override: config ``keys.gcp_kms_endpoint`` or ``REDACT_GCP_KMS_ENDPOINT``, e.g. ``127.0.0.1:9000``
  for a loopback test server).

The KEK only ever wraps and unwraps scope keysets: one KMS call per scope per worker, never per record.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import tink
from tink import aead, secret_key_access

from transforms.errors import ConfigError, KeyAccessError
from transforms.keys.kms_guard import GuardedAead, RetryPolicy, classify_aws, classify_gcp

log = logging.getLogger(__name__)

aead.register()


def dev_kek_path() -> Path:
    """``$XDG_CONFIG_HOME/redact/dev-kek.json`` (default ``~/.config``): outside outputs and repositories."""
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "redact" / "dev-kek.json"


_AWS_RE = re.compile(r"^aws-kms://arn:aws:kms:[a-z0-9-]+:\d{12}:(key|alias)/[A-Za-z0-9/_-]+$")
_GCP_RE = re.compile(
    r"^gcp-kms://projects/[^/]+/locations/[a-zA-Z0-9_-]{1,63}/keyRings/[a-zA-Z0-9_-]{1,63}"
    r"/cryptoKeys/[a-zA-Z0-9_-]{1,63}$"
)  # a CryptoKey, not a CryptoKeyVersion: Tink decrypts only with a CryptoKey (KMS picks the version)


def default_kek_uri() -> str:
    """The embedded default: a local development KEK in the user's config directory."""
    return f"local://{dev_kek_path()}"


def validate_kek_uri(uri: str) -> str:
    """Check the form of a KEK URI without contacting anything. Raises ``ConfigError``."""
    if uri.startswith("local://"):
        if not uri[len("local://") :]:
            raise ConfigError("kek_uri local:// needs a path, e.g. local:///home/me/.config/redact/dev-kek.json")
        return uri
    if uri.startswith("aws-kms://"):
        if not _AWS_RE.match(uri):
            raise ConfigError(
                f"kek_uri is not a valid AWS KMS key URI: {uri!r} "
                "(expected aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID or .../alias/NAME)"
            )
        return uri
    if uri.startswith("gcp-kms://"):
        if not _GCP_RE.match(uri):
            raise ConfigError(
                f"kek_uri is not a valid GCP KMS key URI: {uri!r} "
                "(expected gcp-kms://projects/P/locations/L/keyRings/R/cryptoKeys/K)"
            )
        return uri
    raise ConfigError(f"kek_uri must start with local://, aws-kms:// or gcp-kms://, got {uri!r}")


def open_kek(
    uri: str,
    *,
    create_local: bool = True,
    gcp_kms_endpoint: str | None = None,
    retry: RetryPolicy | None = None,
) -> aead.Aead:
    """Return the KEK as a Tink ``Aead``. Creating a missing local dev KEK is allowed by default.

    KMS-backed KEKs come wrapped in ``GuardedAead``: bounded retries on throttling/unavailability,
    and every failure surfaces as ``KeyAccessError`` (codes and URIs only, never values).
    """
    validate_kek_uri(uri)
    if uri.startswith("local://"):
        return _open_local(Path(os.path.expanduser(uri[len("local://") :])), create=create_local)
    if uri.startswith("aws-kms://"):
        return _open_aws(uri, retry)
    return _open_gcp(uri, gcp_endpoint(gcp_kms_endpoint), retry)


def _open_local(path: Path, *, create: bool) -> aead.Aead:
    if not path.exists():
        if not create:
            raise KeyAccessError(f"local KEK not found at {path}")
        _create_local(path)
    try:
        handle = tink.json_proto_keyset_format.parse(path.read_text(), secret_key_access.TOKEN)
        return handle.primitive(aead.Aead)
    except (OSError, tink.TinkError, ValueError) as exc:
        raise KeyAccessError(f"cannot load local KEK {path}: {type(exc).__name__}") from None


def _create_local(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle = tink.new_keyset_handle(aead.aead_key_templates.AES256_GCM)
    data = tink.json_proto_keyset_format.serialize(handle, secret_key_access.TOKEN)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(data)
    log.warning(
        "created a DEVELOPMENT key-encryption key at %s (cleartext on disk). "
        "Use aws-kms:// or gcp-kms:// for real data.",
        path,
    )


def _open_aws(uri: str, retry: RetryPolicy | None) -> aead.Aead:
    """Tink's AWS KMS client over boto3. boto3 resolves credentials and ``AWS_ENDPOINT_URL[_KMS]`` itself;
    its own retries are off so that ``GuardedAead`` owns the (bounded) retry loop."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError
    from tink.integration import awskms

    arn = uri[len("aws-kms://") :]
    region = arn.split(":")[3]
    config = Config(
        region_name=region,
        connect_timeout=10,
        read_timeout=30,
        retries={"mode": "standard", "total_max_attempts": 1},
    )
    try:
        session = boto3.session.Session()  # fresh credential chain per KEK open
        client = session.client("kms", config=config)
        _remember_aws_identity(uri, session)
        inner = awskms.new_client(boto3_client=client, key_uri=uri).get_aead(uri)
    except (tink.TinkError, BotoCoreError, ValueError) as exc:
        raise KeyAccessError(f"cannot use AWS KMS key {uri}: {type(exc).__name__}") from None
    return GuardedAead(inner, uri=uri, provider="aws", classify=classify_aws, policy=retry)


def gcp_endpoint(configured: str | None = None) -> str | None:
    """The GCP KMS endpoint override: config ``keys.gcp_kms_endpoint``, else ``REDACT_GCP_KMS_ENDPOINT``."""
    return configured or os.environ.get("REDACT_GCP_KMS_ENDPOINT") or None


def is_loopback_endpoint(endpoint: str) -> bool:
    host = endpoint.rsplit(":", 1)[0].strip("[]") if ":" in endpoint else endpoint
    return host in {"127.0.0.1", "localhost", "::1"}


class _SingleShotKms:
    """What Tink's GCP AEAD calls: one RPC per request, bounded deadline, no hidden gapic retries
    (``GuardedAead`` owns the retry loop, so the total time stays bounded and visible)."""

    def __init__(self, client, timeout: float = 30.0) -> None:
        self._client = client
        self._timeout = timeout

    def encrypt(self, request):
        return self._client.encrypt(request=request, retry=None, timeout=self._timeout)

    def decrypt(self, request):
        return self._client.decrypt(request=request, retry=None, timeout=self._timeout)


def _open_gcp(uri: str, endpoint: str | None, retry: RetryPolicy | None) -> aead.Aead:
    """Tink's GCP KMS client over google-cloud-kms.

    ``endpoint`` on loopback (127.0.0.1, localhost, ::1) gets an insecure gRPC channel without
    credentials (emulators, tests); any other endpoint (regional or private endpoints) keeps TLS and
    Application Default Credentials.
    """
    from google.api_core import exceptions as gexc
    from google.auth import exceptions as auth_exc
    from google.cloud import kms_v1
    from tink.integration import gcpkms

    try:
        if endpoint and is_loopback_endpoint(endpoint):
            import grpc
            from google.cloud.kms_v1.services.key_management_service.transports import (
                KeyManagementServiceGrpcTransport,
            )

            transport = KeyManagementServiceGrpcTransport(channel=grpc.insecure_channel(endpoint))
            client = kms_v1.KeyManagementServiceClient(transport=transport)
        elif endpoint:
            client = kms_v1.KeyManagementServiceClient(client_options={"api_endpoint": endpoint})
        else:
            client = kms_v1.KeyManagementServiceClient()
        _remember_gcp_identity(uri, client)
        inner = gcpkms.new_client(kms_v1_client=_SingleShotKms(client), key_uri=uri).get_aead(uri)
    except (auth_exc.DefaultCredentialsError, auth_exc.RefreshError) as exc:
        raise KeyAccessError(f"not authorized: no Google credentials for {uri} ({type(exc).__name__})") from None
    except (tink.TinkError, gexc.GoogleAPIError, ValueError) as exc:
        raise KeyAccessError(f"cannot use GCP KMS key {uri}: {type(exc).__name__}") from None
    return GuardedAead(inner, uri=uri, provider="gcp", classify=classify_gcp, policy=retry)


# -- who the KMS calls ran as (for the audit log) --------------------------------------------------------
_IDENTITIES: dict[str, str] = {}


def kms_identity(uri: str) -> str:
    """The cloud identity the KMS client for ``uri`` was built with in this process, or ``unknown``.

    Taken from what the client already resolved when the KEK was opened (no extra network call, e.g. no
    STS GetCallerIdentity): the AWS access key id (an identifier CloudTrail records, not a secret) or
    the GCP service-account e-mail. ``local`` for the local development KEK."""
    if uri.startswith("local://"):
        return "local"
    return _IDENTITIES.get(uri, "unknown")


def _remember_aws_identity(uri: str, session) -> None:
    try:
        creds = session.get_credentials()  # cached by the session: the same chain the client signs with
        key_id = creds.access_key if creds is not None else None
    except Exception:  # a missing or broken credential chain surfaces at the KMS call itself
        key_id = None
    _IDENTITIES[uri] = f"aws:access_key_id={key_id}" if key_id else "unknown"


def _remember_gcp_identity(uri: str, client) -> None:
    creds = getattr(getattr(client, "_transport", None), "_credentials", None)
    email = getattr(creds, "service_account_email", None)
    _IDENTITIES[uri] = f"gcp:{email}" if isinstance(email, str) and "@" in email else "unknown"
