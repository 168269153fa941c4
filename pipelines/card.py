"""Dataset card per dataset version: ``<training>/<version>/README.md``, a Hugging Face dataset card.

The YAML header names the data files (``configs: data_files: data/*.parquet``), so
``datasets.load_dataset(<version folder>)`` reads exactly the training rows (not the manifest or the
gate report beside them), plus license, language, size and task; the human card follows it.
Rendered only from the version's manifest (ids, hashes, counts, labels), so it can hold no record
value: sources appear as hashed URIs and content sha256, keys as scope + key id (never a KEK URI or
material). Written by ``redact run`` and ``redact purge`` before the manifest, which lists its sha256.
"""

from __future__ import annotations

import hashlib

import yaml

from pipelines.console import plain_counts, total_with_reasons
from pipelines.dataset import DATA_DIR, Layout, Manifest, iter_parquet
from transforms import fs
from transforms.config import CardConfig
from transforms.periods import instant_text

# Hugging Face's size_categories buckets (upper bounds, exclusive).
_SIZES = [
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
]


def card_path(layout: Layout, version: str) -> str:
    return layout.card(version)


def size_category(rows: int) -> str:
    return next((name for bound, name in _SIZES if rows < bound), "n>1B")


def render_header(version: str, m: dict) -> str:
    """The YAML front matter Hugging Face reads (``configs`` makes ``load_dataset(folder)`` work)."""
    meta = {**CardConfig().model_dump(), **(m.get("card_meta") or {})}
    header = {
        "pretty_name": meta.get("pretty_name") or f"Redacted training data {version}",
        "license": meta["license"],
        "language": list(meta["language"]),
        "task_categories": list(meta["task_categories"]),
        "size_categories": [size_category(int(m.get("counts", {}).get("written") or 0))],
        "tags": list(meta.get("tags") or []),
        "configs": [{"config_name": "default", "data_files": [{"split": "train", "path": f"{DATA_DIR}/*.parquet"}]}],
    }
    return "---\n" + yaml.safe_dump(header, sort_keys=False, allow_unicode=False) + "---\n"


def retention_summary(training_files: list[dict]) -> dict:
    """Counts by policy/category, legal holds and the expiry range of a version's training rows."""
    by_policy: dict[str, int] = {}
    by_category: dict[str, int] = {}
    held = never = 0
    earliest = latest = None
    for f in training_files:  # in record batches: memory does not grow with the version
        for batch in iter_parquet(f["path"], ["retention"]):
            for r in batch.column("retention").to_pylist():
                key = f"{r['policy_id']}@{r['policy_version']}"
                by_policy[key] = by_policy.get(key, 0) + 1
                by_category[r["category"]] = by_category.get(r["category"], 0) + 1
                held += bool(r["legal_hold"])
                if r["expires_at"]:
                    text = instant_text(r["expires_at"])
                    earliest = text if earliest is None else min(earliest, text)
                    latest = text if latest is None else max(latest, text)
                else:
                    never += 1
    return {
        "by_policy": dict(sorted(by_policy.items())),
        "by_category": dict(sorted(by_category.items())),
        "legal_hold": held,
        "never_expires": never,
        "earliest_expiry": earliest,
        "latest_expiry": latest,
    }


def _table(headers: list[str], rows: list[list[object]]) -> list[str]:
    if not rows:
        return ["(none)", ""]
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def render_card(version: str, m: dict) -> str:
    counts, keys, model = m.get("counts", {}), m.get("keys", {}), m.get("nlp_model") or {}
    pol, ret = m.get("retention_policy") or {}, m.get("retention_summary") or {}
    lines = [render_header(version, m), f"# Dataset card: {version}", ""]
    lines += [
        f"- Status: {m.get('status', '?')}; produced by `redact {m.get('produced_by', 'run')}` "
        f"(run {m.get('run_id', '?')}) at {m.get('created_at', '?')}",
        f"- Pipeline version: {m.get('pipeline_version', '?')}; config sha256 `{m.get('config_sha256', '?')}`",
        f"- Source URIs recorded as: {m.get('uri_policy', 'hash')}",
        "",
        "## Sources",
        "",
    ]
    lines += _table(
        ["source (public URI)", "sha256", "items"],
        [[f"`{s['uri']}`", f"`{s['sha256']}`", s.get("items", "")] for s in m.get("inputs", [])],
    )
    lines += ["## Counts", ""]
    lines += _table(
        ["measure", "value"],
        [
            ["records read", counts.get("read", "")],
            ["training rows", counts.get("written", "")],
            ["quarantined", total_with_reasons(counts.get("quarantined_total", 0), counts.get("quarantined") or {})],
            ["dropped by policy", total_with_reasons(counts.get("dropped_total", 0), counts.get("dropped") or {})],
            ["vault tokens", counts.get("vault_tokens", "")],
            ["reconciled", "yes" if m.get("reconciliation", {}).get("ok") else "no"],
        ],
    )
    lines += ["## Entity statistics (replaced values by type)", ""]
    lines += _table(["entity type", "count"], [[k, v] for k, v in sorted(m.get("entities", {}).items())])
    lines += ["## Retention policy", ""]
    lines += [
        f"- Policy `{pol.get('policy_id', '?')}` version `{pol.get('version', '?')}` "
        f"(sha256 `{pol.get('sha256', '?')}`), {pol.get('rules', 0)} rules, default retention "
        f"{pol.get('default_retention', '?')}",
        f"- Rows by category: {plain_counts(ret.get('by_category') or {}) or 'none'}; under legal hold: {ret.get('legal_hold', 0)}; "
        f"never expire: {ret.get('never_expires', 0)}",
        f"- Expiry range: {ret.get('earliest_expiry') or 'none'} .. {ret.get('latest_expiry') or 'none'}",
        "",
        "## Model and keys",
        "",
        f"- NLP model: {model.get('name', '?')} {model.get('version', '?')} (sha256 `{model.get('sha256', '?')}`)",
        f"- Detector configuration sha256: `{m.get('detector_config_sha256', '?')}`",
        f"- Key scope `{keys.get('scope', '?')}`, key id `{keys.get('key_id', '?')}`",
        "",
        "## Quality gate",
        "",
        _gate_line(m.get("gate"), m.get("gate_inherited")),
        "",
        "## Purge history",
        "",
    ]
    lines += _table(
        ["at", "from version", "as of", "removed", "held", "policy"],
        [
            [
                h["at"],
                h["from_version"],
                h["as_of"],
                plain_counts(h.get("removed") or {}) or "none",
                h.get("held", 0),
                h.get("policy", ""),
            ]
            for h in m.get("purge_history", [])
        ],
    )
    return "\n".join(lines).rstrip() + "\n"


def _gate_line(gate: dict | None, inherited: dict | None) -> str:
    if gate:
        return f"- Result: {_gate_word(gate.get('success'))}"
    if inherited:
        return f"- Not re-run (rows only removed); source version gate: {_gate_word(inherited.get('success'))}"
    return "- Not run for this version"


def _gate_word(success: bool | None) -> str:
    return "passed" if success else "FAILED" if success is False else "not recorded"


def write_card(layout: Layout, version: str, manifest: dict | Manifest) -> dict:
    """Write the card; returns its file entry (path, sha256, bytes) for the manifest."""
    m = manifest.to_dict() if isinstance(manifest, Manifest) else manifest
    data = render_card(version, m).encode("utf-8")
    path = card_path(layout, version)
    fs.write_bytes_atomic(path, data)
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
