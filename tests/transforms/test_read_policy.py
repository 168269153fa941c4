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
