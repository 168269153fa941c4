"""Picklable run-level facts shared by the stages (no secrets: keys are re-opened in ``setup()``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeysRef:
    """How a worker finds and unwraps a scope's keys. Holds locations only, never material."""

    keys_root: str
    scope: str
    kek_uri: str

    def open(self):
        from transforms.keys import KeysetStore, ScopeKeys

        return ScopeKeys.open(KeysetStore(self.keys_root), self.scope, self.kek_uri)


@dataclass(frozen=True, slots=True)
class RunContext:
    run_id: str
    version: str
    ingested_at: str
    pipeline_version: str
    detector_config_sha256: str
    nlp_model_name: str
    nlp_model_version: str
    nlp_model_sha256: str
    key_scope: str
    key_id: str
