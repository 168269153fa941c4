"""Duplicates and membership over a whole dataset version in 16 bytes per value.

The gate streams its outputs in chunks, so what it must know across every row (is a doc id repeated,
how many texts are duplicates, is a token of the text in the vault) cannot come from one chunk's frame.
``Digests`` keeps a 128-bit BLAKE2b digest of each value in numpy arrays instead of the values: 16
bytes per row (a Python set of the values took about 100 bytes per entry, and the per-row frames that
held them for GE about 3 KB per training row). Two different values share a digest with probability
about n^2 / 2^129 (below 10^-20 for a billion values), so counts and lookups are exact in practice.

Privacy contract: holds digests only (one-way), in memory; nothing is written or logged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np

DIGEST = np.dtype("S16")


def digest(value: str) -> bytes:
    return hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Digests:
    """The digests of every value added (duplicates kept): how many repeat, and whether a value is in."""

    def __init__(self) -> None:
        self._parts: list[np.ndarray] = []  # after a query: the sorted distinct digests, then later adds
        self._count = 0
        self._sorted = True

    def add(self, values: Iterable[str | None]) -> None:
        """Add each value that is not ``None`` (a missing value is neither a duplicate nor a member)."""
        part = np.array([digest(v) for v in values if v is not None], dtype=DIGEST)
        if len(part):
            self._parts.append(part)
            self._count += len(part)
            self._sorted = False

    def __len__(self) -> int:
        return self._count

    def _unique(self) -> np.ndarray:
        """The sorted distinct digests; from then on the only ones held (the count stays)."""
        if not self._sorted:
            self._parts = [np.unique(np.concatenate(self._parts))]
            self._sorted = True
        return self._parts[0] if self._parts else np.array([], dtype=DIGEST)

    def duplicates(self) -> int:
        """Values added beyond the first of each: ``len - distinct``."""
        return len(self) - len(self._unique())

    def contains_many(self, values: Sequence[str]) -> np.ndarray:
        """One bool per value: was it added?"""
        distinct = self._unique()
        if not len(values) or not len(distinct):
            return np.zeros(len(values), dtype=bool)
        keys = np.array([digest(v) for v in values], dtype=DIGEST)
        at = np.searchsorted(distinct, keys).clip(max=len(distinct) - 1)
        return distinct[at] == keys

    def __contains__(self, value: str) -> bool:
        return bool(self.contains_many([value])[0])
