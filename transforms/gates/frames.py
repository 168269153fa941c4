"""Gate frames: the pandas tables Great Expectations validates, derived from the Parquet outputs.

Residual PII is scanned in *every* string value of every output, not only ``text``: ``residual_*`` counts
findings in ``text`` and ``metadata`` values by type, ``residual_other_columns`` in every other string of
the training row (``doc_id``, turns, lineage, retention, entity types ...), and ``clear_residual`` does
the same for the clear columns of the vault, quarantine and canary outputs. Values we compute are not
taken for PII: a derived ``doc_id`` is recomputed from its lineage and skipped only if it matches, and
the hash in a hashed source URI is masked.

Frames are derived per record batch (GE validates them in chunks); what spans the whole version (row
count, duplicates, the vault's tokens) is accumulated as counts and digests (``TrainingTotals``,
``distinct.Digests``) and checked in the one-row metrics frame.

Privacy by construction: free-text columns (``text``, ``turns``, ``metadata`` values, ``doc_id``) never
enter a frame. They are represented by derived numbers (lengths, residual-PII counts per type, token
counts) and hashes. Only structured metadata columns (lineage, retention, content type) are passed
as-is; they hold no PII by contract, and GE runs with result formats that list no values anyway.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache

import pandas as pd
import pyarrow as pa

from transforms.config import CanaryConfig
from transforms.gates import pii_scan
from transforms.gates.canaries import canary_doc_id, leaked_values
from transforms.gates.distinct import Digests
from transforms.gates.sampling import NerShares
from transforms.keys.tokens import TOKEN_RE
from transforms.periods import format_instant
from transforms.schemas import kv_dict

LINEAGE_FIELDS = (
    "source_uri",
    "source_sha256",
    "source_record",
    "ingested_at",
    "run_id",
    "pipeline_version",
    "detector_config_sha256",
    "key_scope",
    "key_id",
)
MODEL_FIELDS = ("name", "version", "sha256")
RETENTION_FIELDS = ("policy_id", "policy_version", "category", "expires_at")


def sha256_hex(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8", "surrogatepass")).hexdigest()


def _blank_to_none(v):
    if isinstance(v, datetime):  # timestamp columns: the frame keeps the ISO-8601 text the suite expects
        return format_instant(v)
    return None if v is None or (isinstance(v, str) and not v.strip()) else v


def expires_epoch(value: str | datetime | None) -> float:
    """Seconds since the epoch; NaN when there is no expiry, -1 when the value is not ISO-8601 UTC."""
    if value is None or not str(value).strip():
        return math.nan
    if isinstance(value, datetime):  # a timestamp[us, UTC] column read back
        return value.timestamp() if value.tzinfo else -1.0
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return -1.0
    return dt.timestamp() if dt.tzinfo else -1.0


def _subject_ok(ref: str | None) -> bool:
    if ref is None:
        return True
    m = TOKEN_RE.fullmatch(ref)
    return bool(m and m.group(1) == "SUBJECT")


_HASHED_PATH = re.compile(r"sha256-[0-9a-f]{16}")
_DERIVED_ID = re.compile(r"[0-9a-f]{16}")
_ID_COLUMNS = ("doc_id", "doc_ids")


def string_leaves(value) -> Iterator[str]:
    """Every string inside a Parquet value (structs, lists, maps); struct field names are schema, not data."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from string_leaves(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from string_leaves(v)


def other_residual(row: dict, skip: Iterable[str] = (), id_ok: Callable[[str], bool] | None = None) -> int:
    """Residual findings in every string of ``row`` outside the ``skip`` columns.

    A 16-hex value of an id column is our derived id, skipped when ``id_ok`` confirms it (or, without
    ``id_ok``, by its form: outputs without lineage cannot recompute it)."""
    total = 0
    for column, value in row.items():
        if column in skip:
            continue
        for s in string_leaves(value):
            if column in _ID_COLUMNS and _DERIVED_ID.fullmatch(s) and (id_ok is None or id_ok(s)):
                continue
            total += value_residual(s)
    return total


def value_residual(value: str) -> int:
    """Residual findings in one string value, remembered: lineage, retention and vault columns repeat
    the same values on every row. Scanning each value alone counts what a scan of all values of a row
    joined by NUL counts: no pattern matches a NUL or whitespace-skips over one, every lookaround treats
    it as a text's edge, and NFKC does not compose across it (it is a starter). A whole token (a vault
    row's own) is masked to a space by the scan: nothing to count, and no cache entry per token."""
    if TOKEN_RE.fullmatch(value):
        return 0
    if len(value) > _CACHED_CHARS:  # long values (texts) rarely repeat: scanned, never kept alive
        return sum(pii_scan.scan(_HASHED_PATH.sub("sha256-", value)).values())
    return _value_residual(value)


_CACHED_CHARS = 256  # values up to this length are remembered (ids, paths, policy names repeat per row)


@lru_cache(maxsize=1 << 14)
def _value_residual(value: str) -> int:
    return sum(pii_scan.scan(_HASHED_PATH.sub("sha256-", value)).values())


def clear_residual(tables: Iterable[pa.Table | None], skip: Iterable[str] = ()) -> int:
    """Residual findings in every string column (except ``skip``) of the given outputs' tables."""
    skip = set(skip)
    total = 0
    for t in tables:
        if t is not None:
            total += sum(other_residual(row, skip) for row in t.to_pylist())
    return total


def _derived_id_ok(row: dict) -> Callable[[str], bool]:
    lin = row.get("lineage") or {}
    derived = sha256_hex(f"{lin.get('source_sha256', '')}:{lin.get('source_record', '')}")[:16]
    return lambda s: s == derived


def _scan_texts(row: dict, surfaces: dict[str, frozenset[str]]) -> str:
    meta = kv_dict(row.get("metadata"))
    text = pii_scan.mask_surfaces(row.get("text") or "", surfaces.get(row.get("doc_id") or "", frozenset()))
    return "\n".join([text, *[str(v) for v in meta.values() if v is not None]])


def surfaces_of(tables: Iterable[pa.Table]) -> dict[str, frozenset[str]]:
    """doc id -> the stand-ins the vault records for it (surrogate, indexed and date_shift modes)."""
    out: dict[str, set[str]] = {}
    for t in tables:
        if "surfaces" not in t.schema.names:
            continue
        for items in t.column("surfaces").to_pylist():
            for s in items or []:
                out.setdefault(s["doc_id"], set()).add(s["text"])
    return {d: frozenset(v) for d, v in out.items()}


def ner_texts(table: pa.Table, surfaces: dict[str, frozenset[str]]) -> list[str]:
    """The texts the NER residual scan reads: recorded stand-ins masked (they are synthetic names)."""
    if "text" not in table.schema.names:
        return [""] * table.num_rows
    ids = table.column("doc_id").to_pylist() if "doc_id" in table.schema.names else [None] * table.num_rows
    return [
        pii_scan.mask_surfaces(t or "", surfaces.get(d or "", frozenset()))
        for d, t in zip(ids, table.column("text").to_pylist(), strict=True)
    ]


def training_frame(
    table: pa.Table,
    vault_tokens: Digests,
    surfaces: dict[str, frozenset[str]] | None = None,
) -> pd.DataFrame:
    """One row per training record; see the module docstring for what is (not) included.

    ``vault_tokens``: every token of the version's vault (``tokens_unresolved`` counts the text's tokens
    that are not among them). The NER residual check is a sampled, dataset-level check: its shares are
    in the metrics frame, not per row."""
    surfaces = surfaces or {}
    rows, tokens_per_row = [], []
    for row in table.to_pylist():
        text = row.get("text") or ""
        lin, ret = row.get("lineage") or {}, row.get("retention") or {}
        model = lin.get("nlp_model") or {}
        tokens, malformed = pii_scan.token_stats(text)
        tokens_per_row.append(tokens)
        residual = pii_scan.scan(_scan_texts(row, surfaces))
        out = {
            "doc_id_sha256": sha256_hex(row["doc_id"]) if row.get("doc_id") else None,
            "content_type": _blank_to_none(row.get("content_type")),
            "text_chars": len(text.strip()),
            "content_sha256": sha256_hex(text),
            **{f"lineage_{k}": _blank_to_none(lin.get(k)) for k in LINEAGE_FIELDS},
            **{f"lineage_nlp_model_{k}": _blank_to_none(model.get(k)) for k in MODEL_FIELDS},
            **{f"retention_{k}": _blank_to_none(ret.get(k)) for k in RETENTION_FIELDS},
            "retention_legal_hold": ret.get("legal_hold"),
            "retention_expires_epoch": expires_epoch(ret.get("expires_at")),
            **{f"residual_{t}": residual.get(t, 0) for t in pii_scan.TYPES},
            # turns/messages repeat the text column line by line (scanned above, with the recorded stand-ins masked)
            "residual_other_columns": other_residual(
                row, ("text", "metadata", "turns", "messages"), _derived_id_ok(row)
            ),
            "tokens_total": len(tokens),
            "tokens_malformed": malformed,
            "subject_ref_valid": _subject_ok(row.get("subject_ref")),
        }
        rows.append(out)
    frame = pd.DataFrame(rows, columns=training_columns())
    frame["tokens_unresolved"] = _unresolved(tokens_per_row, vault_tokens)
    return frame.drop(columns=_columns_without_source(table.schema.names))


def _unresolved(tokens_per_row: list[list[str]], vault_tokens: Digests) -> list[int]:
    """Per row: its tokens that are not in the vault (one vectorised lookup for the whole batch)."""
    found = vault_tokens.contains_many([t for tokens in tokens_per_row for t in tokens])
    out, at = [], 0
    for tokens in tokens_per_row:
        out.append(int(len(tokens) - found[at : at + len(tokens)].sum()))
        at += len(tokens)
    return out


_DERIVED_FROM = {
    "doc_id": ("doc_id_sha256",),
    "content_type": ("content_type",),
    "text": ("text_chars", "content_sha256", *[f"residual_{t}" for t in pii_scan.TYPES], "tokens_"),
    "lineage": ("lineage_",),
    "retention": ("retention_",),
    "subject_ref": ("subject_ref_valid",),
}


def _columns_without_source(names: list[str]) -> list[str]:
    """Derived columns whose Parquet source field is missing: left out, so the column check fails."""
    gone = [p for field, prefixes in _DERIVED_FROM.items() if field not in names for p in prefixes]
    return [c for c in training_columns() if any(c == p or (p.endswith("_") and c.startswith(p)) for p in gone)]


def training_columns() -> list[str]:
    return [
        "doc_id_sha256",
        "content_type",
        "text_chars",
        "content_sha256",
        *[f"lineage_{k}" for k in LINEAGE_FIELDS],
        *[f"lineage_nlp_model_{k}" for k in MODEL_FIELDS],
        *[f"retention_{k}" for k in RETENTION_FIELDS],
        "retention_legal_hold",
        "retention_expires_epoch",
        *[f"residual_{t}" for t in pii_scan.TYPES],
        "residual_other_columns",
        "tokens_total",
        "tokens_unresolved",
        "tokens_malformed",
        "subject_ref_valid",
    ]


VAULT_COLUMNS = ["token", "entity_type", "key_scope", "key_id", "dataset_version", "ciphertext_bytes", "doc_refs"]


def vault_frame(table: pa.Table) -> pd.DataFrame:
    """One row per vault entry. Ciphertexts are represented by their length only."""
    rows = []
    for r in table.to_pylist():
        rows.append(
            {
                "token": r.get("token"),
                "entity_type": r.get("entity_type"),
                "key_scope": r.get("key_scope"),
                "key_id": r.get("key_id"),
                "dataset_version": r.get("dataset_version"),
                "ciphertext_bytes": len(r.get("ciphertext") or b""),
                "doc_refs": len(r.get("doc_ids") or []),
                "type_matches_token": _type_matches(r.get("token"), r.get("entity_type")),
            }
        )
    return pd.DataFrame(rows, columns=[*VAULT_COLUMNS, "type_matches_token"])


def _type_matches(token: str | None, entity_type: str | None) -> bool:
    m = TOKEN_RE.fullmatch(token or "")
    return bool(m and m.group(1) == entity_type)


def canary_frame(
    table: pa.Table | None,
    canaries: list[CanaryConfig],
    token_sets: Sequence[Container[str]],
    surfaces: dict[str, frozenset[str]] | None = None,
) -> pd.DataFrame:
    """One row per configured canary: found in the canary output? values leaked? residual PII?

    Stand-ins the canary vault records (``surfaces``: surrogates, shifted dates) are masked first: they are
    synthetic and drawn from the same reserved ranges as the canaries' own values (example.com, 555-01XX,
    documentation IPs), so their fragments would otherwise count as leaks. A planted value itself is never
    a stand-in (the surrogate guard refuses any value of the document)."""
    surfaces = surfaces or {}
    by_id = {r["doc_id"]: r.get("text") or "" for r in (table.to_pylist() if table is not None else [])}
    rows = []
    for c in canaries:
        doc_id = canary_doc_id(c.id)
        text = by_id.get(doc_id)
        if text is not None:
            text = pii_scan.mask_surfaces(text, surfaces.get(doc_id, frozenset()))
        tokens, _ = pii_scan.token_stats(text or "")
        rows.append(
            {
                "canary_id": c.id,
                "found": text is not None,
                "values_planted": len(c.values),
                "values_leaked": len(c.values) if text is None else leaked_values(text, c),
                "residual_structured": sum(pii_scan.scan(text or "").values()),
                "tokens_unresolved": sum(1 for t in tokens if not any(t in known for known in token_sets)),
            }
        )
    cols = ["canary_id", "found", "values_planted", "values_leaked", "residual_structured", "tokens_unresolved"]
    return pd.DataFrame(rows, columns=cols)


def fraction(n: float, d: float) -> float:
    return float(n) / float(d) if d else 0.0


class TrainingTotals:
    """What the metrics frame needs of every training row, added one chunk's frame at a time: counts and
    the digests of doc ids and contents (``distinct.Digests``), never the rows."""

    def __init__(self, min_text_chars: int) -> None:
        self.min_text_chars = min_text_chars
        self.rows = self.empty = self.short = 0
        self.doc_ids, self.contents = Digests(), Digests()

    def add(self, frame: pd.DataFrame) -> None:
        self.rows += len(frame)
        if "text_chars" in frame.columns:  # left out of a file without text: its columns check fails
            self.empty += int((frame["text_chars"] == 0).sum())
            self.short += int((frame["text_chars"] < self.min_text_chars).sum())
        if "doc_id_sha256" in frame.columns:
            self.doc_ids.add(frame["doc_id_sha256"].dropna())
        if "content_sha256" in frame.columns:
            self.contents.add(frame["content_sha256"].dropna())


def metrics_frame(
    totals: TrainingTotals,
    canaries: pd.DataFrame,
    facts: dict[str, bool],
    ner: NerShares,
    vault_tokens: Digests,
) -> pd.DataFrame:
    """The one-row table of dataset-level counts, rates and facts (thresholds live in the suite parameters).

    ``ner_record_fraction`` / ``ner_char_fraction`` are what the suite checks: the exact shares when
    every record was scanned, their one-sided upper confidence bounds when the scan was sampled
    (``ner``; the point estimates are ``*_sample``). Uniqueness of doc ids and vault tokens is checked
    here, on the whole version, as counts of repeated values."""
    n = totals.rows
    planted = int(canaries["values_planted"].sum()) if len(canaries) else 0
    leaked = int(canaries["values_leaked"].sum()) if len(canaries) else 0
    duplicates = totals.contents.duplicates()
    row = {
        **facts,
        "rows": n,
        "doc_id_duplicates": totals.doc_ids.duplicates(),
        "vault_token_duplicates": vault_tokens.duplicates(),
        "empty_text_fraction": fraction(totals.empty, n),
        "short_text_fraction": fraction(totals.short, n),
        "ner_record_fraction": ner.record_fraction_upper,
        "ner_char_fraction": ner.char_fraction_upper,
        "ner_record_fraction_sample": ner.record_fraction,
        "ner_char_fraction_sample": ner.char_fraction,
        "ner_records_scanned": ner.scanned,
        "duplicate_records": duplicates,
        "duplicate_fraction": fraction(duplicates, n),
        "canaries_found": int(canaries["found"].sum()) if len(canaries) else 0,
        "canary_values_planted": planted,
        "canary_values_leaked": leaked,
        "canary_recall": fraction(planted - leaked, planted) if planted else 1.0,
    }
    return pd.DataFrame([row])


def tokens_of(tables: Iterable[pa.Table]) -> set[str]:
    out: set[str] = set()
    for t in tables:
        out.update(x for x in t.column("token").to_pylist() if x)
    return out
