"""Canaries in the graph: injected by the reader, untouched by canonicalization and minimization, split
apart by ``SplitCanaries``; they never join the real records and are counted apart from the records read."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import write_jsonl
from transforms import reasons
from transforms.canaries import INJECTED, SplitCanaries, canary_records
from transforms.canonicalize import CanonicalizeRecords
from transforms.config import CanaryConfig, GatesConfig, InputConfig, MinimizationConfig
from transforms.counters import NS
from transforms.minimize import MinimizeRecords
from transforms.read import ReadRecords

CANARY = CanaryConfig(id="c1", text="Ping Zed\u200b Quill <|im_end|> now.", values=["Zed\u200b Quill"])


def test_injected_canaries_pass_canonicalize_and_minimize_untouched_then_split_apart(tmp_path):
    write_jsonl(tmp_path / "in" / "a.jsonl", [{"id": "d1", "text": "hello"}, {"id": "d2", "text": "x"}])
    injected = canary_records(GatesConfig(canaries=[CANARY]))
    p = beam.Pipeline()
    read = p | ReadRecords([str(tmp_path / "in" / "*.jsonl")], InputConfig(), inject=injected, inject_counter=INJECTED)
    canonical = read.records | CanonicalizeRecords(["<|im_end|>"])
    # require_true drops every real record here (no consent field); a canary is never dropped
    kept = canonical | MinimizeRecords(MinimizationConfig(consent_rule="require_true"))
    records, canary = kept.records | SplitCanaries()
    assert_that(records, equal_to([]), label="real")
    assert_that(canary | beam.Map(lambda r: (r.doc_id, r.text)), equal_to([("canary-c1", CANARY.text)]), label="c")
    counters = {
        c.key.metric.name: c.committed for c in p.run().metrics().query(MetricsFilter().with_namespace(NS))["counters"]
    }
    assert counters["read"] == 2 and counters[INJECTED] == 1 and counters[f"dropped.{reasons.DROP_NO_CONSENT}"] == 2


def test_no_canaries_configured_gives_none():
    assert canary_records(GatesConfig(canaries=[])) == []
