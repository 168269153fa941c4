"""Names and places of every output: ``OUTPUT_KINDS`` and the ``Layout`` of an output root."""

from __future__ import annotations

import os
from dataclasses import dataclass

from transforms import fs
from transforms.config import OutputsConfig

MANIFEST_NAME = "_MANIFEST.json"
CURRENT_NAME = "CURRENT"
GATE_DIR = "_gate"
DATA_DIR = "data"
CARD_NAME = "README.md"
GATE_SUMMARY_NAME = "summary.json"


@dataclass(frozen=True)
class OutputKind:
    """One output of a run. ``per_version``: holds Parquet per dataset version (purge and discovery visit it)."""

    name: str
    restricted: bool
    per_version: bool


TRAINING, VAULT, QUARANTINE, CANARIES, CANARY_VAULT, AUDIT, KEYS = (
    "training",
    "vault",
    "quarantine",
    "canaries",
    "canary_vault",
    "audit",
    "keys",
)
OUTPUT_KINDS: tuple[OutputKind, ...] = (
    OutputKind(TRAINING, restricted=False, per_version=True),
    OutputKind(VAULT, restricted=True, per_version=True),
    OutputKind(QUARANTINE, restricted=True, per_version=True),
    OutputKind(CANARIES, restricted=False, per_version=True),
    OutputKind(CANARY_VAULT, restricted=True, per_version=True),
    OutputKind(AUDIT, restricted=True, per_version=False),
    OutputKind(KEYS, restricted=True, per_version=False),
)
VERSIONED_KINDS = tuple(k.name for k in OUTPUT_KINDS if k.per_version)
RESTRICTED_KINDS = tuple(k.name for k in OUTPUT_KINDS if k.restricted)


@dataclass(frozen=True)
class Layout:
    """Where every output of ``OUT`` lives. Build it with ``Layout.build(out, cfg.outputs)``."""

    out: str
    training: str
    vault: str
    quarantine: str
    audit: str
    keys: str

    @classmethod
    def build(cls, out: str, cfg: OutputsConfig | None = None) -> Layout:
        cfg = cfg or OutputsConfig()
        return cls(
            out=out,
            training=cfg.training or fs.join(out, TRAINING),
            vault=cfg.vault or fs.join(out, VAULT),
            quarantine=cfg.quarantine or fs.join(out, QUARANTINE),
            audit=cfg.audit or fs.join(out, AUDIT),
            keys=cfg.keys or fs.join(out, KEYS),
        )

    @property
    def canaries(self) -> str:
        """Canary output (synthetic, redacted): beside, never inside, the training root."""
        return fs.join(self.out, CANARIES)

    def roots(self) -> dict[str, str]:
        """Root folder of every output kind (the canary vault lives under the canary root)."""
        return {
            TRAINING: self.training,
            VAULT: self.vault,
            QUARANTINE: self.quarantine,
            CANARIES: self.canaries,
            CANARY_VAULT: self.canaries,
            AUDIT: self.audit,
            KEYS: self.keys,
        }

    def output_roots(self) -> list[str]:
        """OUT itself and the root of every output kind, each once: the places no input is read from and
        no revealed text is written to."""
        return list(dict.fromkeys([self.out, *self.roots().values()]))

    def version_roots(self) -> dict[str, str]:
        """kind -> root holding ``<root>/<version>/`` folders, for every per-version kind with a root of its
        own (the vault has a scope level in between; the canary vault lives inside the canary folder)."""
        found: dict[str, str] = {}
        for kind in VERSIONED_KINDS:
            root = self.roots()[kind]
            if root not in found.values():
                found[kind] = root
        return found

    def version_dir(self, version: str) -> str:
        """The version root: data folder, card, manifest and gate report."""
        return fs.join(self.training, version)

    def data_dir(self, kind: str, version: str, scope: str = "") -> str:
        """The folder holding the Parquet files of ``kind`` for ``version`` (vault: of key ``scope``)."""
        if kind == TRAINING:
            return fs.join(self.version_dir(version), DATA_DIR)
        if kind == VAULT:
            if not scope:
                raise ValueError("the vault is per key scope")
            return fs.join(self.vault, scope, version)
        if kind == QUARANTINE:
            return fs.join(self.quarantine, version)
        if kind == CANARIES:
            return fs.join(self.canaries, version)
        if kind == CANARY_VAULT:
            return fs.join(self.canaries, version, "vault")
        raise ValueError(f"{kind} holds no per-version Parquet")

    def prefix(self, kind: str, version: str, scope: str = "") -> str:
        """File-name prefix for Beam's Parquet sinks (``<prefix>-SSSSS-of-NNNNN.parquet``)."""
        return fs.join(self.data_dir(kind, version, scope), "part")

    def files(self, kind: str, version: str, scope: str = "") -> list[str]:
        """The Parquet files of ``kind`` for ``version``, sorted."""
        return fs.list_files(fs.join(self.data_dir(kind, version, scope), "*.parquet"))

    def vault_dir(self, scope: str, version: str) -> str:
        return self.data_dir(VAULT, version, scope)

    def quarantine_dir(self, version: str) -> str:
        return self.data_dir(QUARANTINE, version)

    def canary_dir(self, version: str) -> str:
        return self.data_dir(CANARIES, version)

    def canary_vault_dir(self, version: str) -> str:
        return self.data_dir(CANARY_VAULT, version)

    def manifest(self, version: str) -> str:
        return fs.join(self.version_dir(version), MANIFEST_NAME)

    def card(self, version: str) -> str:
        return fs.join(self.version_dir(version), CARD_NAME)

    def gate_dir(self, version: str) -> str:
        """Gate report of a version (``summary.json``, ``data_docs/``): no Parquet, ``_``-prefixed."""
        return fs.join(self.version_dir(version), GATE_DIR)

    def gate_summary(self, version: str) -> str:
        return fs.join(self.gate_dir(version), GATE_SUMMARY_NAME)

    @property
    def current(self) -> str:
        return fs.join(self.training, CURRENT_NAME)

    def staging(self, run_id: str) -> str:
        return fs.join(self.out, ".runs", run_id)

    @property
    def locks(self) -> str:
        return fs.join(self.out, ".locks")


def is_within(path: str, root: str) -> bool:
    """``path`` equals ``root`` or lies below it (local paths resolved, symlinks included; object-store
    URIs compared as prefixes). Paths on different kinds of storage are never within each other."""
    if fs.is_remote(path) != fs.is_remote(root):
        return False
    if fs.is_remote(path):
        p, r = path.rstrip("/"), root.rstrip("/")
        return p == r or p.startswith(r + "/")
    p, r = os.path.realpath(os.path.expanduser(path)), os.path.realpath(os.path.expanduser(root))
    return p == r or p.startswith(r.rstrip(os.sep) + os.sep)
