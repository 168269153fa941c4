"""``ReadRecords``: file patterns -> records, with quarantine and policy-drop outputs."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.metrics import Metrics

from transforms import reasons
from transforms.config import InputConfig
from transforms.counters import NS
from transforms.parsing.registry import parse_source
from transforms.parsing.source import SourceFile
from transforms.record import Drop, QuarantineItem, Record
from transforms.retention import RetentionPolicy


class ReadRecords(beam.PTransform):
    """Outputs ``records``, ``quarantine``, ``drops`` and ``sources`` ((public uri, sha256, items))."""

    def __init__(
        self, patterns: list[str], cfg: InputConfig, policy: RetentionPolicy | None = None, uri_policy: str = "hash"
    ) -> None:
        super().__init__()
        self.patterns, self.cfg = list(patterns), cfg
        self.policy, self.uri_policy = policy, uri_policy

    def expand(self, pbegin):
        return (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "Match" >> fileio.MatchAll()
            | "SkipHidden" >> beam.Filter(lambda m: not m.path.rstrip("/").rsplit("/", 1)[-1].startswith("."))
            | "Open" >> fileio.ReadMatches()
            | "Parse"
            >> beam.ParDo(_ParseFile(self.cfg, self.policy, self.uri_policy)).with_outputs(
                "quarantine", "drops", "sources", main="records"
            )
        )


class _ParseFile(beam.DoFn):
    """Parses one file. The only place that sees the raw URI: it evaluates the retention policy's source
    globs here and lets records carry just the matching rule ids (the URI itself is hashed by policy)."""

    def __init__(self, cfg: InputConfig, policy: RetentionPolicy | None, uri_policy: str) -> None:
        self.cfg, self.policy, self.uri_policy = cfg, policy, uri_policy
        self.read = Metrics.counter(NS, "read")
        self.files = Metrics.counter(NS, "files")

    def process(self, readable):
        try:
            data = readable.read()
        except Exception as exc:  # vanished, permission denied, storage error: the file is quarantined
            yield from self._unreadable(readable.metadata.path, type(exc).__name__)
            return
        src = SourceFile(uri=readable.metadata.path, data=data, uri_policy=self.uri_policy)
        source_rules = self.policy.source_rule_ids(src.uri) if self.policy else ()
        self.files.inc()
        n = 0
        for item in parse_source(src, self.cfg):
            n += 1
            self.read.inc()
            if isinstance(item, Record):
                item.retention.source_rules = source_rules
                yield item
            elif isinstance(item, QuarantineItem):
                Metrics.counter(NS, f"quarantined.{item.reason}").inc()
                yield beam.pvalue.TaggedOutput("quarantine", item)
            elif isinstance(item, Drop):
                Metrics.counter(NS, f"dropped.{item.reason}").inc()
                yield beam.pvalue.TaggedOutput("drops", item)
        yield beam.pvalue.TaggedOutput("sources", (src.lineage("").source_uri, src.sha256, n))

    def _unreadable(self, path: str, error_type: str):
        uri = SourceFile(uri=path, data=b"", uri_policy=self.uri_policy).lineage("file").source_uri
        self.files.inc()
        self.read.inc()
        Metrics.counter(NS, f"quarantined.{reasons.READ_ERROR}").inc()
        yield beam.pvalue.TaggedOutput(
            "quarantine", QuarantineItem(reasons.READ_ERROR, "read", uri, "file", b"", detail=error_type)
        )
        yield beam.pvalue.TaggedOutput("sources", (uri, "", 1))
