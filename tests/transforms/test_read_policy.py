"""The reader evaluates retention source globs on the raw URI and records only rule ids + hashed URIs."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import write_jsonl
from transforms.config import InputConfig
from transforms.read import ReadRecords
from transforms.retention import parse_policy

POLICY = parse_policy(
    {
        "policy_id": "p",
        "version": "1",
        "rules": [
            {"id": "helpdesk", "match": {"source": "**/helpdesk/**"}, "retention": "P30D"},
            {"id": "any-jsonl", "match": {"source": "**.jsonl"}, "retention": "P1Y"},
        ],
    },
    "test",
)


def test_source_rules_matched_before_hashing(tmp_path):
    write_jsonl(tmp_path / "in" / "helpdesk" / "jane_doe.jsonl", [{"id": "h1", "text": "hello"}])
    write_jsonl(tmp_path / "in" / "other" / "x.jsonl", [{"id": "o1", "text": "hi"}])
    with TestPipeline() as p:
        read = p | ReadRecords([str(tmp_path / "in" / "**")], InputConfig(), POLICY, "hash")
        got = read.records | beam.Map(
            lambda r: (
                r.id_raw,
                r.retention.source_rules,
                r.lineage.source_uri.startswith("file://sha256-"),
                "jane_doe" in r.lineage.source_uri or "helpdesk" in r.lineage.source_uri,
            )
        )
        assert_that(
            got, equal_to([("h1", ("helpdesk", "any-jsonl"), True, False), ("o1", ("any-jsonl",), True, False)])
        )


def test_scheme_bucket_uri_policy(tmp_path):
    write_jsonl(tmp_path / "in" / "jane_doe.jsonl", [{"id": "d1", "text": "hello"}])
    with TestPipeline() as p:
        read = p | ReadRecords([str(tmp_path / "in" / "**")], InputConfig(), POLICY, "scheme_bucket")
        assert_that(read.records | beam.Map(lambda r: r.lineage.source_uri), equal_to(["file://"]))


def test_identical_files_under_scheme_bucket_stay_separate_sources(tmp_path):
    """Streamed JSON Lines shards are summed per listed file, as the whole-file path counts them: two
    identical files (same public URI under scheme_bucket, same sha256) are two source rows."""
    import hashlib

    rows = [{"id": f"r{i}", "text": f"note number {i} about the router"} for i in range(150)]
    for name in ("a.jsonl", "b.jsonl", "c.txt", "d.txt"):
        write_jsonl(tmp_path / "in" / name, rows)
    data = (tmp_path / "in" / "a.jsonl").read_bytes()
    assert len(data) > 2 * 4096  # several shards per JSON Lines file
    sha = hashlib.sha256(data).hexdigest()
    cfg = InputConfig(shard_bytes=4096)
    with TestPipeline() as p:
        read = p | ReadRecords([str(tmp_path / "in" / "*.jsonl")], cfg, POLICY, "scheme_bucket")
        assert_that(read.sources, equal_to([("file://", sha, 150)] * 2), label="streamed")
        whole = p | "Whole" >> ReadRecords([str(tmp_path / "in" / "*.txt")], cfg, POLICY, "scheme_bucket")
        assert_that(whole.sources | beam.MapTuple(lambda u, s, n: (u, s)), equal_to([("file://", sha)] * 2))
