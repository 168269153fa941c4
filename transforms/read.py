"""``ReadRecords``: file patterns -> records, with quarantine and policy-drop outputs.

Listing and opening follow ``transforms.parsing.listing`` (only regular files inside the input root, no
FIFOs/devices, never an excluded path, sizes checked before reading, every read bounded). JSON Lines
files are streamed (``transforms.parsing.stream``: planned into line-aligned byte-range shards that
workers read line by line, records leave as they are read, memory bounded by one line); other formats
are read whole within ``input.max_file_bytes``. Every listed path is accounted for: a record, a quarantine item (``read.*``: unreadable, too large, vanished) or a
drop (``input.*``: skipped by rule), each counted under its reason.

``inject``: ready records (the run's canaries) carried as units beside the files' units and emitted by
the parse stage as they are, counted under ``inject_counter`` and never as read. Records then leave the
reader from one stage only, so on the DirectRunner (Beam's FnApiRunner, which materializes every
multi-input ``Flatten``) the path from parsing to writing stays one fused, streaming stage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.config import InputConfig
from transforms.counters import NS
from transforms.parsing.listing import Exclusions, Listed, ReadRefused, list_pattern, read_bounded
from transforms.parsing.registry import parse_source
from transforms.parsing.source import SourceFile, public_uri
from transforms.parsing.stream import Shard, even_shard_bytes, plan_shards, read_shard, shard_source, streamable
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
    Listed files are planned into units, spread over the workers and parsed: a JSON Lines file into
    line-aligned byte-range shards (``input.shard_bytes``) read line by line, any other file whole.
    """

    def __init__(
        self,
        patterns: list[str],
        cfg: InputConfig,
        policy: RetentionPolicy | None = None,
        uri_policy: str = "hash",
        exclude: Sequence[str] = (),
        inject: Sequence[Record] = (),
        inject_counter: str = "injected",
    ) -> None:
        super().__init__()
        self.patterns, self.cfg = list(patterns), cfg
        self.policy, self.uri_policy, self.exclude = policy, uri_policy, list(exclude)
        self.inject, self.inject_counter = [_Injected(r) for r in inject], inject_counter

    def expand(self, pbegin):
        args = (self.cfg, self.policy, self.uri_policy)
        planned = (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "List" >> beam.ParDo(_ListFn(self.exclude))
            | "Spread" >> beam.Reshuffle()
            | "Plan" >> beam.ParDo(_PlanFile(*args)).with_outputs(*_OUTS, main="units")
        )
        units = planned.units
        if self.inject:  # a Flatten of units (small descriptors), never of records
            injected = pbegin | "Inject" >> beam.Create(self.inject)
            units = (planned.units, injected) | "WithInjected" >> beam.Flatten()
        parsed = (
            units
            | "SpreadUnits" >> beam.Reshuffle()
            | "Parse"
            >> beam.ParDo(_ParseUnit(*args, self.inject_counter)).with_outputs(*_OUTS, "shard_sources", main="records")
        )
        shard_sources = (
            parsed.shard_sources
            | "KeySources" >> beam.MapTuple(lambda file_id, uri, sha, n: ((file_id, uri, sha), n))
            | "SumSources" >> beam.CombinePerKey(sum)
            | "SourceTriples" >> beam.MapTuple(lambda key, n: (key[1], key[2], n))
        )
        # records leave from one stage only: the DirectRunner materializes every multi-input Flatten
        return ReadOutputs(
            parsed.records,
            (planned.quarantine, parsed.quarantine) | "AllQuarantine" >> beam.Flatten(),
            (planned.drops, parsed.drops) | "AllDrops" >> beam.Flatten(),
            (planned.sources, parsed.sources, shard_sources) | "AllSources" >> beam.Flatten(),
        )


_OUTS = ("quarantine", "drops", "sources")


@dataclass(frozen=True)
class _Injected:
    """A ready record travelling as a read unit (see ``ReadRecords``'s ``inject``)."""

    record: Record


class _ListFn(beam.DoFn):
    def __init__(self, exclude: list[str]) -> None:
        self.exclude = exclude

    def setup(self) -> None:
        self.exclusions = Exclusions(self.exclude)

    def process(self, pattern: str):
        yield from list_pattern(pattern, self.exclusions)


class _ItemsFn(beam.DoFn):
    """Routes items to the records / quarantine / drops outputs, counting each under its reason."""

    def __init__(self, cfg: InputConfig, policy: RetentionPolicy | None, uri_policy: str) -> None:
        self.cfg, self.policy, self.uri_policy = cfg, policy, uri_policy
        self.read = Metrics.counter(NS, "read")
        self.files = Metrics.counter(NS, "files")

    def _emit(self, src: SourceFile, items, sources: str = "sources"):
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
        row = (src.lineage("").source_uri, src.sha256, n)
        if sources == "shard_sources":  # summed per listed file (keyed by a hash of its path), never per
            # public URI: under scheme_bucket every file has the same one
            row = (hashlib.sha256(src.uri.encode("utf-8", "surrogateescape")).hexdigest(), *row)
        yield beam.pvalue.TaggedOutput(sources, row)

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


class _PlanFile(_ItemsFn):
    """Plans one listed file: the shards of a JSON Lines file (hashed here, in one pass), else the file
    itself as one unit. A path that may not or cannot be read is counted here."""

    def process(self, listed: Listed):
        if listed.skip:
            yield from self._not_read(listed.path, listed.skip, quarantine=False)
            return
        if not streamable(listed.path):
            yield listed
            return
        try:
            plan = plan_shards(listed, self.cfg, even_shard_bytes(listed.size, self.cfg.shard_bytes))
        except ReadRefused as exc:
            yield from self._not_read(listed.path, exc.reason, exc.quarantine)
            return
        if plan is None:  # blank or binary-looking: read whole, one item for the file
            yield listed
            return
        self.files.inc()
        yield from plan.shards


class _ParseUnit(_ItemsFn):
    """Parses one unit: a JSON Lines shard line by line (records leave as they are read), or a whole
    file. The only place that sees the raw URI: it evaluates the retention policy's source globs here
    and lets records carry just the matching rule ids (the URI itself is hashed by policy). An injected
    record leaves as it is, counted under its own counter."""

    def __init__(
        self, cfg: InputConfig, policy: RetentionPolicy | None, uri_policy: str, inject_counter: str = "injected"
    ) -> None:
        super().__init__(cfg, policy, uri_policy)
        self.injected = Metrics.counter(NS, inject_counter)

    def process(self, unit: Shard | Listed | _Injected):
        if isinstance(unit, _Injected):
            self.injected.inc()
            yield unit.record
            return
        if isinstance(unit, Shard):
            src = shard_source(unit, self.uri_policy)
            yield from self._emit(src, read_shard(unit, self.cfg, self.uri_policy), "shard_sources")
            return
        try:
            src = SourceFile(unit.path, read_bounded(unit, self.cfg.max_file_bytes), self.uri_policy)
        except ReadRefused as exc:
            yield from self._not_read(unit.path, exc.reason, exc.quarantine)
            return
        self.files.inc()
        yield from self._emit(src, parse_source(src, self.cfg))
