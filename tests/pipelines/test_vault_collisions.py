"""``pipelines/dataset/vault_collisions.py``: one token, one ciphertext across a scope's vault versions,
on real Parquet files, whatever number of passes the memory bound asks for."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.dataset import VAULT, Layout
from pipelines.dataset.vault_collisions import check_vault_collisions, first_collision, token_buckets
from pipelines.run import check_vault_collisions as run_check
from tests.pipelines.gate_data import SCOPE, tok, vault_row
from transforms.errors import IntegrityError
from transforms.schemas import VAULT_SCHEMA


def _ct(n: int) -> bytes:
    return n.to_bytes(8, "big") * 5


def _write(out: Path, version: str, entries: list[tuple[str, bytes]], part: int = 0, scope: str = SCOPE) -> None:
    lay = Layout.build(str(out))
    path = Path(lay.data_dir(VAULT, version, scope)) / f"part-{part:05d}-of-00002.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{**vault_row(t, version, scope), "ciphertext": c} for t, c in entries]
    pq.write_table(pa.Table.from_pylist(rows, schema=VAULT_SCHEMA), path, row_group_size=7)


def _clean_vault(out: Path) -> None:
    """Three versions (one in two files) sharing tokens, each token always with its own ciphertext."""
    _write(out, "v1", [(tok("PERSON", i), _ct(i)) for i in range(40)])
    _write(out, "v2", [(tok("PERSON", i), _ct(i)) for i in range(20, 60)])
    _write(out, "v3", [(tok("EMAIL_ADDRESS", i), _ct(1000 + i)) for i in range(30)], part=0)
    _write(out, "v3", [(tok("PERSON", i), _ct(i)) for i in range(55, 90)], part=1)


@pytest.mark.parametrize("pass_rows", [1_000_000, 50, 7, 1])
def test_clean_vault_passes_in_any_number_of_passes(tmp_path, pass_rows):
    _clean_vault(tmp_path)
    check_vault_collisions(Layout.build(str(tmp_path)), SCOPE, pass_rows=pass_rows)


@pytest.mark.parametrize("pass_rows", [1_000_000, 50, 7, 1])
def test_collision_across_versions_fails(tmp_path, pass_rows):
    _clean_vault(tmp_path)
    _write(tmp_path, "v4", [(tok("PERSON", 33), _ct(999_999))])  # an old token, another value
    with pytest.raises(IntegrityError, match=r"token collision on <PERSON_0000000000000021> .*'default'"):
        check_vault_collisions(Layout.build(str(tmp_path)), SCOPE, pass_rows=pass_rows)


def test_collision_between_two_files_of_one_version_fails(tmp_path):
    _write(tmp_path, "v1", [(tok("PHONE_NUMBER", 5), _ct(5))], part=0)
    _write(tmp_path, "v1", [(tok("PHONE_NUMBER", 5), _ct(6))], part=1)
    with pytest.raises(IntegrityError, match="token collision on <PHONE_NUMBER_0000000000000005>"):
        run_check(Layout.build(str(tmp_path)), SCOPE)  # the driver's name for it


def test_other_scopes_and_empty_vaults_are_not_read(tmp_path):
    _write(tmp_path, "v1", [(tok("PERSON", 1), _ct(1))])
    _write(tmp_path, "v1", [(tok("PERSON", 1), _ct(2))], scope="other")  # another token space
    _write(tmp_path, "v2", [])
    check_vault_collisions(Layout.build(str(tmp_path)), SCOPE, pass_rows=1)
    check_vault_collisions(Layout.build(str(tmp_path / "none")), SCOPE)  # no vault at all


def test_first_collision_names_the_smallest_colliding_token():
    t = pa.record_batch(
        {"token": ["<B_1>", "<A_1>", "<B_1>", "<A_1>", "<C_1>"], "ciphertext": [b"x", b"y", b"z", b"w", b"v"]}
    )
    assert first_collision([t]) == "<A_1>"
    assert first_collision([t.slice(3, 2)]) is None
    assert first_collision([]) is None


def test_token_buckets_are_a_function_of_the_token_and_spread():
    tokens = [tok("PERSON", i * 7919) for i in range(4000)] + ["", "x", "<A_1>"]
    first = token_buckets(pa.array(tokens), 8)
    again = token_buckets(pa.array(list(reversed(tokens))).slice(0), 8)[::-1]
    assert first.tolist() == again.tolist()  # the same token, the same bucket, wherever it sits
    assert set(first.tolist()) == set(range(8))
    counts = [first.tolist().count(b) for b in range(8)]
    assert min(counts) > 300  # roughly even: about 500 each
    sliced = pa.array(tokens).slice(10, 50)  # an array view with an offset into its buffers
    assert token_buckets(sliced, 8).tolist() == first[10:60].tolist()


def test_a_missing_ciphertext_beside_a_real_one_is_a_collision():
    schema = pa.schema([("token", pa.string()), ("ciphertext", pa.binary())])
    batch = pa.record_batch(
        [pa.array([tok("PERSON", 1), tok("PERSON", 1), tok("PERSON", 2)]), pa.array([_ct(1), None, _ct(2)])],
        schema=schema,
    )
    assert first_collision([batch]) == tok("PERSON", 1)
