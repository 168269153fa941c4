"""The one owner of the dataset on disk: output roots, version folders, the manifest, reading and deleting.

Every command (run, gate, publish, purge, reveal, versions) finds files through this package; no other
module globs ``*.parquet`` or builds an output path. ``OUTPUT_KINDS`` lists every output a run writes:
purge, version discovery and the permission rules iterate it, so a new output cannot become an erasure gap.

Layout under ``OUT`` (each root overridable in config, e.g. a separately permissioned bucket)::

    training/<version>/            the version root (what ``datasets.load_dataset`` is pointed at):
        data/*.parquet             the training rows, alone in their folder (every reader opens it as is)
        README.md                  Hugging Face dataset card (YAML header naming data/) + the human card
        _MANIFEST.json, _gate/     manifest (written last) and gate report, beside the data, never among it
    training/CURRENT               names the published version (replaced atomically)
    vault/<scope>/<version>/       token vault (restricted)
    quarantine/<version>/          sealed raw records (restricted)
    canaries/<version>/            canary output (synthetic) and ``vault/`` beside it (restricted)
    audit/, keys/                  not per version (restricted)

A version is *complete* when its manifest (written last) says so, *failed* when the manifest says
failed or its gate failed, *partial* when it has files but no readable manifest (a killed run), and
*published* when ``CURRENT`` names it. Privacy contract: the manifest holds ids, hashes and counts only.
"""

from pipelines.dataset.layout import (
    AUDIT,
    CANARIES,
    CANARY_VAULT,
    CARD_NAME,
    CURRENT_NAME,
    DATA_DIR,
    GATE_DIR,
    GATE_SUMMARY_NAME,
    KEYS,
    MANIFEST_NAME,
    OUTPUT_KINDS,
    QUARANTINE,
    RESTRICTED_KINDS,
    TRAINING,
    VAULT,
    VERSIONED_KINDS,
    Layout,
    OutputKind,
    is_within,
)
from pipelines.dataset.manifest import (
    MANIFEST_FORMAT,
    FileEntry,
    GateResult,
    Manifest,
    ManifestKeys,
    describe_files,
    describe_outputs,
    gate_passed,
    load_complete_manifest,
    mark_scope_shredded,
    publish,
    published_version,
    read_gate_summary,
    read_manifest,
    shred_markers,
    unpublish,
    write_manifest,
)
from pipelines.dataset.versions import (
    COMPLETE,
    FAILED,
    PARTIAL,
    PUBLISHED,
    VersionInfo,
    complete_versions,
    delete_version,
    discover,
    iter_parquet,
    latest_complete_version,
    parquet_footer,
    read_output,
    read_parquet,
    vault_scopes,
    vault_versions,
    version_names,
)
from transforms.periods import now_iso

__all__ = [
    "AUDIT",
    "CANARIES",
    "CANARY_VAULT",
    "CARD_NAME",
    "COMPLETE",
    "CURRENT_NAME",
    "DATA_DIR",
    "FAILED",
    "GATE_DIR",
    "GATE_SUMMARY_NAME",
    "KEYS",
    "MANIFEST_FORMAT",
    "MANIFEST_NAME",
    "OUTPUT_KINDS",
    "PARTIAL",
    "PUBLISHED",
    "QUARANTINE",
    "RESTRICTED_KINDS",
    "TRAINING",
    "VAULT",
    "VERSIONED_KINDS",
    "FileEntry",
    "GateResult",
    "Layout",
    "Manifest",
    "ManifestKeys",
    "OutputKind",
    "VersionInfo",
    "complete_versions",
    "delete_version",
    "describe_files",
    "describe_outputs",
    "discover",
    "gate_passed",
    "is_within",
    "iter_parquet",
    "latest_complete_version",
    "load_complete_manifest",
    "mark_scope_shredded",
    "now_iso",
    "parquet_footer",
    "publish",
    "published_version",
    "read_gate_summary",
    "read_manifest",
    "read_output",
    "read_parquet",
    "shred_markers",
    "unpublish",
    "vault_scopes",
    "vault_versions",
    "version_names",
    "write_manifest",
]
