"""``ReadRecords``: file patterns -> records, with quarantine and policy-drop outputs."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.metrics import Metrics

from transforms.config import InputConfig
from transforms.counters import NS
from transforms.parsing.registry import parse_source
from transforms.parsing.source import SourceFile
from transforms.record import Drop, QuarantineItem, Record


class ReadRecords(beam.PTransform):
    """Outputs ``records``, ``quarantine``, ``drops`` and ``sources`` ((public uri, sha256, items))."""

    def __init__(self, patterns: list[str], cfg: InputConfig) -> None:
        super().__init__()
        self.patterns, self.cfg = list(patterns), cfg

    def expand(self, pbegin):
        return (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "Match" >> fileio.MatchAll()
            | "SkipHidden" >> beam.Filter(lambda m: not m.path.rstrip("/").rsplit("/", 1)[-1].startswith("."))
            | "Open" >> fileio.ReadMatches()
            | "Parse" >> beam.ParDo(_ParseFile(self.cfg)).with_outputs("quarantine", "drops", "sources", main="records")
        )


class _ParseFile(beam.DoFn):
    def __init__(self, cfg: InputConfig) -> None:
        self.cfg = cfg
        self.read = Metrics.counter(NS, "read")
        self.files = Metrics.counter(NS, "files")

    def process(self, readable):
        src = SourceFile(uri=readable.metadata.path, data=readable.read())
        self.files.inc()
        n = 0
        for item in parse_source(src, self.cfg):
            n += 1
            self.read.inc()
            if isinstance(item, Record):
                yield item
            elif isinstance(item, QuarantineItem):
                Metrics.counter(NS, f"quarantined.{item.reason}").inc()
                yield beam.pvalue.TaggedOutput("quarantine", item)
            elif isinstance(item, Drop):
                Metrics.counter(NS, f"dropped.{item.reason}").inc()
                yield beam.pvalue.TaggedOutput("drops", item)
        yield beam.pvalue.TaggedOutput("sources", (src.lineage("").source_uri, src.sha256, n))
