"""Key hierarchy: KEK (KMS or local dev key) -> one Tink keyset per scope -> tokens and sealed payloads.

Names are resolved on first use (PEP 562) so that importing ``transforms.keys.kek`` for config
validation does not load Tink's keyset machinery and Beam's file systems.
"""

from importlib import import_module

_EXPORTS = {
    "KeysetStore": "transforms.keys.store",
    "ScopeKeys": "transforms.keys.scope_keys",
    "default_kek_uri": "transforms.keys.kek",
    "dev_kek_path": "transforms.keys.kek",
    "open_kek": "transforms.keys.kek",
    "validate_kek_uri": "transforms.keys.kek",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'transforms.keys' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
