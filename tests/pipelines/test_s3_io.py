"""``s3://`` input and output end to end against moto's S3 server on 127.0.0.1 (real boto3, real Beam
S3 filesystem, real Parquet). The endpoint comes from ``AWS_ENDPOINT_URL_S3``, as a user would set it."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
import pytest

from pipelines.run import RunRequest
from pipelines.storage import with_storage_env
from tests.builders import docx_bytes, vtt_bytes
from tests.pipelines.purge_helpers import run_gated
from transforms.config import load_config

pytestmark = pytest.mark.slow


@pytest.fixture
def s3(monkeypatch):
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for k, v in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_S3": endpoint,
    }.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    try:
        yield client
    finally:
        server.stop()


def test_storage_env_maps_to_beam_s3_options():
    env = {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1",
        "AWS_REGION": "eu-west-1",
    }
    args = with_storage_env(["--runner=DirectRunner"], env)
    assert "--s3_endpoint_url=http://127.0.0.1:1" in args
    assert "--s3_region_name=eu-west-1" in args
    explicit = with_storage_env(["--s3_endpoint_url=http://127.0.0.1:2"], env)
    assert [a for a in explicit if a.startswith("--s3_endpoint_url")] == ["--s3_endpoint_url=http://127.0.0.1:2"]
    assert with_storage_env([], {}) == []


def _read_parquet(client, bucket: str, prefix: str) -> list[dict]:
    rows = []
    for obj in client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []):
        if obj["Key"].endswith(".parquet"):
            body = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
            rows.extend(pq.read_table(io.BytesIO(body)).to_pylist())
    return rows


def test_s3_input_and_output_end_to_end(s3, tmp_path, kek_uri):
    s3.create_bucket(Bucket="raw-corpus")
    s3.create_bucket(Bucket="datasets")
    s3.create_bucket(Bucket="vault-restricted")
    docs = [{"id": "s3-doc-1", "text": "Maria Garcia asked about her invoice, maria.garcia@example.org."}]
    s3.put_object(Bucket="raw-corpus", Key="in/docs.jsonl", Body="".join(json.dumps(d) + "\n" for d in docs))
    s3.put_object(
        Bucket="raw-corpus",
        Key="in/meeting.docx",
        Body=docx_bytes(paragraphs=["Minutes"], table=[["Owner"], ["Jonas Weber"]], header="For Cedric Vance"),
    )
    s3.put_object(
        Bucket="raw-corpus",
        Key="in/call.vtt",
        Body=vtt_bytes([("00:00:01.000", "00:00:02.000", "Cedric Vance", "Hello, Cedric Vance here.")]),
    )
    s3.put_object(Bucket="raw-corpus", Key="in/broken.txt", Body=b"\x00\x01\x02 binary \xff")
    cfg = load_config(
        None,
        **{
            "keys.kek_uri": kek_uri,
            "outputs.vault": "s3://vault-restricted/vault",
            "outputs.keys": str(tmp_path / "keys"),
        },
    )
    cfg = cfg.model_copy(update={"max_quarantine_fraction": 0.5})
    summary = run_gated(RunRequest(inputs=["s3://raw-corpus/in/"], output="s3://datasets/redacted", config=cfg))

    assert summary["status"] == "complete", summary.get("failures")
    assert summary["published"]
    assert summary["reconciliation"]["ok"]
    assert summary["counts"]["read"] == 4
    assert summary["counts"]["written"] == 3
    assert summary["counts"]["quarantined"] == {"parse.binary": 1}

    version = summary["version"]
    current = s3.get_object(Bucket="datasets", Key="redacted/training/CURRENT")["Body"].read().decode().strip()
    assert current == version
    manifest = json.loads(
        s3.get_object(Bucket="datasets", Key=f"redacted/training/{version}/_MANIFEST.json")["Body"].read()
    )
    assert manifest["status"] == "complete"
    rows = _read_parquet(s3, "datasets", f"redacted/training/{version}/")
    assert len(rows) == 3
    dump = json.dumps(rows, default=str)
    for pii in ("Maria", "Garcia", "maria.garcia@example.org", "Jonas", "Weber", "Cedric", "Vance"):
        assert pii not in dump
    assert all(r["lineage"]["source_uri"].startswith("s3://raw-corpus/sha256-") for r in rows)
    assert _read_parquet(s3, "vault-restricted", f"vault/default/{version}/")
    assert len(_read_parquet(s3, "datasets", f"redacted/quarantine/{version}/")) == 1
    leftovers = s3.list_objects_v2(Bucket="datasets", Prefix="redacted/.runs/").get("KeyCount", 0)
    assert leftovers == 0
