"""One token, one ciphertext across every stored version of a key scope, in bounded memory.

A token is a 64-bit pseudonym of a value; two different ciphertexts under one token mean two values
share it (DESIGN.md section 5: a detected collision fails the run). Inside one run ``BuildVault``
catches it; this check covers every version of the scope together, after the run wrote its vault.

Memory is bounded by ``PASS_ROWS`` vault rows whatever the vault's size: the rows are split into
``ceil(rows / PASS_ROWS)`` disjoint buckets by a hash of the token (every row of one token falls in
one bucket), and each pass streams the ``token`` and ``ciphertext`` columns of every file in record
batches, keeps only its bucket's rows and counts distinct ciphertexts per token (Arrow's hash
aggregation). A bigger vault costs more passes over its files, never more memory; nothing is
written anywhere (no spill file holding vault data).

Privacy contract: reads tokens and ciphertexts only; the error names the token (a pseudonym), never a
value or a ciphertext.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.dataset.layout import VAULT, Layout
from pipelines.dataset.versions import iter_parquet, parquet_footer, vault_versions
from transforms.errors import IntegrityError

PASS_ROWS = 500_000  # vault rows held per pass (about 100 bytes each as Arrow columns)
_COLUMNS = ["token", "ciphertext"]
_TAIL = 8  # bytes of each token's end the bucket hash reads (a token ends in 16 hex digits and ``>``)


def check_vault_collisions(layout: Layout, scope: str, pass_rows: int = PASS_ROWS) -> None:
    """Raise ``IntegrityError`` if one token of ``scope`` has two ciphertexts in its stored versions."""
    files = [p for v in vault_versions(layout, scope) for p in layout.files(VAULT, v, scope)]
    total = sum(parquet_footer(p)[1] for p in files)
    passes = max(1, math.ceil(total / max(1, pass_rows)))
    for bucket in range(passes):
        token = first_collision(_bucket_rows(files, bucket, passes))
        if token is not None:
            raise IntegrityError(f"token collision on {token} across vault versions of scope {scope!r}")


def first_collision(batches) -> str | None:
    """The smallest token with more than one distinct ciphertext among ``batches``, or ``None``."""
    table = pa.Table.from_batches(
        list(batches), schema=pa.schema([("token", pa.string()), ("ciphertext", pa.binary())])
    )
    if table.num_rows == 0:
        return None
    # mode "all": a missing ciphertext is a value of its own (a token with one real and one null differs)
    counts = table.group_by("token").aggregate([("ciphertext", "count_distinct", pc.CountOptions(mode="all"))])
    bad = counts.filter(pc.greater(counts["ciphertext_count_distinct"], 1))
    return None if bad.num_rows == 0 else min(bad["token"].to_pylist())


def _bucket_rows(files: list[str], bucket: int, buckets: int):
    for path in files:
        for batch in iter_parquet(path, _COLUMNS):
            batch = batch.select(_COLUMNS).cast(pa.schema([("token", pa.string()), ("ciphertext", pa.binary())]))
            if buckets > 1:
                batch = batch.filter(pa.array(token_buckets(batch.column(0), buckets) == bucket))
            if batch.num_rows:
                yield batch


def token_buckets(tokens: pa.Array, buckets: int) -> np.ndarray:
    """Per token, a bucket in ``[0, buckets)`` from a polynomial hash of its last ``_TAIL`` bytes
    (vectorised over the string array's buffers; equal tokens always share a bucket)."""
    tokens = tokens.cast(pa.large_binary())
    n = len(tokens)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    _validity, offsets_buf, data_buf = tokens.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[tokens.offset : tokens.offset + n + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(1, dtype=np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    h = np.zeros(n, dtype=np.uint64)
    for k in range(1, _TAIL + 1):
        at = ends - k
        byte = np.where(at >= starts, data[np.clip(at, 0, max(len(data) - 1, 0))], 0).astype(np.uint64)
        h = h * np.uint64(131) + byte
    return (h % np.uint64(buckets)).astype(np.int64)
