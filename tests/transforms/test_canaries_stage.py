"""``InjectCanaries`` / ``SplitCanaries`` on the DirectRunner: canaries never join the real records."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms.canaries import InjectCanaries, SplitCanaries
from transforms.config import CanaryConfig, GatesConfig
from transforms.record import Record


def test_inject_then_split_routes_canaries_apart():
    cfg = GatesConfig(canaries=[CanaryConfig(id="c1", text="Ping Zed Quill now.", values=["Zed Quill"])])
    with TestPipeline() as p:
        real = p | "Real" >> beam.Create([Record(doc_id="d1", content_type="document", text="hello")])
        canaries = p | "Inject" >> InjectCanaries(cfg)
        merged = (real, canaries) | beam.Flatten()
        records, canary = merged | SplitCanaries()
        assert_that(records | "RealIds" >> beam.Map(lambda r: r.doc_id), equal_to(["d1"]), label="real")
        assert_that(canary | "CanaryIds" >> beam.Map(lambda r: r.doc_id), equal_to(["canary-c1"]), label="canary")


def test_no_canaries_configured_gives_an_empty_collection():
    with TestPipeline() as p:
        canaries = p | InjectCanaries(GatesConfig(canaries=[]))
        assert_that(canaries, equal_to([]))
