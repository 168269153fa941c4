"""The gate's NER sample and its exact upper confidence bounds (Beam-free, no model)."""

from __future__ import annotations

import random

import pytest
from scipy.stats import binom, hypergeom

from transforms.config import load_config
from transforms.errors import ConfigError
from transforms.gates import sampling as S


def sample_indices(total: int, n: int, seed: str) -> list[int] | None:
    """Sorted row indices of the record sample (``sample_order`` sorted); ``None``: scan all."""
    order = S.sample_order(total, n, seed)
    return None if order is None else sorted(order)


def sample_positions(lengths: list[int], n: int, seed: str) -> list[tuple[int, int]]:
    """The positions of ``position_order``, sorted."""
    return sorted(S.position_order(lengths, n, seed))


def test_sample_is_deterministic_uniform_and_exact_size():
    a = sample_indices(10_000, 500, "seed-a")
    assert a == sample_indices(10_000, 500, "seed-a")
    assert a != sample_indices(10_000, 500, "seed-b")
    assert len(a) == len(set(a)) == 500 and a == sorted(a) and a[0] >= 0 and a[-1] < 10_000
    halves = sum(1 for i in a if i < 5_000)
    assert 200 < halves < 300  # both halves of the dataset are drawn from


@pytest.mark.parametrize(("total", "n"), [(10, 10), (5, 10), (10_000, 0), (0, 5)])
def test_small_dataset_or_zero_scans_all(total, n):
    assert sample_indices(total, n, "s") is None


def test_seed_names_version_and_files_only():
    seed = S.sample_seed("v1", ["part-b.parquet", "part-a.parquet"])
    assert seed == S.sample_seed("v1", ["part-a.parquet", "part-b.parquet"])
    assert seed != S.sample_seed("v2", ["part-a.parquet", "part-b.parquet"])


def test_positions_are_deterministic_and_land_in_proportion_to_length():
    lengths = [0, 10, 990, 0, 0]
    a = sample_positions(lengths, 1000, "seed")
    assert a == sample_positions(lengths, 1000, "seed") != sample_positions(lengths, 1000, "other")
    assert len(a) == 1000 and a == sorted(a)
    assert all(lengths[r] > 0 and 0 <= o < lengths[r] for r, o in a)  # empty records hold no position
    assert sum(1 for r, _ in a if r == 1) < 40  # ~1% of the characters: ~10 of 1000 positions
    assert sample_positions([0, 0], 10, "seed") == [] and sample_positions([5], 0, "seed") == []


@pytest.mark.parametrize(("k", "n"), [(0, 200), (1, 200), (18, 1000), (50, 100), (99, 100)])
def test_clopper_pearson_is_the_exact_binomial_bound(k, n):
    u = S.clopper_pearson_upper(k, n)
    assert k / n < u < 1.0
    assert binom.cdf(k, n, u) == pytest.approx(S.ALPHA, rel=1e-6)  # the defining equation


def test_clopper_pearson_of_no_hit_is_positive():
    # 0 of 1000: 1 - 0.05 ** (1 / 1000)
    assert S.clopper_pearson_upper(0, 1000) == pytest.approx(0.002991, abs=1e-6)
    assert S.clopper_pearson_upper(5, 5) == 1.0 and S.clopper_pearson_upper(0, 0) == 1.0


@pytest.mark.parametrize(("k", "n", "total"), [(0, 200, 1000), (3, 200, 250), (18, 1000, 250_000), (200, 200, 400)])
def test_hypergeometric_bound_is_the_largest_plausible_count(k, n, total):
    u = S.hypergeometric_upper(k, n, total)
    big = round(u * total)
    assert k / n <= u <= 1.0
    assert hypergeom.cdf(k, total, big, n) > S.ALPHA  # still plausible
    if big < total:
        assert hypergeom.cdf(k, total, big + 1, n) <= S.ALPHA  # one more marked record is not


def _noise_bound(seeds: int) -> int:
    """How many of ``seeds`` independent samples may miss when each misses with probability at most 5%:
    the one-sided 99.9% quantile of Binomial(seeds, 0.05) (35 of 400), so a method that keeps its 5%
    fails a test using it with probability at most 0.1%; one missing at 10% fails it with probability 77%."""
    return int(binom.ppf(0.999, seeds, S.ALPHA))


def test_hypergeometric_bound_misses_within_5_percent_plus_sampling_noise():
    """Simulated over 400 seeds: the exact one-sided 95% bound is below the true share in no more seeds
    than ``_noise_bound`` allows for a 5% miss rate."""
    population = [1] * 150 + [0] * 850
    misses = sum(
        S.hypergeometric_upper(sum(random.Random(s).sample(population, 200)), 200, 1000) < 0.15 for s in range(400)
    )
    assert misses <= _noise_bound(400)


def _heavy_tailed(seed: int, n: int = 20_000) -> tuple[list[int], list[int]]:
    """Scanned characters and entity characters per record: most records short with no or a few entity
    characters, ~0.25% long name-dense ones holding most of the entity characters."""
    rng = random.Random(seed)
    lengths, ents = [], []
    for _ in range(n):
        if rng.random() < 0.0025:
            length = rng.randint(20_000, 60_000)
            lengths.append(length)
            ents.append(int(length * 0.75))
        else:
            lengths.append(rng.randint(100, 2000))
            ents.append(0 if rng.random() < 0.9 else rng.randint(1, 20))
    return lengths, ents


def test_heavy_tailed_dataset_above_threshold_fails_in_every_seed():
    """Rare long name-dense documents: a record sample misses them, character positions do not. True
    character share above 3%: the sampled character bound is above 3% for every one of 200 seeds."""
    lengths, ents = _heavy_tailed(1)
    true = sum(ents) / sum(lengths)
    assert true > 0.04
    passed, below_truth = 0, 0
    for s in range(200):
        seed = f"seed-{s}"
        rows = sample_indices(len(lengths), 1000, seed)
        pos = sample_positions(lengths, 1000, seed)
        shares = S.sampled_shares([ents[i] for i in rows], [o < ents[r] for r, o in pos], len(lengths), sum(lengths))
        passed += shares.char_fraction_upper <= 0.03
        below_truth += shares.char_fraction_upper < true
    assert passed == 0
    assert below_truth <= 200 * 0.05 + 8  # the bound's 5% error, with room for the 200-seed noise


def test_no_hit_in_the_sample_still_gives_a_positive_bound():
    s = S.sampled_shares([0] * 1000, [False] * 1000, total=100_000, total_chars=50_000_000)
    assert s.sampled and s.record_fraction == s.char_fraction == 0.0
    assert 0.002 < s.record_fraction_upper < 0.004 and 0.002 < s.char_fraction_upper < 0.004


def test_shares_of_a_full_scan_are_exact():
    s = S.ner_shares([0, 1, 0, 2], [0, 5, 0, 7], [100, 100, 100, 100], total=4)
    assert not s.sampled
    assert (s.record_fraction, s.record_fraction_upper) == (0.5, 0.5)
    assert s.char_fraction == s.char_fraction_upper == pytest.approx(12 / 400)
    with pytest.raises(ValueError):
        S.ner_shares([0, 1], [0, 5], [100, 100], total=400)  # a sample never passes as a full scan


def test_shares_of_a_sample_are_conservative():
    s = S.sampled_shares([0, 1, 0, 2] * 50, [False, True, False, False] * 50, total=400, total_chars=40_000)
    assert s.sampled and s.scanned == 200 and s.total == 400 and s.char_positions == 200
    assert s.record_fraction_upper > s.record_fraction == 0.5
    assert s.char_fraction_upper > s.char_fraction == 0.25


@pytest.mark.parametrize("value", [-1, "many", 1.5, 1, 4, 199])
def test_ner_sample_records_is_validated(value):
    with pytest.raises(ConfigError, match=r"gates\.ner_sample_records"):
        load_config(None, **{"gates.ner_sample_records": value})


@pytest.mark.parametrize("value", [0, 200, 1000])
def test_ner_sample_records_accepts_zero_or_enough(value):
    assert load_config(None, **{"gates.ner_sample_records": value}).gates.ner_sample_records == value


def test_ner_sample_records_default():
    assert load_config(None).gates.ner_sample_records == 1000


def _staged(marked: list[int], n: int, seed: str, threshold: float):
    order = S.sample_order(len(marked), n, seed)
    read: list[int] = []

    def count(rows):
        read.extend(rows)
        return [marked[i] for i in rows]

    rows, entities, stage = S.staged_records(order, len(marked), threshold, count)
    shares = S.sampled_shares([entities[i] for i in rows], [], len(marked), 0, stage=stage, record_alpha=S.STAGE_ALPHA)
    return shares, read


def test_order_prefix_is_the_sample_and_the_sorted_order_is_sample_indices():
    order = S.sample_order(10_000, 1000, "seed")
    assert sorted(order) == sample_indices(10_000, 1000, "seed") and len(set(order)) == 1000
    assert sum(1 for i in order[:250] if i < 5_000) in range(100, 151)  # the first quarter is spread too


def test_clean_dataset_stops_after_the_first_quarter():
    marked = [1 if i % 50 == 0 else 0 for i in range(2000)]  # 2% of records with an entity
    shares, read = _staged(marked, 1000, "seed", 0.25)
    assert shares.stage == 1 and shares.scanned == 250 and len(read) == len(set(read)) == 250
    assert shares.record_fraction_upper < 0.25 and shares.record_confidence == pytest.approx(0.975)


def test_share_near_the_threshold_reads_the_whole_sample():
    marked = [1 if i % 5 == 0 else 0 for i in range(2000)]  # 20%: a quarter cannot prove it below 21%
    shares, read = _staged(marked, 1000, "seed", 0.21)
    assert shares.stage == 2 and shares.scanned == 1000 and sorted(read) == sample_indices(2000, 1000, "seed")


@pytest.mark.parametrize("share", [0.26, 0.3])
def test_two_stages_pass_a_share_above_the_threshold_within_5_percent_plus_sampling_noise(share):
    """The staged check's guarantee: a true share above the threshold passes (a stage's bound at or below
    the threshold) in at most 2.5% + 2.5% of samples; simulated over 400 seeds, the passes stay within
    ``_noise_bound`` (one-sided 99.9% quantile of Binomial(400, 5%))."""
    population = 4000
    marked = [1] * int(population * share) + [0] * (population - int(population * share))
    passed = sum(_staged(marked, 1000, f"s{s}", 0.25)[0].record_fraction_upper <= 0.25 for s in range(400))
    assert passed <= _noise_bound(400)


def test_staged_bound_misses_within_5_percent_plus_sampling_noise():
    """Whichever stage decides, the reported bound is below the true share in no more of 400 seeds than
    ``_noise_bound`` allows for a 5% miss rate."""
    marked = [1] * 300 + [0] * 1700  # 15%
    misses = sum(_staged(marked, 400, f"s{s}", 0.25)[0].record_fraction_upper < 0.15 for s in range(400))
    assert misses <= _noise_bound(400)


def test_position_order_is_sample_positions_in_draw_order():
    lengths = [5, 0, 300, 40]
    order = S.position_order(lengths, 200, "seed")
    assert sorted(order) == sample_positions(lengths, 200, "seed") and order != sorted(order)


def _staged_chars(lengths: list[int], ents: list[int], seed: str, threshold: float, n: int = 1000):
    judged: list[tuple[int, int]] = []

    def judge(positions):
        judged.extend(positions)
        return [off < ents[row] for row, off in positions]  # entity characters first in each record

    hits, stage = S.staged_positions(S.position_order(lengths, n, seed), threshold, judge)
    shares = S.sampled_shares([0], hits, len(lengths), sum(lengths), char_stage=stage, char_alpha=S.STAGE_ALPHA)
    return shares, judged


def test_clean_characters_stop_after_the_first_quarter():
    shares, judged = _staged_chars([500] * 400, [0] * 400, "seed", 0.03)
    assert shares.char_stage == 1 and shares.char_positions == len(judged) == 250
    assert 0 < shares.char_fraction_upper < 0.03 and shares.char_confidence == pytest.approx(0.975)


@pytest.mark.parametrize("share", [0.032, 0.04])
def test_two_character_stages_pass_a_share_above_the_threshold_within_5_percent_plus_sampling_noise(share):
    """As for records: passes in 400 seeds stay within ``_noise_bound`` (99.9% quantile of Binomial(400, 5%))."""
    lengths = [1000] * 400
    ents = [round(1000 * share)] * 400  # exactly ``share`` of the characters
    passed = sum(_staged_chars(lengths, ents, f"s{s}", 0.03)[0].char_fraction_upper <= 0.03 for s in range(400))
    assert passed <= _noise_bound(400)


def test_heavy_tailed_dataset_fails_the_staged_character_check_in_every_seed():
    """The heavy-tailed population above (true character share > 4%) through both stages: no seed passes."""
    lengths, ents = _heavy_tailed(1)
    assert all(_staged_chars(lengths, ents, f"seed-{s}", 0.03)[0].char_fraction_upper > 0.03 for s in range(200))
