"""Where scope keysets live: ``<keys_root>/<scope>.keyset.json``, each keyset encrypted under the KEK.

The file holds only ciphertext (Tink's encrypted keyset format) plus metadata (scope, KEK URI, key ids,
status, history). Associated data binds each wrapped keyset to its scope and purpose, so a keyset file
copied to another scope name fails to unwrap.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from transforms import fs, permissions
from transforms.errors import ConfigError, KeyAccessError
from transforms.periods import now_iso as now_iso  # the one now_iso; re-exported for scope_keys, lifecycle

FORMAT = "redact-scope-keyset/v1"
_SCOPE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")


def validate_scope(scope: str) -> str:
    if not _SCOPE_RE.match(scope or ""):
        raise ConfigError(f"invalid key scope {scope!r}: use 1-63 of a-z 0-9 _ . - (starting with a letter or digit)")
    return scope


def wrap_ad(scope: str, purpose: str) -> bytes:
    """Associated data for wrapping a scope keyset under the KEK."""
    return f"redact-keyset/v1|scope={scope}|purpose={purpose}".encode()


@dataclass
class KeysetFile:
    """The on-disk document for one scope. ``daead``/``aead`` are encrypted keysets (or None if shredded).

    ``key_ids`` lists every token key id ever in the keyset (oldest first); ``primary_key_id`` is the one
    new tokens are made with. Metadata only: nothing here is secret.
    """

    scope: str
    kek_uri: str
    created_at: str
    status: str = "active"
    daead: str | None = None
    aead: str | None = None
    primary_key_id: int | None = None
    key_ids: list[int] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        doc = {"format": FORMAT, **self.__dict__}
        return json.dumps(doc, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, path: str) -> KeysetFile:
        try:
            doc = json.loads(text)
            if doc.pop("format") != FORMAT:
                raise ValueError
            return cls(**doc)
        except (ValueError, KeyError, TypeError):
            raise KeyAccessError(f"keyset file {path} is not a valid {FORMAT} document") from None


class KeysetStore:
    """Reads and writes scope keyset documents under one root (local path, s3:// or gs://)."""

    def __init__(self, root: str) -> None:
        self.root = root

    def path(self, scope: str) -> str:
        return fs.join(self.root, f"{validate_scope(scope)}.keyset.json")

    def exists(self, scope: str) -> bool:
        return fs.exists(self.path(scope))

    def load(self, scope: str) -> KeysetFile:
        path = self.path(scope)
        if not fs.exists(path):
            raise KeyAccessError(f"no keyset for scope {scope!r} under {self.root} (run: redact keys create)")
        doc = KeysetFile.from_json(fs.read_text(path), path)
        if doc.scope != scope:
            raise KeyAccessError(f"keyset file {path} belongs to scope {doc.scope!r}, not {scope!r}")
        return doc

    def scopes(self) -> list[str]:
        """Every scope with a keyset document under this root."""
        suffix = ".keyset.json"
        paths = fs.list_files(fs.join(self.root, f"*{suffix}")) if fs.exists(self.root) else []
        return sorted(p.rsplit("/", 1)[-1][: -len(suffix)] for p in paths)

    def save(self, doc: KeysetFile) -> None:
        permissions.ensure_dir(self.root, "keys")
        fs.write_text_atomic(self.path(doc.scope), doc.to_json(), mode=permissions.modes_for("keys").file)
