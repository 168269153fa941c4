"""Chunked validation: real Great Expectations on chunks of a frame gives the whole frame's result
(``merge_results``), and a suite that needs the whole table is never split."""

from __future__ import annotations

import pandas as pd
import pytest

from transforms.gates.ge_runner import chunk_safe, chunked, merge_results, validate

ROW_WISE = {
    "name": "t.rows",
    "meta": {"asset": "rows"},
    "expectations": [
        {"type": "expect_table_columns_to_match_set", "kwargs": {"column_set": ["n", "s"], "exact_match": True}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "n", "min_value": 0, "max_value": 9}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "s"}},
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "s", "regex": "^[a-z]+$"}},
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "n", "type_": "int64"}},
    ],
}
UNIQUE = {
    "name": "t.unique",
    "meta": {"asset": "rows"},
    "expectations": [{"type": "expect_column_values_to_be_unique", "kwargs": {"column": "s"}}],
}


def _frame(n: list[int], s: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"n": pd.Series(n, dtype="int64"), "s": pd.Series(s, dtype=object)})


# 10 rows: two out of range (n = 12, 40), one null, one off the regex (rows in different chunks)
N = [1, 12, 3, 4, 5, 6, 40, 8, 9, 0]
S = ["a", "b", None, "dd", "e", "F1", "g", "h", "i", "a"]


def _run(tmp_path, suite: dict, frames: list[pd.DataFrame], chunk_rows: int) -> dict:
    (result,) = validate({"rows": lambda: iter(frames)}, {"rows": suite}, {}, str(tmp_path), chunk_rows).values()
    return result


@pytest.mark.parametrize("chunk_rows", [1, 3, 4])
def test_chunks_give_the_whole_frames_result(tmp_path, chunk_rows):
    frames = [_frame(N[i : i + 2], S[i : i + 2]) for i in range(0, 10, 2)]
    whole = _run(tmp_path / "whole", ROW_WISE, [_frame(N, S)], 1000)
    split = _run(tmp_path / "split", ROW_WISE, frames, chunk_rows)
    assert not whole["success"]
    bad = {(r["expectation"], r["column"]): r["result"].get("unexpected_count") for r in whole["results"]}
    assert bad == {
        ("expect_table_columns_to_match_set", None): None,
        ("expect_column_values_to_be_between", "n"): 2,
        ("expect_column_values_to_not_be_null", "s"): 1,
        ("expect_column_values_to_match_regex", "s"): 1,
        ("expect_column_values_to_be_of_type", "n"): None,
    }
    assert split == whole


def test_a_suite_over_the_whole_table_is_validated_whole(tmp_path):
    # the duplicate "a" sits in the first and the last frame: chunks of 2 rows would each pass
    frames = [_frame(N[i : i + 2], S[i : i + 2]) for i in range(0, 10, 2)]
    assert not chunk_safe(UNIQUE)
    result = _run(tmp_path, UNIQUE, frames, 2)
    assert result["success"] is False and result["results"][0]["result"]["unexpected_count"] == 2


def test_chunk_safe_suites():
    assert chunk_safe(ROW_WISE)
    mostly = {"expectations": [{**ROW_WISE["expectations"][1], "kwargs": {"column": "n", "mostly": 0.9}}]}
    assert not chunk_safe(mostly)  # a share of the whole table
    rows = {"expectations": [{"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}}]}
    assert not chunk_safe(rows)


def test_chunked_joins_frames_and_leaves_out_empty_ones():
    empty = pd.DataFrame(columns=["n", "s"])  # no dtype: joined with typed rows it would make them objects
    frames = [_frame([1], ["a"]), empty, _frame([2, 3], ["b", "c"]), _frame([4], ["d"]), empty]
    chunks = list(chunked(iter(frames), 2))
    assert [len(c) for c in chunks] == [3, 1]
    assert all(c["n"].dtype == "int64" for c in chunks)
    only_empty = list(chunked(iter([empty]), 2))
    assert len(only_empty) == 1 and list(only_empty[0].columns) == ["n", "s"]
    assert len(list(chunked(iter([]), 2))) == 1  # always a frame to validate


def test_merge_of_one_result_is_that_result():
    result = {"success": True, "statistics": {}, "results": []}
    assert merge_results([result]) is result


def test_merged_percentages_are_over_the_whole():
    def res(element, bad, missing, ok):
        return {
            "expectation": "expect_column_values_to_be_between",
            "column": "n",
            "kwargs": {},
            "notes": None,
            "success": ok,
            "raised_exception": False,
            "result": {"element_count": element, "unexpected_count": bad, "missing_count": missing},
        }

    merged = merge_results(
        [
            {"success": True, "statistics": {}, "results": [res(4, 0, 0, True)]},
            {"success": False, "statistics": {}, "results": [res(6, 3, 2, False)]},
        ]
    )
    (r,) = merged["results"]
    assert r["success"] is False and merged["success"] is False
    assert r["result"]["element_count"] == 10 and r["result"]["unexpected_count"] == 3
    assert r["result"]["missing_percent"] == pytest.approx(20.0)
    assert r["result"]["unexpected_percent_total"] == pytest.approx(30.0)
    assert r["result"]["unexpected_percent"] == pytest.approx(37.5)  # of the 8 non-missing values
    assert merged["statistics"] == {
        "evaluated_expectations": 1,
        "successful_expectations": 0,
        "unsuccessful_expectations": 1,
        "success_percent": 0.0,
    }


def test_a_type_check_over_chunks_of_different_column_types_fails(tmp_path):
    """GE checks an ``int64`` column's type once but an ``object`` column's values one by one: an all-null
    chunk passes alone; the whole column (``object``, with nulls) would not be ``int64``: fail closed."""
    suite = {"name": "t.type", "meta": {"asset": "rows"}, "expectations": [ROW_WISE["expectations"][4]]}
    frames = [_frame([1, 2], ["a", "b"]), pd.DataFrame({"n": [None, None], "s": ["c", "d"]})]
    (r,) = _run(tmp_path, suite, frames, 2)["results"]
    assert r["success"] is False and r["result"] == {"observed_value": ["int64", "object"]}
    same = _run(tmp_path / "same", suite, [_frame([1, 2], ["a", "b"]), _frame([3], ["c"])], 2)
    assert same["success"] is True  # one type in every chunk: the whole column's type


def test_repeated_expectations_keep_their_places():
    def res(kind, column, ok):
        return {"expectation": kind, "column": column, "kwargs": {"column": column}, "notes": None,
                "success": ok, "raised_exception": False, "result": {}}  # fmt: skip

    a, b = "expect_column_values_to_not_be_null", "expect_column_to_exist"
    chunk1 = {"success": True, "statistics": {}, "results": [res(a, "x", True), res(b, "x", True), res(a, "x", True)]}
    chunk2 = {"success": False, "statistics": {}, "results": [res(b, "x", True), res(a, "x", True), res(a, "x", False)]}
    merged = merge_results([chunk1, chunk2])
    assert [r["expectation"] for r in merged["results"]] == [a, b, a]
    assert merged["statistics"]["unsuccessful_expectations"] == 1 and merged["success"] is False
    with pytest.raises(ValueError, match="different expectations"):
        merge_results([chunk1, {**chunk2, "results": [res(b, "y", True), res(a, "x", True), res(a, "x", True)]}])
