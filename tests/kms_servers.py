"""Loopback KMS servers for tests: moto's AWS server and a small gRPC Google Cloud KMS.

Both bind 127.0.0.1 on a free port and are driven by the *real* clients (boto3 over HTTP, the
google-cloud-kms gapic client over a gRPC channel). Import the fixtures into a test module:
registered as a pytest plugin in tests/conftest.py.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from concurrent import futures

import grpc
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.cloud import kms_v1

AWS_REGION = "us-east-1"
_NONCE = 12


# -- AWS (moto server mode) ---------------------------------------------------------------------------
class MotoKms:
    """moto in server mode on 127.0.0.1. ``env()`` points boto3 (and subprocesses) at it."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"

    def env(self, access_key: str = "testing", secret_key: str = "testing") -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ENDPOINT_URL_KMS": self.url,
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret_key,
            "AWS_DEFAULT_REGION": AWS_REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "NO_PROXY": "127.0.0.1,localhost",
            "REDACT_KMS_RETRY_BASE_SECONDS": "0.01",
        }

    def client(self, service: str = "kms", **creds):
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=AWS_REGION,
            aws_access_key_id=creds.get("access_key", "testing"),
            aws_secret_access_key=creds.get("secret_key", "testing"),
        )

    def create_key(self, description: str = "redact test KEK") -> str:
        """Create a symmetric KMS key; return its ``aws-kms://`` URI."""
        arn = self.client().create_key(Description=description)["KeyMetadata"]["Arn"]
        return f"aws-kms://{arn}"

    def iam_user(self, name: str, actions: list[str]) -> tuple[str, str]:
        """An IAM user allowed only ``actions``; returns (access key id, secret)."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
        iam.put_user_policy(UserName=name, PolicyName="kms", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def enforce_iam(self, on: bool) -> None:
        """moto evaluates IAM identity policies only when told to (its ``/moto-api/reset-auth``)."""
        req = urllib.request.Request(
            f"{self.url}/moto-api/reset-auth",
            data=b"0" if on else b"inf",
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200

    def stop(self) -> None:
        self._server.stop()


@pytest.fixture(scope="session")
def moto_kms():
    server = MotoKms()
    yield server
    server.stop()


# -- GCP (gRPC KeyManagementService) -------------------------------------------------------------------
class FakeGcpKms:
    """``google.cloud.kms.v1.KeyManagementService`` Encrypt/Decrypt on 127.0.0.1 (AES-256-GCM per key).

    * keys exist once ``add_key(name)`` was called (else NOT_FOUND);
    * ``deny_decrypt`` / ``deny_encrypt``: key names answered with PERMISSION_DENIED;
    * ``faults``: status codes returned (in order) by the next calls, to test retries;
    * the ciphertext is bound to the key name and the additional authenticated data.
    """

    SERVICE = "google.cloud.kms.v1.KeyManagementService"

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.deny_decrypt: set[str] = set()
        self.deny_encrypt: set[str] = set()
        self.faults: list[grpc.StatusCode] = []
        self.calls = {"Encrypt": 0, "Decrypt": 0}
        handler = grpc.method_handlers_generic_handler(
            self.SERVICE,
            {
                "Encrypt": grpc.unary_unary_rpc_method_handler(
                    self._encrypt,
                    request_deserializer=kms_v1.EncryptRequest.deserialize,
                    response_serializer=kms_v1.EncryptResponse.serialize,
                ),
                "Decrypt": grpc.unary_unary_rpc_method_handler(
                    self._decrypt,
                    request_deserializer=kms_v1.DecryptRequest.deserialize,
                    response_serializer=kms_v1.DecryptResponse.serialize,
                ),
            },
        )
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        self._server.add_generic_rpc_handlers((handler,))
        port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()
        self.endpoint = f"127.0.0.1:{port}"

    def add_key(self, name: str) -> str:
        """Create key ``projects/p/locations/global/keyRings/r/cryptoKeys/<name>``; return its URI."""
        full = f"projects/redact-test/locations/global/keyRings/ring/cryptoKeys/{name}"
        self._keys[full] = AESGCM.generate_key(256)
        return f"gcp-kms://{full}"

    def reset(self) -> None:
        self.deny_decrypt.clear()
        self.deny_encrypt.clear()
        self.faults.clear()

    def _gate(self, method: str, name: str, denied: set[str], context) -> bytes:
        with self._lock:
            self.calls[method] += 1
            fault = self.faults.pop(0) if self.faults else None
        if fault is not None:
            context.abort(fault, "injected fault")
        if name not in self._keys:
            context.abort(grpc.StatusCode.NOT_FOUND, "key not found")
        if f"gcp-kms://{name}" in denied:
            context.abort(grpc.StatusCode.PERMISSION_DENIED, f"Permission denied on {method}")
        return self._keys[name]

    def _encrypt(self, req, context):
        key = self._gate("Encrypt", req.name, self.deny_encrypt, context)
        nonce = os.urandom(_NONCE)
        ad = req.name.encode() + b"|" + req.additional_authenticated_data
        return kms_v1.EncryptResponse(name=req.name, ciphertext=nonce + AESGCM(key).encrypt(nonce, req.plaintext, ad))

    def _decrypt(self, req, context):
        key = self._gate("Decrypt", req.name, self.deny_decrypt, context)
        ct, ad = req.ciphertext, req.name.encode() + b"|" + req.additional_authenticated_data
        try:
            plaintext = AESGCM(key).decrypt(ct[:_NONCE], ct[_NONCE:], ad)
        except Exception:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "Decryption failed")
        return kms_v1.DecryptResponse(plaintext=plaintext)

    def stop(self) -> None:
        self._server.stop(grace=None)


@pytest.fixture(scope="session")
def gcp_kms_server():
    server = FakeGcpKms()
    yield server
    server.stop()


@pytest.fixture
def gcp_kms(gcp_kms_server, monkeypatch):
    """The session's gRPC KMS, with faults/denials reset and ``REDACT_GCP_KMS_ENDPOINT`` set."""
    gcp_kms_server.reset()
    monkeypatch.setenv("REDACT_GCP_KMS_ENDPOINT", gcp_kms_server.endpoint)
    monkeypatch.setenv("REDACT_KMS_RETRY_BASE_SECONDS", "0.01")
    yield gcp_kms_server
    gcp_kms_server.reset()


@pytest.fixture
def aws_env(moto_kms, monkeypatch):
    """Point boto3 in this process at the moto server (real HTTP)."""
    for k, v in moto_kms.env().items():
        monkeypatch.setenv(k, v)
    return moto_kms
