"""What a purge does, computed once from the purge graph's outputs (Beam-free).

``plan_purge`` is the one planning function: a dry run reports its result, a real purge carries it out.
Both run the same graph (the dry run without its writes) and so see the same decisions and counters,
which is why the dry run reports exactly what the real purge removes, quarantine rows included.
Privacy contract: ids, version names, reason codes and counts only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pipelines.purge_manifest import history_entry, tally
from transforms.purge_rules import PurgeCriteria

_EMPTY = {"purge": {}, "held": {}}


@dataclass
class PurgePlan:
    current: str | None  # the published version purged (None: nothing published)
    new_version: str | None  # the version replacing it (None: the published version is unchanged)
    publish_new: bool  # False: the new version fails the row minimum; nothing stays published
    kept_rows: int
    deleted: list[str]  # versions deleted after the purge (hold removed rows or due quarantine)
    retained: list[str]  # versions holding rows due for removal, kept for a legal hold
    entry: dict  # the purge-history entry of the new version
    removed: dict[str, int]
    held: dict[str, int]
    versions: dict[str, dict]
    quarantine_removed: dict[str, int]
    quarantine_due_elsewhere: dict[str, int]
    policies: list[str] = field(default_factory=list)

    def report(self) -> dict:
        """The part of the purge report that the dry run and the real purge share, key for key."""
        no_published = self.current is None or (self.new_version is not None and not self.publish_new)
        return {
            "from_version": self.current,
            "new_version": self.new_version,
            "published": self.new_version is not None and self.publish_new,
            "published_version": None if no_published else (self.new_version or self.current),
            "no_published_version": no_published,
            "kept_rows": self.kept_rows,
            "removed": self.removed,
            "held": self.held,
            "versions": self.versions,
            "versions_deleted": self.deleted,
            "quarantine_removed": self.quarantine_removed,
            "quarantine_due_in_older_versions": self.quarantine_due_elsewhere,
            "versions_retained_for_legal_hold": self.retained,
        }


def plan_purge(
    *,
    current: str | None,
    new_version: str | None,
    criteria: PurgeCriteria,
    counters: dict[str, int],
    decisions: list[dict],
    quarantine_due: list[dict],
    min_rows: int,
    at: str,
) -> PurgePlan:
    """Decide which versions go, whether a new version replaces the published one and whether it may be
    published. Retention wins: removed rows go even when nothing is left to publish (``min_rows``)."""
    t = tally(decisions)
    mine = t.get(current, _EMPTY) if current else _EMPTY
    entry = history_entry(at, current or "", None, criteria, mine)
    entry["policy"] = ", ".join(sorted({d["policy"] for d in decisions if d["version"] == current}))
    q_current = {k.split(".", 2)[2]: n for k, n in counters.items() if k.startswith("purge.quarantine.") and n}
    q_other = Counter(d["version"] for d in quarantine_due)
    removes_current = current is not None and (bool(entry["removed"]) or bool(q_current))
    kept = counters.get("purge.current.keep", 0) + counters.get("purge.current.held", 0)
    deleted = sorted(
        {v for v, c in t.items() if c["purge"] and ((v == current and removes_current) or not c["held"])}
        # older versions whose quarantine still holds due raw records, unless a legal hold keeps the version
        | {v for v in q_other if v != current and not t.get(v, _EMPTY)["held"]}
        | ({current} if removes_current else set())  # replaced by the new version, which holds all kept
    )
    return PurgePlan(
        current=current,
        new_version=new_version if removes_current else None,
        publish_new=removes_current and kept >= min_rows,
        kept_rows=kept if current else 0,
        deleted=deleted,
        retained=sorted(v for v, c in t.items() if c["purge"] and c["held"] and v != current),
        entry=entry,
        removed=entry["removed"],
        held=dict(sorted(mine["held"].items())),
        versions={v: {k: dict(sorted(c[k].items())) for k in ("purge", "held")} for v, c in sorted(t.items())},
        quarantine_removed=dict(sorted(q_current.items())),
        quarantine_due_elsewhere=dict(sorted(q_other.items())),
        policies=sorted({d["policy"] for d in decisions}),
    )
