"""Key-encryption keys (KEKs) by URI, as Tink ``Aead`` primitives.

* ``local://PATH``: a Tink AES256-GCM keyset in a cleartext file, for development only. Created on first
  use (0600) with a warning. It must live outside the output folder and the repository.
* ``aws-kms://arn:aws:kms:...``: Tink's AWS KMS client over boto3 (honours ``AWS_ENDPOINT_URL[_KMS]``).
* ``gcp-kms://projects/.../cryptoKeys/...``: Tink's GCP KMS client over google-cloud-kms
  (endpoint override: ``REDACT_GCP_KMS_ENDPOINT``, e.g. ``127.0.0.1:9000`` for a loopback test server).

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

log = logging.getLogger(__name__)

aead.register()


def dev_kek_path() -> Path:
    """``$XDG_CONFIG_HOME/redact/dev-kek.json`` (default ``~/.config``): outside outputs and repositories."""
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "redact" / "dev-kek.json"


_AWS_RE = re.compile(r"^aws-kms://arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[A-Za-z0-9/_-]+$")
_GCP_RE = re.compile(
    r"^gcp-kms://projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+(/cryptoKeyVersions/\d+)?$"
)


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
            raise ConfigError(f"kek_uri is not a valid AWS KMS key URI: {uri!r}")
        return uri
    if uri.startswith("gcp-kms://"):
        if not _GCP_RE.match(uri):
            raise ConfigError(f"kek_uri is not a valid GCP KMS key URI: {uri!r}")
        return uri
    raise ConfigError(f"kek_uri must start with local://, aws-kms:// or gcp-kms://, got {uri!r}")


def open_kek(uri: str, *, create_local: bool = True) -> aead.Aead:
    """Return the KEK as a Tink ``Aead``. Creating a missing local dev KEK is allowed by default."""
    validate_kek_uri(uri)
    if uri.startswith("local://"):
        return _open_local(Path(os.path.expanduser(uri[len("local://") :])), create=create_local)
    if uri.startswith("aws-kms://"):
        return _open_aws(uri)
    return _open_gcp(uri)


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


def _open_aws(uri: str) -> aead.Aead:
    import boto3
    from tink.integration import awskms

    arn = uri[len("aws-kms://") :]
    region = arn.split(":")[3]
    try:
        client = boto3.client("kms", region_name=region)
        return awskms.new_client(boto3_client=client, key_uri=uri).get_aead(uri)
    except tink.TinkError as exc:
        raise KeyAccessError(f"cannot use AWS KMS key {uri}: {exc}") from None


def _open_gcp(uri: str) -> aead.Aead:
    from google.cloud import kms_v1
    from tink.integration import gcpkms

    endpoint = os.environ.get("REDACT_GCP_KMS_ENDPOINT")
    try:
        if endpoint:
            import grpc
            from google.cloud.kms_v1.services.key_management_service.transports import (
                KeyManagementServiceGrpcTransport,
            )

            transport = KeyManagementServiceGrpcTransport(channel=grpc.insecure_channel(endpoint))
            client = kms_v1.KeyManagementServiceClient(transport=transport)
        else:
            client = kms_v1.KeyManagementServiceClient()
        return gcpkms.new_client(kms_v1_client=client, key_uri=uri).get_aead(uri)
    except tink.TinkError as exc:
        raise KeyAccessError(f"cannot use GCP KMS key {uri}: {type(exc).__name__}") from None
