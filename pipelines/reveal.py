"""Authorized detokenization: token -> vault ciphertext -> value, through the scope keys (KEK decrypt).

Privacy contract:
* Revealing needs KMS decrypt on the scope's KEK (to unwrap the keyset) and read access to the vault.
* Every attempt appends an audit event (operator uid and KMS identity, time, scope, key id, token
  counts, SHA-256 and length of the reason, outcome), also when it is refused (an empty reason, a bad
  argument, a shredded scope); never a value, never a token list, never the reason verbatim.
* A scope recorded as shredded in the audit log or a manifest is refused even if its keyset file is
  back (restored from a backup).
* Revealed values go to stdout or to a file the caller names (created 0600, never overwritten);
  nothing revealed is logged.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable

from pipelines.audit import append_event, reason_fields, refuse_if_shredded
from pipelines.dataset import TRAINING, VAULT, Layout, published_version, read_manifest, read_parquet, vault_versions
from transforms import fs
from transforms.errors import ConfigError, InputError, KeyAccessError, ShreddedScopeError
from transforms.keys import KeysetStore, ScopeKeys
from transforms.keys.tokens import TOKEN_RE, parse_token

# Stand-ins that look like tokens but are not pseudonyms (``transforms/replacement/state.py``): an
# indexed placeholder numbers values per document, a typed placeholder keeps only the type.
_INDEXED_RE = re.compile(r"<([A-Z][A-Z0-9_]*)_([0-9]{1,9})>")
_TYPED_RE = re.compile(r"<([A-Z][A-Z0-9_]*)>")


def check_token(token: str) -> None:
    """Accept a pseudonym token (``<PERSON_3f9a1c7b2d4e5f60>``). An indexed or typed placeholder raises
    ``ConfigError`` saying what to pass instead; anything else raises ``ValueError``. The argument is
    never echoed: a placeholder-shaped argument can still carry a raw value (``<ACCOUNT_123456789>``)."""
    t = token.strip()
    if TOKEN_RE.fullmatch(t):
        return
    if _INDEXED_RE.fullmatch(t):
        raise ConfigError(
            "an argument is an indexed placeholder (<TYPE_N>), numbered per document, so it names no value on "
            "its own: "
            "reveal the documents instead with --whole-version --write FILE (add --version V for an older "
            "version), which resolves each placeholder within its own document"
        )
    if _TYPED_RE.fullmatch(t):
        raise ConfigError(
            "an argument is a typed placeholder (<TYPE>): the typed mode keeps no vault entry, so nothing can reveal it"
        )
    parse_token(t)  # raises ValueError


def find_vault_rows(layout: Layout, scope: str, tokens: set[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    if not tokens:
        return found
    for version in vault_versions(layout, scope):
        for path in layout.files(VAULT, version, scope):
            for row in read_parquet(path, ["token", "entity_type", "ciphertext"]).to_pylist():
                if row["token"] in tokens:
                    found.setdefault(row["token"], row)
    return found


def find_surface_rows(layout: Layout, scope: str, version: str, doc_ids: set[str]) -> dict[str, dict[str, dict]]:
    """doc id -> {stand-in in the text: vault row} for values replaced in the indexed, surrogate or
    date_shift mode (the vault's ``surfaces``; token-mode values are found by their token).

    Reads the vault of ``version`` only: doc ids and stand-ins (``<PERSON_1>``) repeat across versions and
    mean a different value in each, so another version's vault would reveal the wrong person."""
    found: dict[str, dict[str, dict]] = {}
    for path in layout.files(VAULT, version, scope):
        table = read_parquet(path)
        if "surfaces" not in table.schema.names:
            continue
        for row in table.select(["token", "entity_type", "ciphertext", "surfaces"]).to_pylist():
            for s in row["surfaces"] or []:
                if s["doc_id"] in doc_ids:
                    found.setdefault(s["doc_id"], {}).setdefault(s["text"], row)
    return found


def replace_surfaces(text: str, values: dict[str, str]) -> str:
    """``text`` with each stand-in replaced by its revealed value (longest first, whole words only)."""
    if not values:
        return text
    parts = [
        ("(?<!\\w)" if s[:1].isalnum() else "") + re.escape(s) + ("(?!\\w)" if s[-1:].isalnum() else "")
        for s in sorted(values, key=len, reverse=True)
    ]
    return re.compile("|".join(parts)).sub(lambda m: values[m.group(0)], text)


def _outcome(exc: BaseException) -> str:
    if isinstance(exc, ShreddedScopeError):
        return "shredded"
    if isinstance(exc, KeyAccessError):
        return "not_authorized" if "not authorized" in str(exc) else "key_error"
    if isinstance(exc, ConfigError | InputError | ValueError):
        return "refused"
    return "error"


class _Audited:
    """Appends exactly one audit event per reveal attempt, success or failure."""

    def __init__(self, layout: Layout, scope: str, reason: str | None, mode: str, kek_uri: str | None, **extra):
        self.layout, self.kek_uri = layout, kek_uri
        self.event = {"scope": scope, **reason_fields(reason), "mode": mode, **extra}

    def __enter__(self) -> dict:
        return self.event

    def __exit__(self, exc_type, exc, tb) -> None:
        self.event["outcome"] = "ok" if exc is None else _outcome(exc)
        if exc is not None:
            self.event["error"] = type(exc).__name__
        path = append_event(self.layout, "reveal", self.event, kek_uri=self.kek_uri)
        if exc is None:
            self.event["audit_path"] = path


def record_refusal(layout: Layout, scope: str, reason: str | None, mode: str, exc: BaseException) -> None:
    """Audit an attempt refused before it started (empty reason, bad arguments): one event, no values."""
    try:
        with _Audited(layout, scope, reason, mode, None):
            raise exc
    except type(exc):
        pass


def _open_keys(layout: Layout, scope: str, kek_uri: str, gcp_kms_endpoint: str | None) -> ScopeKeys:
    refuse_if_shredded(layout, scope)  # a keyset file restored from a backup does not undo a shred
    return ScopeKeys.open(KeysetStore(layout.keys), scope, kek_uri, gcp_kms_endpoint=gcp_kms_endpoint)


def _reveal_all(keys: ScopeKeys, rows: dict[str, dict]) -> dict[str, str]:
    return {t: keys.reveal(r["entity_type"], r["ciphertext"]) for t, r in rows.items()}


def reveal(
    layout: Layout,
    scope: str,
    kek_uri: str,
    tokens: Iterable[str],
    reason: str,
    *,
    gcp_kms_endpoint: str | None = None,
) -> dict[str, str | None]:
    """Map each token to its (normalized) value, or None when the scope's vault has no entry for it.

    Raises ``ValueError`` for a malformed token and ``ConfigError`` for an indexed or typed placeholder
    (both before any key is touched), ``KeyAccessError`` / ``ShreddedScopeError`` when the keys cannot be
    opened.
    """
    wanted = list(dict.fromkeys(t.strip() for t in tokens))
    with _Audited(layout, scope, reason, "tokens", kek_uri, tokens=len(wanted)) as event:
        for t in wanted:
            check_token(t)
        keys = _open_keys(layout, scope, kek_uri, gcp_kms_endpoint)
        event["key_id"] = keys.key_id
        values = _reveal_all(keys, find_vault_rows(layout, scope, set(wanted)))
        event["found"] = len(values)
    return {t: values.get(t) for t in wanted}


def read_tokens_file(path: str) -> list[str]:
    """One token per line; blank lines and ``#`` comments are ignored."""
    if not os.path.isfile(path):
        raise InputError(f"tokens file not found: {path}")
    with open(path, encoding="utf-8") as fh:
        lines = [ln.strip() for ln in fh.read().splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def resolve_version(layout: Layout, version: str | None) -> str:
    if version:
        if not fs.exists(layout.manifest(version)):
            raise InputError(f"dataset version {version} has no manifest under {layout.training}")
        return version
    current = published_version(layout)
    if current is None:
        raise InputError(f"no published dataset version under {layout.training} (pass --version)")
    return current


def open_exclusive(path: str):
    """Create ``path`` for revealed output: mode 0600, refuses to overwrite an existing file."""
    if fs.is_remote(path):
        raise ConfigError("--write must be a local file (revealed text never goes to shared storage)")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"--write file {path} already exists; choose a new file") from None
    except OSError as exc:
        raise ConfigError(f"cannot create --write file {path}: {type(exc).__name__}") from None
    return os.fdopen(fd, "w", encoding="utf-8")


def check_write_target(layout: Layout, path: str) -> None:
    """Before revealing anything: the target must be new, local, and outside every output root."""
    if fs.is_remote(path):
        raise ConfigError("--write must be a local file (revealed text never goes to shared storage)")
    if os.path.exists(path):
        raise ConfigError(f"--write file {path} already exists; choose a new file")
    target = os.path.realpath(path)
    for root in layout.output_roots():
        if fs.is_remote(root):
            continue
        base = os.path.realpath(root)
        if target == base or target.startswith(base + os.sep):
            raise ConfigError(f"--write {path} is inside an output root ({root}); write revealed text elsewhere")


def reveal_dataset(
    layout: Layout,
    scope: str,
    kek_uri: str,
    version: str | None,
    reason: str,
    write_path: str,
    *,
    gcp_kms_endpoint: str | None = None,
) -> dict:
    """Write ``{"doc_id", "text"}`` JSON lines with every token of a version's ``text`` column revealed.

    Tokens without a vault entry stay as they are (and are counted). Returns counts only.
    """
    with _Audited(layout, scope, reason, "dataset", kek_uri) as event:
        version = resolve_version(layout, version)
        event["dataset_version"] = version
        manifest_scope = read_manifest(layout, version).keys.scope
        if manifest_scope != scope:
            raise ConfigError(f"dataset version {version} was tokenized in scope {manifest_scope!r}; pass --scope")
        check_write_target(layout, write_path)
        docs = []
        for path in layout.files(TRAINING, version):
            docs.extend(read_parquet(path, ["doc_id", "text"]).to_pylist())
        wanted = {m.group(0) for d in docs for m in TOKEN_RE.finditer(d["text"] or "")}
        by_doc = find_surface_rows(layout, scope, version, {d["doc_id"] for d in docs})
        stand_ins = {r["token"]: r for rows in by_doc.values() for r in rows.values()}
        event["tokens"] = len(wanted) + len(set(stand_ins) - wanted)
        keys = _open_keys(layout, scope, kek_uri, gcp_kms_endpoint)
        event["key_id"] = keys.key_id
        values = _reveal_all(keys, {**stand_ins, **find_vault_rows(layout, scope, wanted)})
        event["found"] = len(values)
        event["documents"] = len(docs)
        with open_exclusive(write_path) as out:
            for d in docs:
                surfaces = {s: values[r["token"]] for s, r in by_doc.get(d["doc_id"], {}).items()}
                text = replace_surfaces(d["text"] or "", surfaces)
                text = TOKEN_RE.sub(lambda m: values.get(m.group(0), m.group(0)), text)
                out.write(json.dumps({"doc_id": d["doc_id"], "text": text}, ensure_ascii=False) + "\n")
    tokens = len(wanted | set(stand_ins))
    return {
        "version": version,
        "documents": len(docs),
        "tokens": tokens,
        "found": len(values),
        "missing": tokens - len(values),
    }
