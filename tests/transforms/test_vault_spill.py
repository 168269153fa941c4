"""The vault's external sort (``transforms/vault_spill.py`` cores, ``BuildVault(spill_prefix=...)``):
sorted runs, the k-way merge in passes, token groups, and the same rows as the ``GroupByKey`` path."""

from __future__ import annotations

import os
import random

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms import vault_spill
from transforms.errors import IntegrityError
from transforms.record import VaultEntry
from transforms.vault import TOKEN_COLLISIONS, BuildVault, compact, vault_row
from transforms.vault_spill import merge_runs, read_run, sort_run, token_groups, write_run


def _entries(n_tokens: int = 40, n: int = 600, seed: int = 7) -> list[VaultEntry]:
    """Entries of ``n_tokens`` tokens over a few docs, some with subject refs and surfaces (None elsewhere)."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        t = rnd.randrange(n_tokens)
        out.append(
            VaultEntry(
                token=f"<PERSON_{t:04x}>",
                entity_type="PERSON",
                ciphertext=b"ct-%d" % t,
                key_scope="s",
                key_id="k1",
                doc_id=f"d{rnd.randrange(25)}",
                subject_ref=rnd.choice([None, f"<SUBJECT_{t % 3}>"]),
                surface=rnd.choice([None, f"P{t}"]),
            )
        )
    return out


def _by_group(entries: list[VaultEntry]) -> dict[str, dict]:
    """The reference: rows as the GroupByKey path's core makes them."""
    groups: dict[str, list] = {}
    for token, c in map(compact, entries):
        groups.setdefault(token, []).append(c)
    return {t: vault_row(t, cs, "v1") for t, cs in groups.items()}


def _spilled(tmp_path, entries: list[VaultEntry], per_run: int, fan_in: int = vault_spill.MAX_FAN_IN) -> dict:
    keyed = [compact(e) for e in entries]
    paths = []
    for i in range(0, len(keyed), per_run):
        path = vault_spill.new_run_path(str(tmp_path / "runs"))
        write_run(path, sort_run(set(keyed[i : i + per_run])))
        paths.append(path)
    merged = merge_runs(paths, str(tmp_path / "runs" / "merged"), fan_in=fan_in)
    return {t: vault_row(t, cs, "v1") for t, cs in token_groups(merged)}


def test_run_round_trip_sorted_with_nulls(tmp_path):
    keyed = sort_run(compact(e) for e in _entries(n=300))
    path = vault_spill.new_run_path(str(tmp_path))
    assert write_run(path, keyed) == 300
    assert list(read_run(path)) == keyed
    assert os.path.basename(path).startswith("run-") and "PERSON" not in path  # random names, no values
    assert os.stat(path).st_mode & 0o777 == 0o600


@pytest.mark.parametrize(("per_run", "fan_in"), [(10_000, 32), (50, 32), (7, 3), (1, 2)])
def test_spilled_rows_equal_grouped_rows(tmp_path, per_run, fan_in):
    """One run, many runs, many runs merged in passes (fan-in 2 and 3): the rows of the GroupByKey path."""
    entries = _entries()
    assert _spilled(tmp_path, entries, per_run, fan_in) == _by_group(entries)


def test_many_runs_merge_in_passes(tmp_path, monkeypatch):
    entries = _entries(n=200)
    opened = []
    real = vault_spill.read_run
    monkeypatch.setattr(vault_spill, "read_run", lambda p: opened.append(p) or real(p))
    assert _spilled(tmp_path, entries, per_run=4, fan_in=4) == _by_group(entries)  # 50 runs
    assert any("/merged/" in p for p in opened)  # intermediate runs were made and read


def test_token_groups_are_consecutive_and_complete(tmp_path):
    entries = _entries(n_tokens=5, n=100)
    merged = list(merge_runs([], str(tmp_path)))
    assert merged == []
    keyed = sort_run(compact(e) for e in entries)
    groups = list(token_groups(keyed))
    assert [t for t, _ in groups] == sorted({e.token for e in entries})
    assert sum(len(cs) for _, cs in groups) == 100


def test_collision_across_runs_is_seen(tmp_path):
    """Two ciphertexts under one token in two different runs meet in one group: the core raises."""
    a = VaultEntry("<P_1>", "PERSON", b"c1", "s", "1", doc_id="a")
    b = VaultEntry("<P_1>", "PERSON", b"c2", "s", "1", doc_id="b")
    paths = []
    for e in (a, b):
        paths.append(vault_spill.new_run_path(str(tmp_path)))
        write_run(paths[-1], [compact(e)])
    ((token, cs),) = token_groups(merge_runs(paths, str(tmp_path)))
    with pytest.raises(IntegrityError, match="token collision"):
        vault_row(token, cs, "v1")


def _run_build(entries, spill_prefix, expected: list[dict]) -> int:
    """Runs ``BuildVault`` over ``entries``, asserts its rows, returns the collisions counted."""
    p = TestPipeline()
    rows = p | beam.Create(entries, reshuffle=False) | BuildVault("v1", spill_prefix)
    assert_that(rows, equal_to(expected))
    result = p.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_name(TOKEN_COLLISIONS))["counters"]
    return sum(c.committed for c in counters)


def test_build_vault_spill_gives_the_grouped_rows(tmp_path, monkeypatch):
    monkeypatch.setattr("transforms.vault.SPILL_ENTRIES", 37)  # several runs within one bundle
    entries = _entries()
    expected = list(_by_group(entries).values())
    assert _run_build(entries, None, expected) == 0  # the GroupByKey path
    assert _run_build(entries, str(tmp_path / "runs"), expected) == 0
    assert len(os.listdir(tmp_path / "runs")) > 2


def test_build_vault_spill_counts_collisions_and_empty_input(tmp_path):
    e = [VaultEntry("<P_1>", "PERSON", ct, "s", "1", doc_id="a") for ct in (b"c1", b"c2")]
    e.append(VaultEntry("<P_2>", "PERSON", b"c3", "s", "1", doc_id="a"))
    assert _run_build(e, str(tmp_path / "a"), [vault_row("<P_2>", [compact(e[2])[1]], "v1")]) == 1
    assert _run_build([], str(tmp_path / "b"), []) == 0
    assert not (tmp_path / "b").exists()  # no entries, no run
