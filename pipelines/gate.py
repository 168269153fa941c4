"""The quality gate of a dataset version, and publishing a gated version.

``gate_version`` reads the version's Parquet files (training, vault of its key scope, canary output),
derives the gate frames (``transforms/gates/frames.py``), validates them with the versioned GE suites
in ``expectations/`` and writes, next to the version, ``_gate/summary.json`` and ``_gate/data_docs/``
(GE Data Docs, HTML; optional, they load assets from CDNs) and ``_gate/report.html`` (self-contained,
readable offline; ``pipelines/gate_report.py``). ``_gate/`` holds no Parquet file and starts with ``_``, so dataset readers skip it.

Privacy contract: the report holds suite/expectation names, thresholds, counts, rates, hashes and
canary ids. Never a value from a record: GE sees no free text, and runs without unexpected-value lists.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipelines.dataset import (
    CANARIES,
    CANARY_VAULT,
    QUARANTINE,
    TRAINING,
    VAULT,
    Layout,
    Manifest,
    describe_files,
    iter_parquet,
    load_complete_manifest,
    parquet_footer,
    publish,
    published_version,
    read_gate_summary,
    read_output,
    read_parquet,
    unpublish,
    vault_scopes,
)
from pipelines.gate_report import REPORT_NAME, write_report
from pipelines.locks import purge_lock
from transforms import fs, permissions
from transforms.config import RunConfig
from transforms.errors import GateFailure, RedactError
from transforms.gates import frames as F
from transforms.gates import ner_sample, sampling
from transforms.gates.canaries import canaries_digest, load_canaries
from transforms.gates.distinct import Digests
from transforms.gates.ge_runner import default_expectations_dir, load_suites, validate
from transforms.gates.ner_check import NerJob
from transforms.schemas import TRAINING_SCHEMA, VAULT_SCHEMA

log = logging.getLogger(__name__)

FORMAT = "redact-gate/v1"
DOCS_NAME = "data_docs"


def gate_version(
    layout: Layout,
    version: str,
    manifest: dict | Manifest,
    cfg: RunConfig,
    now: datetime | None = None,
    n_process: int = 1,
    job: NerJob | None = None,
) -> dict:
    """Validate ``version``; write the report; return the compact result recorded in the manifest.

    ``n_process``: the run's worker count (the gate runs alone after the pipeline). Above 1 the NER
    residual scan runs in a child process (spaCy there with ``n_process - 1`` processes) while this one
    imports Great Expectations and validates the other frames (``ner_check.NerJob``); with one worker it
    runs inline, unless ``job`` brings a child. ``job``: that scan's job started earlier (``NerJob.ready``,
    e.g. before the run's pipeline, so the model is loaded by now); the gate submits its sample and
    closes it, whatever happens."""
    try:  # the job is closed below whatever fails, the manifest's validation included
        if not isinstance(manifest, Manifest):
            manifest = Manifest.model_validate({"version": version, **manifest})
        job = job or NerJob.ready(cfg, processes=n_process)
        return _gate(layout, version, manifest, cfg, now or datetime.now(UTC), job)
    except RedactError:
        raise
    except Exception as exc:  # fail closed, without echoing library messages that could carry data
        raise GateFailure(f"gate could not run on version {version} ({type(exc).__name__})") from None
    finally:  # summary, report and Data Docs (copied with the umask): the permission rule, also after a failure
        if job is not None:
            job.close()
        permissions.apply_tree(layout.gate_dir(version), "gate")


def _same_schema(schema: pa.Schema, expected: pa.Schema) -> bool:
    return schema.remove_metadata().equals(expected.remove_metadata())


def _file_ids(files: list) -> list[tuple[str, str]]:
    entries = [f if isinstance(f, dict) else f.model_dump() for f in files]
    return sorted((f["path"].rstrip("/").rsplit("/", 1)[-1], f["sha256"]) for f in entries)


def _batches(paths: list[str], columns: Callable[[pa.Schema], list[str] | None] = lambda _s: None):
    """Each file's rows in record batches (``columns(schema)``: which of its columns to read, ``None``:
    all, none of them: the file is skipped); a file without rows yields one empty batch of its schema,
    so it still shows in the frames."""
    for path in paths:
        schema, _rows = parquet_footer(path)
        wanted = columns(schema)
        if wanted == []:  # none of the columns asked for: nothing to read
            continue
        empty = True
        for batch in iter_parquet(path, wanted):
            empty = False
            yield batch
        if empty:
            yield pa.RecordBatch.from_pylist([], schema=pa.schema([schema.field(c) for c in wanted or schema.names]))


def _present(*names: str) -> Callable[[pa.Schema], list[str]]:
    return lambda schema: [n for n in names if n in schema.names]


def _except(*names: str) -> Callable[[pa.Schema], list[str]]:
    return lambda schema: [n for n in schema.names if n not in names]


def _strings_only(schema: pa.Schema) -> list[str]:
    """Columns that can hold a string (the residual scan reads strings only; sealed payloads are bytes)."""
    return [f.name for f in schema if not (pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type))]


def _scan_texts(paths: list[str], surfaces: dict[str, frozenset[str]]) -> Iterator[str]:
    """Every training row's NER scan text, in row order, streamed (``frames.ner_texts``)."""
    for path in paths:
        schema, rows = parquet_footer(path)
        if "text" not in schema.names:
            yield from ("" for _ in range(rows))
            continue
        for batch in iter_parquet(path, _present("doc_id", "text")(schema)):
            yield from F.ner_texts(batch, surfaces)


def _gate(layout: Layout, version: str, manifest: Manifest, cfg: RunConfig, now: datetime, job: NerJob) -> dict:
    """Streams every output in record batches, and GE validates the frames chunk by chunk: memory holds
    about two chunks' frames (GE keeps the last), digests of the version's doc ids, contents and vault
    tokens (16 bytes each, ``distinct.Digests``) and the NER check's bounded sample, never a whole file's
    texts or frames."""
    gcfg = cfg.gates
    scope = manifest.keys.scope or cfg.keys.scope
    key_id = manifest.keys.key_id
    canaries = load_canaries(gcfg)
    suites = load_suites(gcfg.expectations_dir)
    on_disk = describe_files(layout.files(TRAINING, version))
    declared = manifest.outputs.get(TRAINING, [])
    training_files = [f["path"] for f in on_disk]
    training_footers = [parquet_footer(p) for p in training_files]
    vault_files = layout.files(VAULT, version, scope)
    vault_schemas = [parquet_footer(p)[0] for p in vault_files]
    surfaces = F.surfaces_of(_batches(vault_files, _present("surfaces")))  # surrogate/date_shift stand-ins
    seed = sampling.sample_seed(version, [n for n, _ in _file_ids(on_disk)])
    sample = ner_sample.collect(
        sum(rows for _, rows in training_footers),
        gcfg.ner_sample_records,
        seed,
        lambda: _scan_texts(training_files, surfaces),
    )
    job.submit(sample, seed)
    vault_tokens = Digests()
    totals = F.TrainingTotals(gcfg.min_text_chars)
    clear = 0  # residual findings in clear columns of every output
    built: dict[str, pd.DataFrame] = {}
    read: set[str] = set()  # sources read to their end: what the ones after them rely on

    def vault() -> Iterator[pd.DataFrame]:
        nonlocal clear
        empty = True
        for batch in _batches(vault_files, _except("surfaces")):  # the recorded stand-ins are synthetic
            frame, empty = F.vault_frame(batch), False
            vault_tokens.add(frame["token"].dropna())
            clear += F.clear_residual([batch])
            yield frame
        if empty:  # no vault file: still a frame to validate
            yield pd.DataFrame(columns=[*F.VAULT_COLUMNS, "type_matches_token"])
        read.add("vault")

    def training() -> Iterator[pd.DataFrame]:
        _after("vault")  # its tokens are all known by now
        empty = True
        for batch in _batches(training_files):
            frame, empty = F.training_frame(batch, vault_tokens, surfaces), False
            totals.add(frame)
            yield frame
        if empty:  # no training file: still a frame to validate
            yield pd.DataFrame(columns=F.training_columns())
        read.add("training")

    def _after(*sources: str) -> None:
        if not read.issuperset(sources):  # a programming error: fail closed rather than count too little
            raise RuntimeError(f"gate source read before {', '.join(sorted(set(sources) - read))}")

    canary_table = read_output(layout, CANARIES, version)
    canary_vault = [read_parquet(p) for p in layout.files(CANARY_VAULT, version)]

    def canary() -> list[pd.DataFrame]:
        _after("vault")  # a canary's token may be one of the version's
        built["canaries"] = F.canary_frame(
            canary_table, canaries, [F.tokens_of(canary_vault), vault_tokens], F.surfaces_of(canary_vault)
        )
        read.add("canaries")
        return [built["canaries"]]

    def metrics() -> list[pd.DataFrame]:  # last: the NER scan is done by now, or runs inline here
        nonlocal clear
        _after("vault", "training", "canaries")
        clear += F.clear_residual(_batches(layout.files(QUARANTINE, version), _strings_only))
        clear += F.clear_residual([canary_table], skip=("text", "turns", "messages"))  # canary texts: canaries
        facts = {
            "clear_columns_pii_free": clear == 0,
            "training_schema_ok": all(_same_schema(schema, TRAINING_SCHEMA) for schema, _ in training_footers),
            "vault_schema_ok": all(_same_schema(schema, VAULT_SCHEMA) for schema in vault_schemas),
            "files_match_manifest": bool(declared) and _file_ids(declared) == _file_ids(on_disk),
            "vault_single_scope": not other_scopes,
        }
        built["metrics"] = F.metrics_frame(totals, built["canaries"], facts, job.result()[1], vault_tokens)
        return [built["metrics"]]

    other_scopes = [s for s in vault_scopes(layout) if s != scope and layout.files(VAULT, version, s)]
    params = _params(version, manifest, scope, key_id, gcfg, len(canaries), now)
    sources = {"vault": vault, "training": training, "canaries": canary, "gate_metrics": metrics}
    with job, tempfile.TemporaryDirectory(prefix="redact-gate-") as tmp:  # the NER scan runs meanwhile
        results = validate(sources, suites, params, tmp, gcfg.chunk_rows)
        docs_index = _copy_docs(tmp, fs.join(layout.gate_dir(version), DOCS_NAME))
    shares = job.result()[1]
    failed = [
        f"{name}: {r['expectation']}({r['column'] or ''})"
        for name, res in results.items()
        for r in res["results"]
        if not r["success"]
    ]
    success = all(res["success"] for res in results.values()) and not failed
    summary = {
        "format": FORMAT,
        "version": version,
        "gated_at": now.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "success": success,
        "failed": failed,
        "dataset": {
            "training_files": [{"name": n, "sha256": h} for n, h in _file_ids(on_disk)],
            "rows": totals.rows,
            "key_scope": scope,
            "key_id": key_id,
            "run_id": manifest.run_id or None,
        },
        "metrics": {k: _plain(v) for k, v in built["metrics"].iloc[0].to_dict().items()},
        "ner_scan": _ner_summary(shares, gcfg.ner_sample_records, seed),
        "canaries": {
            "expected": len(canaries),
            "set_sha256": canaries_digest(canaries),
            "not_found": [r.canary_id for r in built["canaries"].itertuples() if not r.found],
            "leaking": [
                r.canary_id
                for r in built["canaries"].itertuples()
                if r.found and (r.values_leaked or r.residual_structured)
            ],
        },
        "thresholds": gcfg.model_dump(exclude={"canaries", "chunk_rows"}),
        "suites": {name: {**res, **_suite_file(name, gcfg.expectations_dir)} for name, res in results.items()},
        "data_docs": docs_index,
    }
    summary["report"] = fs.join(layout.gate_dir(version), REPORT_NAME)
    summary_path = layout.gate_summary(version)
    fs.write_text_atomic(summary_path, json.dumps(summary, indent=2, sort_keys=True) + "\n")
    write_report(layout.gate_dir(version), summary)
    if not success and published_version(layout) == version:
        # CURRENT never names a version whose last gate failed (re-gated with stricter thresholds, changed files)
        log.warning("version %s failed its gate: unpublished; no version is published", version)
        unpublish(layout)
    return {
        "success": success,
        "gated_at": summary["gated_at"],
        "failed": failed,
        "suites": {name: res["success"] for name, res in results.items()},
        "summary": summary_path,
        "report": summary["report"],
        "data_docs": docs_index,
    }


def _ner_summary(shares: sampling.NerShares, configured: int, seed: str) -> dict:
    """What the summary and the report say about the NER scan (counts and shares only)."""
    return {
        "records_total": shares.total,
        "records_scanned": shares.scanned,
        "sampled": shares.sampled,
        "sample_records": configured,
        "sample_seed": seed if shares.sampled else None,
        "sample_method": sampling.METHOD if shares.sampled else None,
        "confidence": sampling.CONFIDENCE if shares.sampled else None,
        "record_sample_stage": shares.stage if shares.sampled else None,
        "record_bound_confidence": shares.record_confidence if shares.sampled else None,
        "char_sample_stage": shares.char_stage if shares.sampled else None,
        "char_bound_confidence": shares.char_confidence if shares.sampled else None,
        "records_read": shares.read,
        "chars_total": shares.total_chars,
        "char_positions_sampled": shares.char_positions,
        "char_windows_read": shares.windows,
        "record_fraction": shares.record_fraction,
        "record_fraction_upper": shares.record_fraction_upper,
        "char_fraction": shares.char_fraction,
        "char_fraction_upper": shares.char_fraction_upper,
        "line": ner_scan_line(shares),
    }


def ner_scan_line(shares: sampling.NerShares) -> str:
    """``NER scan: n of N records sampled, share p (upper bound u) ...``, or ``all N records scanned``."""
    if not shares.sampled:
        return (
            f"NER scan: all {shares.total} records scanned, record share {shares.record_fraction:.4f}, "
            f"character share {shares.char_fraction:.4f}"
        )
    return (
        f"NER scan: {shares.scanned} of {shares.total} records sampled (stage {shares.stage} of "
        f"{sampling.STAGES}), record share {shares.record_fraction:.4f} (upper bound "
        f"{shares.record_fraction_upper:.4f}, one-sided {shares.record_confidence:.1%}); {shares.char_positions} "
        f"of {shares.total_chars} characters sampled (stage {shares.char_stage} of {sampling.STAGES}), character "
        f"share {shares.char_fraction:.4f} (upper bound {shares.char_fraction_upper:.4f}, one-sided "
        f"{shares.char_confidence:.1%}); {shares.read} records "
        f"and {shares.windows} position windows read; each check passes a share above its threshold with "
        f"probability at most {1 - sampling.CONFIDENCE:.0%}"
    )


def _params(version, manifest, scope, key_id, gcfg, n_canaries: int, now: datetime) -> dict:
    return {
        "now_epoch": now.timestamp(),
        "run_ids": [manifest.data_run_id or None],
        "key_scopes": [scope],
        "key_ids": [key_id],
        "versions": [version],
        "min_rows": gcfg.min_rows,
        "max_empty_text_fraction": gcfg.max_empty_text_fraction,
        "max_short_text_fraction": gcfg.max_short_text_fraction,
        "max_ner_record_fraction": gcfg.max_ner_record_fraction,
        "max_ner_char_fraction": gcfg.max_ner_char_fraction,
        "max_duplicate_fraction": gcfg.max_duplicate_fraction,
        "min_canary_recall": gcfg.min_canary_recall,
        "canaries_expected": n_canaries,
    }


def _plain(v):
    return v.item() if hasattr(v, "item") else v


def _suite_file(suite_name: str, directory: str | None) -> dict:
    root = Path(directory) if directory else default_expectations_dir()
    for path in sorted(root.glob("*.json")):
        data = path.read_bytes()
        if json.loads(data).get("name") == suite_name:
            return {"suite_file": path.name, "suite_sha256": hashlib.sha256(data).hexdigest()}
    return {}


def _copy_docs(src: str, dest: str) -> str:
    """Copy the rendered Data Docs site to ``dest`` (replacing an older report); return index.html."""
    if fs.is_remote(dest):
        for root, _dirs, files in os.walk(src):
            for name in files:
                local = os.path.join(root, name)
                rel = os.path.relpath(local, src).replace(os.sep, "/")
                fs.write_bytes_atomic(fs.join(dest, rel), Path(local).read_bytes())
    else:
        staged = dest + ".new"
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(src, staged)
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(staged, dest)
    return fs.join(dest, "index.html")


def publish_gated(layout: Layout, version: str) -> None:
    """Move ``CURRENT`` to ``version`` only if it is complete, its gate passed, and its files are unchanged.

    Holds the purge lock meanwhile (``LockedError`` while a purge runs): a purge moves ``CURRENT`` too."""
    load_complete_manifest(layout, version)  # a mistyped root or version: refused before any lock file
    with purge_lock(layout, refuse_runs=False, command="publish"):
        _publish_gated(layout, version)


def _publish_gated(layout: Layout, version: str) -> None:
    load_complete_manifest(layout, version)
    summary = read_gate_summary(layout, version)
    if summary is None:
        raise GateFailure(f"version {version} has not been gated; run 'redact gate --version {version}' first")
    if not summary.get("success") or summary.get("version") != version:
        raise GateFailure(f"version {version} did not pass its gate; not publishing")
    on_disk = _file_ids(describe_files(layout.files(TRAINING, version)))
    gated = sorted((f["name"], f["sha256"]) for f in summary.get("dataset", {}).get("training_files", []))
    if on_disk != gated:
        raise GateFailure(f"the files of version {version} changed after its gate ran; re-run the gate")
    publish(layout, version)
