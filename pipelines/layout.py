"""Where a run's outputs go. Each root defaults to ``OUT/<name>`` and may be overridden by config
(e.g. a separately permissioned bucket for the vault)."""

from __future__ import annotations

from dataclasses import dataclass

from transforms import fs
from transforms.config import OutputsConfig

MANIFEST_NAME = "_MANIFEST.json"
CURRENT_NAME = "CURRENT"


@dataclass(frozen=True)
class Layout:
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
            training=cfg.training or fs.join(out, "training"),
            vault=cfg.vault or fs.join(out, "vault"),
            quarantine=cfg.quarantine or fs.join(out, "quarantine"),
            audit=cfg.audit or fs.join(out, "audit"),
            keys=cfg.keys or fs.join(out, "keys"),
        )

    def version_dir(self, version: str) -> str:
        return fs.join(self.training, version)

    def manifest(self, version: str) -> str:
        return fs.join(self.version_dir(version), MANIFEST_NAME)

    @property
    def current(self) -> str:
        return fs.join(self.training, CURRENT_NAME)

    def vault_dir(self, scope: str, version: str) -> str:
        return fs.join(self.vault, scope, version)

    def quarantine_dir(self, version: str) -> str:
        return fs.join(self.quarantine, version)

    def canary_dir(self, version: str) -> str:
        """Canary output of a run (synthetic, redacted): beside, never inside, the training root."""
        return fs.join(self.out, "canaries", version)

    def canary_vault_dir(self, version: str) -> str:
        return fs.join(self.canary_dir(version), "vault")

    def gate_dir(self, version: str) -> str:
        """Gate report of a version (``summary.json``, ``data_docs/``): no Parquet, ``_``-prefixed."""
        return fs.join(self.version_dir(version), "_gate")

    def staging(self, run_id: str) -> str:
        return fs.join(self.out, ".runs", run_id)
