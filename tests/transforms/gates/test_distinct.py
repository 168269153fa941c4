"""``Digests``: duplicate counts and membership from 16-byte digests, as a set of the values gives them."""

from __future__ import annotations

import random

from transforms.gates.distinct import Digests


def test_duplicates_and_membership_match_a_set_of_the_values():
    rng = random.Random(7)
    values = [f"<PERSON_{rng.randrange(500):016x}>" for _ in range(2000)]
    d = Digests()
    for start in range(0, len(values), 300):  # added in parts, queried between them
        d.add(values[start : start + 300])
        seen = values[: start + 300]
        assert len(d) == len(seen)
        assert d.duplicates() == len(seen) - len(set(seen))
    probes = values[:50] + [f"<PERSON_{i:016x}>" for i in range(500, 550)]
    assert list(d.contains_many(probes)) == [p in set(values) for p in probes]
    assert values[0] in d and "<PERSON_ffffffffffffffff>" not in d


def test_missing_values_are_neither_duplicates_nor_members():
    d = Digests()
    d.add([None, "a", None, "b"])
    assert len(d) == 2 and d.duplicates() == 0
    assert list(d.contains_many(["a", "c"])) == [True, False]


def test_empty():
    d = Digests()
    assert len(d) == 0 and d.duplicates() == 0 and "a" not in d
    assert len(d.contains_many([])) == 0


def test_values_below_and_above_every_digest_are_not_members():
    d = Digests()
    d.add(["only"])
    # searchsorted puts these at 0 and past the end: both must compare unequal, not wrap around
    assert [v in d for v in ("only", "", "zzzz", "another")] == [True, False, False, False]
