"""Parquet writers: bounded row groups (the writer's buffer, and every reader that decodes a row group at
a time, hold about ``ROW_GROUP_BYTES`` per open file, whatever the corpus size), same rows."""

from __future__ import annotations

import glob

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq

from transforms.write import RECORD_BATCH_ROWS, ROW_GROUP_BYTES, WriteParquet

SCHEMA = pa.schema([pa.field("i", pa.int64(), nullable=False), pa.field("text", pa.string(), nullable=False)])
ROW_CHARS = 4096


def _row(i: int) -> dict:
    return {"i": i, "text": f"{i:08d}" * (ROW_CHARS // 8)}


def test_row_groups_are_bounded_and_rows_unchanged(tmp_path):
    n = (2 * ROW_GROUP_BYTES) // ROW_CHARS + 3 * RECORD_BATCH_ROWS  # well over two row groups' worth
    with beam.Pipeline() as p:
        _ = p | beam.Create(range(n)) | beam.Map(_row) | WriteParquet(str(tmp_path / "out"), SCHEMA)
    (path,) = glob.glob(str(tmp_path / "out-*.parquet"))
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups >= 3  # Beam's default buffer (64 MiB) wrote this as one row group
    batch_bytes = RECORD_BATCH_ROWS * (ROW_CHARS + 16)
    for g in range(meta.num_row_groups):
        assert meta.row_group(g).total_byte_size <= ROW_GROUP_BYTES + batch_bytes
    table = pq.read_table(path)
    assert sorted(table.column("i").to_pylist()) == list(range(n))
    rows = zip(table.column("i").to_pylist(), table.column("text").to_pylist(), strict=True)
    assert all(text == _row(i)["text"] for i, text in rows)
