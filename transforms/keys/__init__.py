"""Key hierarchy: KEK (KMS or local dev key) -> one Tink keyset per scope -> tokens and sealed payloads."""

from transforms.keys.kek import default_kek_uri, dev_kek_path, open_kek, validate_kek_uri
from transforms.keys.scope_keys import ScopeKeys
from transforms.keys.store import KeysetStore

__all__ = [
    "KeysetStore",
    "ScopeKeys",
    "default_kek_uri",
    "dev_kek_path",
    "open_kek",
    "validate_kek_uri",
]
