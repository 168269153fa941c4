"""Picklable run-level facts shared by the stages (no secrets: keys are re-opened in ``setup()``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeysRef:
    """How a worker finds and unwraps a scope's keys. Holds locations only, never material."""

    keys_root: str
    scope: str
    kek_uri: str
    gcp_kms_endpoint: str | None = None
    key_id: str | None = None  # primary key id seen by the driver; workers must see the same

    def open(self):
        from transforms.errors import KeyAccessError
        from transforms.keys import KeysetStore, ScopeKeys

        keys = ScopeKeys.open(
            KeysetStore(self.keys_root), self.scope, self.kek_uri, gcp_kms_endpoint=self.gcp_kms_endpoint
        )
        if self.key_id is not None and keys.key_id != self.key_id:
            raise KeyAccessError(
                f"keyset of scope {self.scope!r} changed during the run (primary key {keys.key_id}, "
                f"expected {self.key_id}); was it rotated? Re-run"
            )
        return keys


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
