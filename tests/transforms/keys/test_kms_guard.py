"""KMS fault handling: bounded retries with backoff, "not authorized", no values in messages.

AWS: a real boto3 client with botocore's ``Stubber`` (throttling/5xx/denied answers), a real HTTP call to
a closed loopback port (unavailable), and moto over HTTP. GCP: the real gapic client against the loopback
gRPC server, which injects UNAVAILABLE / RESOURCE_EXHAUSTED / PERMISSION_DENIED.
"""

from __future__ import annotations

import socket

import boto3
import grpc
import pytest
import tink
from botocore.config import Config
from botocore.stub import Stubber
from tink.integration import awskms

from transforms.errors import ConfigError, KeyAccessError
from transforms.keys.kek import open_kek, validate_kek_uri
from transforms.keys.kms_guard import Failure, GuardedAead, RetryPolicy, classify_aws, classify_gcp

ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
URI = f"aws-kms://{ARN}"
SECRET = b"synthetic-secret-payload"


def _stubbed_aead(sleeps: list[float], attempts: int = 4):
    client = boto3.client(
        "kms",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    stub = Stubber(client)
    inner = awskms.new_client(boto3_client=client, key_uri=URI).get_aead(URI)
    guarded = GuardedAead(
        inner,
        uri=URI,
        provider="aws",
        classify=classify_aws,
        policy=RetryPolicy(attempts=attempts, base_seconds=0.5, cap_seconds=2.0),
        sleep=sleeps.append,
    )
    return guarded, stub


def test_aws_throttling_is_retried_then_succeeds():
    sleeps: list[float] = []
    aead, stub = _stubbed_aead(sleeps)
    stub.add_client_error("encrypt", service_error_code="ThrottlingException", http_status_code=400)
    stub.add_client_error("encrypt", service_error_code="KMSInternalException", http_status_code=500)
    stub.add_response("encrypt", {"CiphertextBlob": b"wrapped", "KeyId": ARN})
    with stub:
        assert aead.encrypt(SECRET, b"ad") == b"wrapped"
    assert len(sleeps) == 2
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0  # exponential, with jitter in [0.5, 1]


def test_aws_throttling_exhausted_fails():
    sleeps: list[float] = []
    aead, stub = _stubbed_aead(sleeps, attempts=3)
    for _ in range(3):
        stub.add_client_error("decrypt", service_error_code="ThrottlingException", http_status_code=400)
    with stub, pytest.raises(KeyAccessError, match=r"KMS unavailable.*3 times \(ThrottlingException\)") as err:
        aead.decrypt(SECRET, b"ad")
    assert len(sleeps) == 2
    assert SECRET.decode() not in str(err.value) and err.value.__cause__ is None


def test_aws_access_denied_is_not_retried_fails():
    sleeps: list[float] = []
    aead, stub = _stubbed_aead(sleeps)
    stub.add_client_error(
        "decrypt",
        service_error_code="AccessDeniedException",
        service_message=f"User is not authorized; request echoed {SECRET.decode()}",
        http_status_code=400,
    )
    with stub, pytest.raises(KeyAccessError, match=r"not authorized.*kms:Decrypt") as err:
        aead.decrypt(SECRET, b"ad")
    assert sleeps == []
    assert SECRET.decode() not in str(err.value)


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("ThrottlingException", 400, Failure.TRANSIENT),
        ("Whatever", 503, Failure.TRANSIENT),
        ("AccessDeniedException", 400, Failure.DENIED),
        ("403", 403, Failure.DENIED),
        ("UnrecognizedClientException", 400, Failure.UNAUTHENTICATED),
        ("DisabledException", 400, Failure.KEY_STATE),
        ("KMSInvalidStateException", 400, Failure.KEY_STATE),
        ("NotFoundException", 400, Failure.NOT_FOUND),
        ("InvalidCiphertextException", 400, Failure.INVALID),
        ("ValidationException", 400, Failure.OTHER),
    ],
)
def test_aws_classification(code, status, kind):
    from botocore.exceptions import ClientError

    exc = ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Decrypt")
    assert classify_aws(tink.TinkError(exc))[0] is kind


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_aws_unreachable_endpoint_fails(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    monkeypatch.setenv("REDACT_KMS_RETRY_ATTEMPTS", "3")
    monkeypatch.setenv("REDACT_KMS_RETRY_BASE_SECONDS", "0.01")
    kek = open_kek(URI)
    with pytest.raises(KeyAccessError, match=r"KMS unavailable: encrypt .* failed 3 times \(EndpointConnectionError\)"):
        kek.encrypt(SECRET, b"ad")


def test_aws_roundtrip_and_wrong_key_against_moto(aws_env):
    kek_a, kek_b = open_kek(aws_env.create_key()), open_kek(aws_env.create_key())
    ct = kek_a.encrypt(SECRET, b"scope-a")
    assert kek_a.decrypt(ct, b"scope-a") == SECRET
    with pytest.raises(KeyAccessError):
        kek_a.decrypt(ct, b"scope-b")
    with pytest.raises(KeyAccessError, match="not authorized"):  # moto: ciphertext of another key
        kek_b.decrypt(ct, b"scope-a")


def test_aws_unknown_key_against_moto_fails(aws_env):
    missing = URI.replace("111122223333", "123456789012")
    with pytest.raises(KeyAccessError, match="not found"):
        open_kek(missing).encrypt(SECRET, b"ad")


# -- GCP -----------------------------------------------------------------------------------------------
def test_gcp_unavailable_is_retried_then_succeeds(gcp_kms):
    uri = gcp_kms.add_key("retry")
    kek = open_kek(uri)
    gcp_kms.faults[:] = [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED]
    before = gcp_kms.calls["Encrypt"]
    ct = kek.encrypt(SECRET, b"ad")
    assert gcp_kms.calls["Encrypt"] - before == 3
    assert kek.decrypt(ct, b"ad") == SECRET


def test_gcp_resource_exhausted_exhausted_fails(gcp_kms, monkeypatch):
    monkeypatch.setenv("REDACT_KMS_RETRY_ATTEMPTS", "4")
    kek = open_kek(gcp_kms.add_key("busy"))
    gcp_kms.faults[:] = [grpc.StatusCode.RESOURCE_EXHAUSTED] * 4
    before = gcp_kms.calls["Encrypt"]
    with pytest.raises(KeyAccessError, match=r"KMS unavailable.*4 times \(RESOURCE_EXHAUSTED\)"):
        kek.encrypt(SECRET, b"ad")
    assert gcp_kms.calls["Encrypt"] - before == 4  # bounded: exactly the policy's attempts, no hidden retries


def test_gcp_permission_denied_fails(gcp_kms):
    uri = gcp_kms.add_key("denied")
    kek = open_kek(uri)
    ct = kek.encrypt(SECRET, b"ad")
    gcp_kms.deny_decrypt.add(uri)
    before = gcp_kms.calls["Decrypt"]
    with pytest.raises(KeyAccessError, match=r"not authorized.*useToDecrypt") as err:
        kek.decrypt(ct, b"ad")
    assert gcp_kms.calls["Decrypt"] - before == 1
    assert SECRET.decode() not in str(err.value)


def test_gcp_wrong_ad_and_unknown_key_fail(gcp_kms):
    kek = open_kek(gcp_kms.add_key("ad"))
    ct = kek.encrypt(SECRET, b"ad")
    with pytest.raises(KeyAccessError, match="wrong KEK or tampered"):
        kek.decrypt(ct, b"other")
    missing = "gcp-kms://projects/redact-test/locations/global/keyRings/ring/cryptoKeys/nope"
    with pytest.raises(KeyAccessError, match="not found"):
        open_kek(missing).encrypt(SECRET, b"ad")


def test_gcp_endpoint_from_config_wins_over_env(gcp_kms, monkeypatch):
    monkeypatch.setenv("REDACT_GCP_KMS_ENDPOINT", f"127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("REDACT_KMS_RETRY_ATTEMPTS", "2")
    uri = gcp_kms.add_key("cfg")
    with pytest.raises(KeyAccessError, match="KMS unavailable"):
        open_kek(uri).encrypt(SECRET, b"ad")
    assert open_kek(uri, gcp_kms_endpoint=gcp_kms.endpoint).encrypt(SECRET, b"ad")


@pytest.mark.parametrize("code", ["UNAVAILABLE", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED", "INTERNAL"])
def test_gcp_transient_classification(code):
    from google.api_core import exceptions as gexc

    exc = gexc.from_grpc_status(getattr(grpc.StatusCode, code), "x")
    assert classify_gcp(tink.TinkError(exc)) == (Failure.TRANSIENT, code)


# -- URIs and policy -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "uri",
    [
        "aws-kms://arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/abc",
        "aws-kms://arn:aws:kms:us-east-1:1111:key/abc",
        "gcp-kms://projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1",
        "gcp-kms://projects/p/keyRings/r/cryptoKeys/k",
        "s3://bucket/key",
        "local://",
    ],
)
def test_bad_kek_uris_fail(uri):
    with pytest.raises(ConfigError):
        validate_kek_uri(uri)


def test_retry_policy_env_validation_fails(monkeypatch):
    monkeypatch.setenv("REDACT_KMS_RETRY_ATTEMPTS", "0")
    with pytest.raises(ConfigError):
        RetryPolicy.from_env()
    monkeypatch.setenv("REDACT_KMS_RETRY_ATTEMPTS", "many")
    with pytest.raises(ConfigError):
        RetryPolicy.from_env()


def test_retry_delays_are_bounded():
    delays = list(RetryPolicy(attempts=10, base_seconds=1.0, cap_seconds=3.0).delays())
    assert len(delays) == 9 and max(delays) <= 3.0 and min(delays) >= 0.5


def test_aws_without_credentials_is_not_authorized_fails(monkeypatch):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookups from tests
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", f"http://127.0.0.1:{_closed_port()}")
    with pytest.raises(KeyAccessError, match=r"not authorized: no valid AWS credentials .*NoCredentialsError"):
        open_kek(URI).decrypt(SECRET, b"ad")
