"""``ReadRecords``: file patterns -> records, with quarantine and policy-drop outputs.

Listing and opening follow ``transforms.parsing.listing`` (only regular files inside the input root, no
FIFOs/devices, never an excluded path, sizes checked before reading, every read bounded). JSON Lines
files are streamed (``transforms.parsing.stream``: planned into line-aligned byte-range shards that
workers read line by line, records leave as they are read, memory bounded by one line); other formats
are read whole within ``input.max_file_bytes``. Every listed
path is accounted for: a record, a quarantine item (``read.*``: unreadable, too large, vanished) or a
drop (``input.*``: skipped by rule), each counted under its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.config import InputConfig
from transforms.counters import NS
from transforms.parsing.listing import Exclusions, Listed, ReadRefused, list_pattern, read_bounded
from transforms.parsing.registry import parse_source
from transforms.parsing.source import SourceFile, public_uri
from transforms.parsing.stream import Shard, plan_shards, read_shard, shard_source, streamable
from transforms.record import Drop, QuarantineItem, Record
from transforms.retention import RetentionPolicy


@dataclass(frozen=True)
class ReadOutputs:
    records: beam.PCollection
    quarantine: beam.PCollection
    drops: beam.PCollection
    sources: beam.PCollection


class ReadRecords(beam.PTransform):
    """Outputs ``records``, ``quarantine``, ``drops`` and ``sources`` ((public uri, sha256, items)).

    ``exclude``: paths never read, whatever the patterns match (the output roots, the local KEK file).
    JSON Lines files are planned into line-aligned byte-range shards (``input.shard_bytes``) that are
    spread over the workers and read line by line; other files are parsed whole by the planner.
    """

    def __init__(
        self,
        patterns: list[str],
        cfg: InputConfig,
        policy: RetentionPolicy | None = None,
        uri_policy: str = "hash",
        exclude: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.patterns, self.cfg = list(patterns), cfg
        self.policy, self.uri_policy, self.exclude = policy, uri_policy, list(exclude)

    def expand(self, pbegin):
        args = (self.cfg, self.policy, self.uri_policy)
        files = (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "List" >> beam.ParDo(_ListFn(self.exclude))
            | "Spread" >> beam.Reshuffle()
            | "Parse" >> beam.ParDo(_ParseFile(*args)).with_outputs(*_OUTS, "shards", main="records")
        )
        shards = (
            files.shards
            | "SpreadShards" >> beam.Reshuffle()
            | "ParseShards" >> beam.ParDo(_ParseShard(*args)).with_outputs(*_OUTS, main="records")
        )
        shard_sources = (
            shards.sources
            | "KeySources" >> beam.MapTuple(lambda uri, sha, n: ((uri, sha), n))
            | "SumSources" >> beam.CombinePerKey(sum)
            | "SourceTriples" >> beam.MapTuple(lambda key, n: (*key, n))
        )
        return ReadOutputs(
            *[(files[t], shards[t]) | f"All{t.title()}" >> beam.Flatten() for t in ("records", "quarantine", "drops")],
            (files.sources, shard_sources) | "AllSources" >> beam.Flatten(),
        )


_OUTS = ("quarantine", "drops", "sources")


class _ListFn(beam.DoFn):
    def __init__(self, exclude: list[str]) -> None:
        self.exclude = exclude

    def setup(self) -> None:
        self.exclusions = Exclusions(self.exclude)

    def process(self, pattern: str):
        yield from list_pattern(pattern, self.exclusions)


class _ItemsFn(beam.DoFn):
    """Routes parsed items to the records / quarantine / drops outputs, counting each under its reason."""

    def __init__(self, cfg: InputConfig, policy: RetentionPolicy | None, uri_policy: str) -> None:
        self.cfg, self.policy, self.uri_policy = cfg, policy, uri_policy
        self.read = Metrics.counter(NS, "read")
        self.files = Metrics.counter(NS, "files")

    def _emit(self, src: SourceFile, items):
        source_rules = self.policy.source_rule_ids(src.uri) if self.policy else ()
        n = 0
        for item in items:
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


class _ParseFile(_ItemsFn):
    """Parses one file, or plans its shards (JSON Lines). The only place that sees the raw URI: it
    evaluates the retention policy's source globs here and lets records carry just the matching rule ids
    (the URI itself is hashed by policy)."""

    def process(self, listed: Listed):
        if listed.skip:
            yield from self._not_read(listed.path, listed.skip, quarantine=False)
            return
        try:
            plan = plan_shards(listed, self.cfg, self.cfg.shard_bytes) if streamable(listed.path) else None
            if plan is None:
                src = SourceFile(listed.path, read_bounded(listed, self.cfg.max_file_bytes), self.uri_policy)
        except ReadRefused as exc:
            yield from self._not_read(listed.path, exc.reason, exc.quarantine)
            return
        self.files.inc()
        if plan is not None:
            for shard in plan.shards:
                yield beam.pvalue.TaggedOutput("shards", shard)
            return
        yield from self._emit(src, parse_source(src, self.cfg))

    def _not_read(self, path: str, reason: str, quarantine: bool):
        """A listed path that was not read counts as one item: quarantined (a file we failed to read,
        nothing of it is stored) or dropped (a path the rules say not to read)."""
        uri = public_uri(path, self.uri_policy)
        self.files.inc()
        self.read.inc()
        if quarantine:
            Metrics.counter(NS, f"quarantined.{reason}").inc()
            yield beam.pvalue.TaggedOutput("quarantine", QuarantineItem(reason, "read", uri, "file", b""))
        else:
            Metrics.counter(NS, f"dropped.{reason}").inc()
            yield beam.pvalue.TaggedOutput("drops", Drop(reason, uri, "file"))
        yield beam.pvalue.TaggedOutput("sources", (uri, "", 1))


class _ParseShard(_ItemsFn):
    """Reads one planned shard of a JSON Lines file line by line (records leave as they are read)."""

    def process(self, shard: Shard):
        yield from self._emit(shard_source(shard, self.uri_policy), read_shard(shard, self.cfg, self.uri_policy))
