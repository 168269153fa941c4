"""Deterministic sampling for the gate's NER residual scan, and exact one-sided upper confidence bounds.

The NER residual checks are shares, so a uniform sample estimates them; on a large dataset the scan then
costs a bounded number of model calls instead of a second detection pass. To stay fail-closed the gate
compares an *upper* confidence bound of each share with its threshold (one-sided, ``CONFIDENCE``): a
version whose true share exceeds a threshold passes that check with probability at most ``1 -
CONFIDENCE``, whatever the data (the bounds are exact, not asymptotic).

* Record share (records with any entity): ``n`` records drawn uniformly without replacement; ``k`` of
  them with an entity is hypergeometric, so the bound is the exact one, ``max K/N`` with
  ``P(X <= k | N, K, n) > alpha`` (the finite-population Clopper-Pearson bound).
* Character share (scanned characters inside entities): ``n`` *character positions* drawn uniformly
  with replacement over the concatenated scanned text of all records (its length is known without the
  model, ``ner_scan.scan_length``); the number of positions inside an entity is binomial, so the bound is the exact Clopper-Pearson one. Sampling characters, not
  records, is what makes it hold when entity characters cluster in a few long documents. A position is
  judged by its record's scan when the record sample holds that record, else by the model on a window
  of the text around it alone (``ner_scan.window``: 64 characters each side, widened to whitespace);
  given the record sample (drawn independently of the positions) a fixed function of the position, so
  the draws stay independent and the bound exact **for that windowed judgement** (not for a
  whole-record one). Windows cost a bounded number of characters per position instead of a whole
  record. What that means for whole-record judgement is measured (evidence, not a guarantee): the same
  on all 6,000 positions of two entity-dense public sets (598 inside entities), 8,000 of the bench
  corpus, and 2,000 each of long texts raw and redacted (``bench/gate_windows.py``: résumés of median
  3,379 characters, the longest bench documents) except 1 résumé position (1 of 8,000 raw résumé
  positions too), where the window saw an entity the record scan did not (the conservative direction);
  a 32-character margin differed in both directions (13 of 8,000), 128 never.

* Both samples in two stages (``staged_records``, ``staged_positions``): a quarter of each first; only
  when that stage's bound cannot pass its threshold is the rest read. Each stage's bound is one-sided
  97.5% (``STAGE_ALPHA``), so a share above the threshold passes with probability at most 2.5% + 2.5%
  = 5% (union bound), as with one stage; a clean dataset costs a quarter of the reads.

Both checks together: each bound misses its share with probability at most 5%; both hold together
with probability at least 90%. Every record scanned (small datasets, ``ner_sample_records: 0``): the
exact shares, no bound. Seeds derive from the dataset version and the training file names (no record
content, no PII), so the same version gives the same sample and the report can name it. Beam-free.
"""

from __future__ import annotations

import bisect
import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

CONFIDENCE = 0.95
ALPHA = 1 - CONFIDENCE
STAGES = 2
STAGE_ALPHA = ALPHA / STAGES  # each stage of the record sample spends half of the record check's 5%
METHOD = (
    "2 stages (a quarter, then the rest), 97.5% bounds each; records: random.sample, hypergeometric; "
    "chars: uniform positions judged on windows, Clopper-Pearson/v3"
)


def sample_seed(version: str, file_names: Sequence[str]) -> str:
    """A seed naming the dataset version and its files (no record content)."""
    joined = "\x00".join([version, *sorted(file_names)])
    return "ner-sample:" + hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def sample_order(total: int, n: int, seed: str) -> list[int] | None:
    """Row indices of a uniform sample of ``n`` of ``total`` rows in draw order (every prefix is itself a
    uniform sample); ``None``: scan all. ``n == 0`` or ``total <= n`` means every row is scanned."""
    if n <= 0 or total <= n:
        return None
    return random.Random(seed).sample(range(total), n)


def first_stage(n: int) -> int:
    """Records of the first stage of an ``n``-record sample: a quarter."""
    return max(1, n // 4)


def staged_records(
    order: Sequence[int], total: int, threshold: float, count: Callable[[list[int]], list[int]]
) -> tuple[list[int], dict[int, int], int]:
    """The record sample in two stages: ``(rows, entities per row, stage)``.

    ``count`` gives the entity count of each of the rows it is passed (the model scan). Stage 1 reads
    the first quarter of ``order``; when its bound at ``STAGE_ALPHA`` is within ``threshold`` the check
    can pass and nothing more is read; else stage 2 reads the rest and bounds the whole sample at
    ``STAGE_ALPHA``. A share above the threshold passes only if a stage's bound misses it: probability
    at most ``STAGE_ALPHA`` per stage, ``ALPHA`` in all (union bound), whatever the data."""
    n1 = first_stage(len(order))
    first = sorted(order[:n1])
    entities = dict(zip(first, count(first), strict=True))
    k1 = sum(1 for i in first if entities[i] > 0)
    if len(order) <= n1 or hypergeometric_upper(k1, n1, total, STAGE_ALPHA) <= threshold:
        return first, entities, 1
    rest = sorted(order[n1:])
    entities.update(zip(rest, count(rest), strict=True))
    return sorted(order), entities, 2


def position_order(lengths: Sequence[int], n: int, seed: str) -> list[tuple[int, int]]:
    """``n`` character positions drawn uniformly with replacement over the concatenation of texts of
    ``lengths``, as ``(row, offset)`` pairs in draw order (every prefix is itself such a sample; empty
    when there is no character)."""
    ends, acc = [], 0
    for length in lengths:
        acc += max(int(length), 0)
        ends.append(acc)
    if acc == 0 or n <= 0:
        return []
    rng = random.Random(seed + ":chars")
    out = []
    for pos in [rng.randrange(acc) for _ in range(n)]:
        row = bisect.bisect_right(ends, pos)
        out.append((row, pos - (ends[row - 1] if row else 0)))
    return out


def staged_positions(
    order: Sequence[tuple[int, int]], threshold: float, judge: Callable[[list[tuple[int, int]]], list[bool]]
) -> tuple[list[bool], int]:
    """The character positions in two stages: ``(inside an entity, per judged position; stage)``.

    Like ``staged_records``: the first quarter is judged, and the rest only when the first quarter's
    Clopper-Pearson bound at ``STAGE_ALPHA`` is above ``threshold``."""
    n1 = first_stage(len(order))
    hits = judge(list(order[:n1]))
    if len(order) <= n1 or clopper_pearson_upper(sum(hits), n1, STAGE_ALPHA) <= threshold:
        return hits, 1
    return hits + judge(list(order[n1:])), 2


def clopper_pearson_upper(k: int, n: int, alpha: float = ALPHA) -> float:
    """Exact one-sided upper bound of a binomial proportion from ``k`` successes in ``n`` draws."""
    if n <= 0 or k >= n:
        return 1.0
    from scipy.stats import beta

    return float(beta.ppf(1 - alpha, k + 1, n - k))


def hypergeometric_upper(k: int, n: int, population: int, alpha: float = ALPHA) -> float:
    """Exact one-sided upper bound of the share ``K / population`` of marked records, from ``k`` marked
    among ``n`` drawn without replacement: the largest ``K`` with ``P(X <= k) > alpha``, over ``population``."""
    if n <= 0:
        return 1.0
    if n >= population:
        return k / population
    from scipy.stats import hypergeom

    lo, hi = k, population - (n - k)  # P(X <= k) decreases in K; at K = lo it is 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if hypergeom.cdf(k, population, mid, n) > alpha:
            lo = mid
        else:
            hi = mid - 1
    return lo / population


@dataclass(frozen=True, slots=True)
class NerShares:
    """The NER residual shares of a dataset as the gate reports and checks them."""

    total: int  # training records
    scanned: int  # records of the record sample (all records when not sampled)
    record_fraction: float  # point estimate (exact when scanned == total)
    record_fraction_upper: float  # what the gate compares with its threshold
    char_fraction: float
    char_fraction_upper: float
    total_chars: int = 0  # scanned characters of the whole dataset
    char_positions: int = 0  # character positions drawn (0 when not sampled)
    read: int = 0  # whole records given to the model (the record sample)
    windows: int = 0  # character positions judged on their own window (outside the record sample)
    stage: int = 0  # stage of the record sample that decided (0: every record scanned)
    record_confidence: float = CONFIDENCE  # of the record bound (each stage: 1 - STAGE_ALPHA)
    char_stage: int = 0  # stage of the character positions that decided
    char_confidence: float = CONFIDENCE

    @property
    def sampled(self) -> bool:
        return self.scanned < self.total


def ner_shares(entities: Sequence[int], chars: Sequence[int], scanned_chars: Sequence[int], total: int) -> NerShares:
    """Exact shares from a scan of every record (per-record entity counts, entity and scanned characters)."""
    n = len(entities)
    record = sum(1 for e in entities if e > 0) / n if n else 0.0
    sc = sum(scanned_chars)
    char = sum(chars) / sc if sc else 0.0
    if n < total:
        raise ValueError("ner_shares needs every record; use sampled_shares for a sample")
    return NerShares(total, n, record, record, char, char, int(sc), 0, n)


def sampled_shares(
    record_entities: Sequence[int],
    position_hits: Sequence[bool],
    total: int,
    total_chars: int,
    read: int = 0,
    windows: int = 0,
    stage: int = 1,
    record_alpha: float = ALPHA,
    char_stage: int = 1,
    char_alpha: float = ALPHA,
) -> NerShares:
    """Shares and their exact upper bounds from a uniform record sample (entity count per sampled
    record) and uniform character positions (inside an entity or not)."""
    n, m = len(record_entities), len(position_hits)
    k, h = sum(1 for e in record_entities if e > 0), sum(1 for x in position_hits if x)
    if total_chars <= 0:
        char, char_upper = 0.0, 0.0  # no scanned character at all: nothing can be inside an entity
    else:
        char, char_upper = (h / m if m else 0.0), clopper_pearson_upper(h, m, char_alpha)
    return NerShares(
        total,
        n,
        k / n if n else 0.0,
        hypergeometric_upper(k, n, total, record_alpha),
        char,
        char_upper,
        total_chars,
        m,
        read,
        windows,
        stage,
        1 - record_alpha,
        char_stage,
        1 - char_alpha,
    )
