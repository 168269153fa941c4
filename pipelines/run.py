"""Driver of ``redact run``: validate, run the Beam graph, reconcile, write the manifest, publish.

Order matters for crash safety: data files first, manifest last, ``CURRENT`` only after the manifest
says the version is complete and the checks passed. A crash anywhere leaves the previous published
version untouched; a version directory without a manifest is never read.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pipelines.audit import append_event, refuse_if_shredded
from pipelines.beam_runner import pipeline_options, run_beam, shuffles_in_memory
from pipelines.card import retention_summary, write_card
from pipelines.dataset import (
    QUARANTINE,
    VAULT,
    Layout,
    delete_version,
    describe_outputs,
    is_within,
    publish,
    write_manifest,
)
from pipelines.dataset.vault_collisions import check_vault_collisions
from pipelines.graph import GraphSpec, build_graph
from pipelines.locks import run_marker, sweep_incomplete, sweep_staging
from pipelines.storage import configure_filesystems, prepare_roots, secure_outputs
from transforms import PIPELINE_VERSION, fs
from transforms.config import RunConfig
from transforms.context import KeysRef, RunContext
from transforms.detection.engines.registry import check_engines
from transforms.detection.model_integrity import verify_model
from transforms.errors import ConfigError, InputError, IntegrityError
from transforms.keys import KeysetStore, ScopeKeys
from transforms.retention import load_policy, policy_identity
from transforms.schemas import SCHEMA_VERSION
from transforms.vault import TOKEN_COLLISIONS

log = logging.getLogger(__name__)


@dataclass
class RunRequest:
    inputs: list[str]
    output: str
    config: RunConfig
    beam_args: list[str] = field(default_factory=list)
    publish: bool = True
    # a process that runs one pipeline (the CLI): free the pipeline's per-process caches before the gate
    release_after_pipeline: bool = False
    # a detection child process beside each worker, sharing its batches (``transforms/detection/batch_child.py``)
    ner_child: bool = False


def expand_inputs(inputs: list[str]) -> list[str]:
    """Turn paths, directories and globs into Beam match patterns; each must match at least one file."""
    patterns = []
    for raw in inputs:
        path = os.path.expanduser(raw)
        if not fs.is_remote(path) and os.path.isdir(path):
            pattern = os.path.join(os.path.abspath(path), "**")
        elif fs.is_remote(path) and path.endswith("/"):
            pattern = path + "**"
        else:
            pattern = os.path.abspath(path) if not fs.is_remote(path) else path
        try:
            matched = fs.list_files(pattern)
        except Exception as exc:
            raise InputError(f"cannot list input {raw}: {type(exc).__name__}") from None
        if not matched:
            raise InputError(f"input {raw} matches no files")
        patterns.append(pattern)
    return patterns


def _recursive_base(raw: str) -> str | None:
    """The folder/prefix a recursive input (directory, ``**`` glob, ``s3://b/p/``) reads everything under."""
    if fs.is_remote(raw):
        if "**" in raw:
            return raw.split("**", 1)[0]
        return raw if raw.endswith("/") else None
    path = os.path.expanduser(raw)
    if os.path.isdir(path):
        return path
    return (path.split("**", 1)[0] or ".") if "**" in path else None


def check_outputs_outside_inputs(inputs: list[str], layout: Layout) -> None:
    """Refuse any output root (``--output`` or ``outputs.*`` in config) equal to or inside an input root:
    the run would read its own vault, manifests or reports back in. Non-recursive inputs (a file, a
    ``*.jsonl`` glob) cannot reach the output roots' files, which all lie in subfolders."""
    roots = {"output": layout.out, **{f"outputs.{k}": r for k, r in layout.roots().items()}}
    for raw in inputs:
        base = _recursive_base(raw)
        if base is None:
            continue
        for name, root in roots.items():
            if is_within(root, base):
                raise InputError(f"{name} root {root} is inside input {raw}; choose output roots outside the inputs")


def _check_dev_kek_outside_outputs(kek_uri: str, layout: Layout) -> None:
    """A cleartext dev KEK next to the keysets it wraps would make the wrapping pointless."""
    if not kek_uri.startswith("local://"):
        return
    kek = os.path.expanduser(kek_uri[len("local://") :])
    for root in {layout.out, *layout.roots().values()}:
        if not fs.is_remote(root) and is_within(kek, root):
            raise ConfigError(
                f"the local KEK {os.path.realpath(kek)} lies inside the output root {root}; "
                "keep it outside (default ~/.config)"
            )


def new_version(now: datetime, run_id: str) -> str:
    return f"v{now.strftime('%Y%m%dT%H%M%SZ')}-{run_id[:6]}"


def prepare(req: RunRequest) -> tuple[GraphSpec, ScopeKeys]:
    """Everything that can fail before a byte is written: inputs, model hashes, keys."""
    cfg = req.config
    patterns = expand_inputs(req.inputs)
    layout = Layout.build(req.output, cfg.outputs)
    check_outputs_outside_inputs(req.inputs, layout)
    _check_dev_kek_outside_outputs(cfg.keys.kek_uri, layout)
    refuse_if_shredded(layout, cfg.keys.scope)  # even if the keyset file was restored from a backup
    policy = load_policy(cfg.retention.policy_file)
    model = verify_model(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file)
    check_engines(cfg.detection.engines)  # extra NER engines: hashes, labels, extra installed
    keys = open_run_keys(layout, cfg)
    now = datetime.now(UTC).replace(microsecond=0)
    run_id = uuid.uuid4().hex[:12]
    ctx = RunContext(
        run_id=run_id,
        version=new_version(now, run_id),
        ingested_at=now.isoformat().replace("+00:00", "Z"),
        pipeline_version=PIPELINE_VERSION,
        detector_config_sha256=cfg.detection.sha256(),
        nlp_model_name=model.name,
        nlp_model_version=model.version,
        nlp_model_sha256=model.sha256,
        key_scope=keys.scope,
        key_id=keys.key_id,
    )
    keys_ref = KeysRef(
        keys_root=layout.keys,
        scope=keys.scope,
        kek_uri=cfg.keys.kek_uri,
        gcp_kms_endpoint=cfg.keys.gcp_kms_endpoint,
        key_id=keys.key_id,
    )
    spec = GraphSpec(
        patterns=patterns, cfg=cfg, ctx=ctx, keys=keys_ref, layout=layout, policy=policy, ner_child=req.ner_child
    )
    if shuffles_in_memory(req.beam_args):  # the vault by external sort: memory flat in corpus size
        spec = dataclasses.replace(spec, vault_spill=True)
    return spec, keys


def open_run_keys(layout: Layout, cfg: RunConfig) -> ScopeKeys:
    """Open the scope's keys. A missing keyset is created only under a local dev KEK: with a KMS KEK a
    typo in ``--scope`` must not silently start a new token space (use ``redact keys create``)."""
    store = KeysetStore(layout.keys)
    local = cfg.keys.kek_uri.startswith("local://")
    if local and not store.exists(cfg.keys.scope):
        log.warning("scope %s has no keyset yet: creating one under the local development KEK", cfg.keys.scope)
    return ScopeKeys.open(
        store, cfg.keys.scope, cfg.keys.kek_uri, create=local, gcp_kms_endpoint=cfg.keys.gcp_kms_endpoint
    )


def execute(spec: GraphSpec, beam_args: list[str]) -> dict[str, int]:
    """Run the main graph to completion and return the ``redact`` counters."""
    return run_beam(lambda p: build_graph(p, spec), beam_args, "pipeline")


class _Released:
    """What Beam's ``Shared`` keeps alive once the detector is released (a weak-referenceable nothing)."""


def release_pipeline_memory() -> None:
    """After an in-process (DirectRunner) pipeline: let the driver reuse the memory the workers' caches
    held before the gate loads its own model and frames, so the run's peak is not the two stacked.

    Beam's ``Shared`` keeps the last object acquired in this process alive (the detector: spaCy and
    Presidio); acquiring a trivial object in its place drops that reference. Then the garbage is
    collected and freed pages go back to the OS (Arrow's pool, and glibc's heap where there is one).
    A process that runs another pipeline afterwards would rebuild the detector: only the CLI asks."""
    import contextlib
    import ctypes
    import gc

    import pyarrow as pa
    from apache_beam.utils.shared import Shared

    from pipelines import warm_workers

    # the workers' fork server (several local worker processes) and its detector: killed, since its clean
    # exit only frees memory, for seconds of CPU the gate would wait for (1.7 CPU-s on the slower machine
    # of the README's "Performance")
    warm_workers.stop(kill=True)
    Shared().acquire(_Released, tag="released")
    gc.collect()
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: its allocator keeps its own policy
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def reconcile(counters: dict[str, int], outputs: dict[str, list[dict]]) -> dict:
    quarantined = {k.split(".", 1)[1]: v for k, v in counters.items() if k.startswith("quarantined.")}
    dropped = {k.split(".", 1)[1]: v for k, v in counters.items() if k.startswith("dropped.")}
    read, written = counters.get("read", 0), counters.get("written", 0)
    q_total, d_total = sum(quarantined.values()), sum(dropped.values())
    canaries = {"injected": counters.get("canaries.injected", 0), "written": counters.get("canaries.written", 0)}
    rows = {name: sum(f.get("rows", 0) for f in files) for name, files in outputs.items()}
    checks = {
        "read_equals_written_quarantined_dropped": read + canaries["injected"]
        == written + canaries["written"] + q_total + d_total,
        "training_rows_equal_written": rows.get("training", 0) == written,
        "quarantine_rows_equal_quarantined": rows.get("quarantine", 0) == q_total,
        "canary_rows_equal_written": rows.get("canaries", 0) == canaries["written"],
    }
    return {
        "counts": {
            "files": counters.get("files", 0),
            "read": read,
            "written": written,
            "quarantined": dict(sorted(quarantined.items())),
            "quarantined_total": q_total,
            "dropped": dict(sorted(dropped.items())),
            "dropped_total": d_total,
            "vault_tokens": rows.get("vault", 0),
            "canaries": canaries,
        },
        "entities": {k.split(".", 1)[1]: v for k, v in sorted(counters.items()) if k.startswith("entities.")},
        "reconciliation": {"ok": all(checks.values()), "checks": checks},
    }


def run(req: RunRequest, gate=None) -> dict:
    """Run the main job. Returns the summary; raises ``RedactError`` on failure (nothing published).

    ``gate(layout, version, manifest) -> result`` validates the written version; without a gate, or when
    it fails, the version stays unpublished (DESIGN.md section 7). A gate with ``start()`` and ``close()``
    (``pipelines.run_gate.RunGate``) is started once the run's inputs, model and keys are checked, just
    before the pipeline (its NER model loads meanwhile), and closed here on every path."""
    try:
        return _run(req, gate)
    finally:
        if hasattr(gate, "close"):
            gate.close()


def _run(req: RunRequest, gate) -> dict:
    configure_filesystems(pipeline_options(req.beam_args))
    spec, _keys = prepare(req)
    layout, ctx = spec.layout, spec.ctx
    prepare_roots(layout)
    try:
        with run_marker(layout, ctx.run_id, ctx.version):  # refuses while a purge holds the dataset
            swept = sweep_incomplete(layout)
            sweep_staging(layout)  # killed runs' staging (vault runs, dropped ids); ours has its marker
            if swept:
                log.warning("deleted %d incomplete version(s) left by killed runs: %s", len(swept), ", ".join(swept))
                append_event(layout, "cleanup", {"by": "run", "run_id": ctx.run_id, "incomplete_versions": swept})
            result = _run_prepared(req, spec, gate)
            result["incomplete_versions_deleted"] = swept
            return result
    finally:  # the staging files list dropped records: never leave them behind, whatever happened
        fs.delete_tree(layout.staging(ctx.run_id))
        secure_outputs(layout)  # Beam's sinks wrote with the umask: the permission rule, after finalize


def _run_prepared(req: RunRequest, spec: GraphSpec, gate) -> dict:
    ctx, layout = spec.ctx, spec.layout
    log.info("run %s -> version %s (scope %s, key %s)", ctx.run_id, ctx.version, ctx.key_scope, ctx.key_id)
    if hasattr(gate, "start"):  # its NER model loads while the pipeline runs
        gate.start()
    counters = execute(spec, req.beam_args)
    if req.release_after_pipeline:
        release_pipeline_memory()
    if counters.get(TOKEN_COLLISIONS):
        delete_version(layout, ctx.version)
        raise IntegrityError(
            f"{counters[TOKEN_COLLISIONS]} token collision(s) in run {ctx.run_id}: two values share a pseudonym; "
            "the version was deleted and nothing was published"
        )
    outputs = describe_outputs(layout, ctx.version, ctx.key_scope)
    summary = reconcile(counters, outputs)
    staging = layout.staging(ctx.run_id)
    sources = sorted(fs.read_jsonl(fs.join(staging, "sources*.jsonl")), key=lambda r: r["uri"])
    drops = fs.read_jsonl(fs.join(staging, "drops*.jsonl"))
    failures = []
    if not summary["reconciliation"]["ok"]:
        failures.append("counts do not reconcile")
    read = summary["counts"]["read"]
    qfrac = summary["counts"]["quarantined_total"] / read if read else 0.0
    if qfrac > req.config.max_quarantine_fraction:
        failures.append(
            f"{summary['counts']['quarantined_total']} of {read} records quarantined ({_pct(qfrac)}) > "
            f"max_quarantine_fraction {_pct(req.config.max_quarantine_fraction)}"
        )
    check_vault_collisions(layout, ctx.key_scope)
    manifest = {
        "status": "failed" if failures else "complete",
        "failures": failures,
        "run_id": ctx.run_id,
        "created_at": ctx.ingested_at,
        "pipeline_version": ctx.pipeline_version,
        "config_sha256": _sha256_json(req.config.model_dump()),
        "detector_config_sha256": ctx.detector_config_sha256,
        "nlp_model": {
            "name": ctx.nlp_model_name,
            "version": ctx.nlp_model_version,
            "sha256": ctx.nlp_model_sha256,
        },
        "keys": {"scope": ctx.key_scope, "key_id": ctx.key_id, "kek_uri": req.config.keys.kek_uri},
        "produced_by": "run",
        "code": {"pipeline_version": ctx.pipeline_version, "schema_version": SCHEMA_VERSION},
        "retention_policy": policy_identity(spec.policy),
        "uri_policy": req.config.retention.uri_policy,
        "card_meta": req.config.card.model_dump(),
        "retention_summary": retention_summary(outputs["training"]),
        "purge_history": [],
        "gate": None,
        "inputs": sources,
        "drops": drops,
        "outputs": outputs,
        **summary,
    }
    gate_result = None
    if not failures and gate is not None:
        gate_result = gate(layout, ctx.version, manifest)
        manifest["gate"] = gate_result
    manifest["outputs"]["card"] = [write_card(layout, ctx.version, manifest)]
    manifest_path = write_manifest(layout, ctx.version, manifest)
    published = False
    # DESIGN.md section 7: a version is published only after its gate ran and passed; no gate, no publish
    if not failures and req.publish and gate_result is not None and gate_result.get("success"):
        publish(layout, ctx.version)
        published = True
    result = {
        "version": ctx.version,
        "run_id": ctx.run_id,
        "status": manifest["status"],
        "published": published,
        "manifest": manifest_path,
        "outputs": {
            "training": layout.version_dir(ctx.version),
            "vault": layout.data_dir(VAULT, ctx.version, ctx.key_scope),
            "quarantine": layout.data_dir(QUARANTINE, ctx.version),
            "files": {k: [f["path"] for f in v] for k, v in outputs.items()},
        },
        "gate": gate_result,
        **summary,
    }
    if failures:
        result["failures"] = failures
    return result


def _pct(fraction: float) -> str:
    return f"{round(fraction * 100, 1):g}%"


def _sha256_json(obj) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()
