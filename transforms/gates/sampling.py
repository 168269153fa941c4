"""Deterministic record sampling for the gate's NER residual scan, and one-sided upper confidence bounds.

The NER residual checks are shares (records with an entity, characters inside entities), so a uniform
sample estimates them; on a large dataset the scan then costs a bounded number of model calls instead
of a second detection pass. To stay fail-closed the gate compares an *upper* confidence bound of each
share with its threshold (one-sided, ``CONFIDENCE``): a sampled dataset can fail where a full scan would
pass by a hair, never the other way round (up to the 5% error of the bound).

* Record share: the Wilson score interval's upper end (good coverage also near 0 and for small samples).
* Character share (a ratio of sums over records, characters cluster within records): the ratio
  estimator's normal upper bound, variance from the per-record residuals ``y_i - r x_i`` with the
  finite-population correction. Both collapse to the exact share when every record was scanned.

Sample: ``random.Random(seed).sample(range(N), n)``, the seed derived from the dataset version and the
training file names (no record content, no PII), so the same version gives the same sample and the
report can name it. Beam-free.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

CONFIDENCE = 0.95
Z = 1.6448536269514722  # one-sided 95% normal quantile
METHOD = "random.sample/v1"


def sample_seed(version: str, file_names: Sequence[str]) -> str:
    """A seed naming the dataset version and its files (no record content)."""
    joined = "\x00".join([version, *sorted(file_names)])
    return "ner-sample:" + hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def sample_indices(total: int, n: int, seed: str) -> list[int] | None:
    """Sorted row indices of a uniform sample of ``n`` of ``total`` rows; ``None``: scan all.

    ``n == 0`` or ``total <= n`` means every row is scanned (no sampling error)."""
    if n <= 0 or total <= n:
        return None
    return sorted(random.Random(seed).sample(range(total), n))


def wilson_upper(k: int, n: int, z: float = Z) -> float:
    """Upper end of the Wilson score interval of a share ``k / n`` (0 when ``n == 0``)."""
    if n <= 0:
        return 0.0
    p = k / n
    denom = 1 + z * z / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return min(1.0, (centre + half) / denom)


def ratio_upper(ys: Sequence[float], xs: Sequence[float], population: int, z: float = Z) -> float:
    """Upper confidence bound of ``sum(Y) / sum(X)`` over a population of ``population`` records,
    from a uniform sample without replacement (``ys``, ``xs`` per sampled record)."""
    n = len(ys)
    sx, sy = float(sum(xs)), float(sum(ys))
    if n == 0 or sx <= 0:
        return 0.0
    r = sy / sx
    if n >= population or n < 2:
        return min(1.0, r) if n >= population else 1.0
    mean_x = sx / n
    s2 = sum((y - r * x) ** 2 for y, x in zip(ys, xs, strict=True)) / (n - 1)
    fpc = 1 - n / population
    se = math.sqrt(fpc * s2 / n) / mean_x
    return min(1.0, r + z * se)


@dataclass(frozen=True, slots=True)
class NerShares:
    """The NER residual shares of a dataset as the gate reports and checks them."""

    total: int  # training records
    scanned: int  # records the NER scan read
    record_fraction: float  # point estimate (exact when scanned == total)
    record_fraction_upper: float  # what the gate compares with its threshold
    char_fraction: float
    char_fraction_upper: float

    @property
    def sampled(self) -> bool:
        return self.scanned < self.total


def ner_shares(entities: Sequence[int], chars: Sequence[int], scanned_chars: Sequence[int], total: int) -> NerShares:
    """Shares from the per-record results of the scanned records (all of them, or a uniform sample)."""
    n = len(entities)
    k = sum(1 for e in entities if e > 0)
    record = k / n if n else 0.0
    char = sum(chars) / sum(scanned_chars) if sum(scanned_chars) else 0.0
    if n >= total:
        return NerShares(total, n, record, record, char, char)
    return NerShares(total, n, record, wilson_upper(k, n), char, ratio_upper(chars, scanned_chars, total))
