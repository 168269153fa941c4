"""The gate's NER sample and its upper confidence bounds (Beam-free, no model)."""

from __future__ import annotations

import random

import pytest

from transforms.config import load_config
from transforms.errors import ConfigError
from transforms.gates import sampling as S


def test_sample_is_deterministic_uniform_and_exact_size():
    a = S.sample_indices(10_000, 500, "seed-a")
    assert a == S.sample_indices(10_000, 500, "seed-a")
    assert a != S.sample_indices(10_000, 500, "seed-b")
    assert len(a) == len(set(a)) == 500 and a == sorted(a) and a[0] >= 0 and a[-1] < 10_000
    halves = sum(1 for i in a if i < 5_000)
    assert 200 < halves < 300  # both halves of the dataset are drawn from


@pytest.mark.parametrize(("total", "n"), [(10, 10), (5, 10), (10_000, 0), (0, 5)])
def test_small_dataset_or_zero_scans_all(total, n):
    assert S.sample_indices(total, n, "s") is None


def test_seed_names_version_and_files_only():
    seed = S.sample_seed("v1", ["part-b.parquet", "part-a.parquet"])
    assert seed == S.sample_seed("v1", ["part-a.parquet", "part-b.parquet"])
    assert seed != S.sample_seed("v2", ["part-a.parquet", "part-b.parquet"])


@pytest.mark.parametrize(("k", "n"), [(0, 100), (1, 100), (18, 1000), (50, 100), (100, 100)])
def test_wilson_upper_is_above_the_share_and_bounded(k, n):
    u = S.wilson_upper(k, n)
    assert k / n <= u <= 1.0
    assert S.wilson_upper(k * 4, n * 4) <= u + 1e-12  # more data, tighter bound


def test_wilson_upper_known_value():
    # k=0, n=100, z=1.645: z^2/n / (1 + z^2/n) = 0.02635
    assert S.wilson_upper(0, 100) == pytest.approx(0.02634, abs=1e-4)


def test_wilson_upper_covers_the_true_share():
    """Simulated: the one-sided 95% bound is below the true share in at most ~5% of samples."""
    rng = random.Random(7)
    population = [1] * 150 + [0] * 850
    misses = 0
    for _ in range(400):
        sample = rng.sample(population, 100)
        misses += S.wilson_upper(sum(sample), 100) < 0.15
    assert misses / 400 < 0.08


def test_ratio_upper_covers_and_is_exact_for_full_scan():
    rng = random.Random(3)
    xs = [rng.randint(50, 500) for _ in range(2000)]
    ys = [rng.choice([0, 0, 0, 5, 20]) for _ in xs]
    true = sum(ys) / sum(xs)
    misses = 0
    for _ in range(200):
        idx = rng.sample(range(2000), 200)
        misses += S.ratio_upper([ys[i] for i in idx], [xs[i] for i in idx], 2000) < true
    assert misses / 200 < 0.1
    assert S.ratio_upper(ys, xs, 2000) == pytest.approx(true)


def test_shares_of_a_full_scan_are_exact():
    s = S.ner_shares([0, 1, 0, 2], [0, 5, 0, 7], [100, 100, 100, 100], total=4)
    assert not s.sampled
    assert (s.record_fraction, s.record_fraction_upper) == (0.5, 0.5)
    assert s.char_fraction == s.char_fraction_upper == pytest.approx(12 / 400)


def test_shares_of_a_sample_are_conservative():
    s = S.ner_shares([0, 1, 0, 2], [0, 5, 0, 7], [100, 100, 100, 100], total=400)
    assert s.sampled and s.scanned == 4 and s.total == 400
    assert s.record_fraction_upper > s.record_fraction == 0.5
    assert s.char_fraction_upper > s.char_fraction


@pytest.mark.parametrize("value", [-1, "many", 1.5])
def test_ner_sample_records_is_validated(value):
    with pytest.raises(ConfigError, match=r"gates\.ner_sample_records"):
        load_config(None, **{"gates.ner_sample_records": value})


def test_ner_sample_records_default():
    assert load_config(None).gates.ner_sample_records == 1000
