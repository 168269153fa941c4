"""Sharded streaming JSONL reads give exactly the items of a whole-file read, lazily, and fail on a changed
file; shards are line-aligned, cover the file and know their first line."""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pytest

from transforms.config import InputConfig
from transforms.errors import IntegrityError
from transforms.parsing.listing import Exclusions, ReadRefused, classify_local, read_bounded
from transforms.parsing.registry import parse_source
from transforms.parsing.source import SourceFile
from transforms.parsing.stream import even_shard_bytes, plan_shards, read_shard, streamable

CFG = InputConfig(max_record_chars=1000)
LINES = [
    "\ufeff" + json.dumps({"id": "a", "text": "Call Maria Lindqvist on 555-0100.", "lang": "en"}),
    "",
    "   ",
    "{not json",
    json.dumps({"messages": [{"role": "user", "content": "hi, it's Oliver"}, {"role": "agent", "content": "hello"}]}),
    json.dumps({"id": "big", "text": "x" * 1200}),  # above max_record_chars: parse.too_large
    json.dumps([1, 2, 3]),  # not an object
    json.dumps({"id": 7, "text": "   "}),  # empty text: dropped
    json.dumps({"id": "c", "text": "last line without a newline"}),
]


def _listed(path: Path):
    return classify_local(str(path), str(path.parent), Exclusions([]))


def _whole(path: Path) -> list:
    listed = _listed(path)
    src = SourceFile(listed.path, read_bounded(listed, CFG.max_file_bytes))
    return list(parse_source(src, CFG))


def _write(tmp_path: Path, lines: list[str], name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode("utf-8"))
    return path


def _streamed(path: Path, shard_bytes: int) -> list:
    plan = plan_shards(_listed(path), CFG, shard_bytes)
    assert plan is not None
    return [item for shard in plan.shards for item in read_shard(shard, CFG, "hash")]


@pytest.mark.parametrize("shard_bytes", [4096, 64, 1, 10**6])
def test_streamed_items_equal_the_whole_file_read(tmp_path, shard_bytes):
    path = _write(tmp_path, LINES)
    streamed = _streamed(path, shard_bytes)
    whole = _whole(path)
    assert [repr(i) for i in streamed] == [repr(i) for i in whole]
    assert len(streamed) == 7  # every non-blank line accounted for
    reasons_ = sorted(getattr(i, "reason", "") for i in streamed)
    assert reasons_.count("parse.invalid_json") == 1 and "parse.too_large" in reasons_


@pytest.mark.parametrize("trailing", ["", "\n", "\n\n"])
def test_shards_are_line_aligned_and_cover_the_file(tmp_path, trailing):
    lines = [json.dumps({"id": str(i), "text": "x" * (1 + i % 97)}) for i in range(3000)]
    path = tmp_path / "big.jsonl"
    path.write_bytes(("\n".join(lines) + trailing).encode())
    data = path.read_bytes()
    plan = plan_shards(_listed(path), CFG, 4096)
    assert plan.digest == hashlib.sha256(data).hexdigest()
    shards = plan.shards
    assert len(shards) > 20 and shards[0].start == 0 and shards[-1].end == len(data)
    for a, b in itertools.pairwise(shards):
        assert a.end == b.start and data[b.start - 1 : b.start] == b"\n"
        assert b.first_line == data[: b.start].count(b"\n") + 1
    assert all(s.sha256 == hashlib.sha256(data[s.start : s.end]).hexdigest() for s in shards)
    streamed = [i for s in shards for i in read_shard(s, CFG, "hash")]
    assert [i.lineage.source_record for i in streamed] == [f"line:{n}" for n in range(1, 3001)]
    assert [repr(i) for i in streamed] == [repr(i) for i in _whole(path)]


def test_records_leave_before_the_shard_is_read_and_a_changed_file_fails(tmp_path):
    lines = [json.dumps({"id": str(i), "text": f"note number {i} about the router"}) for i in range(5000)]
    path = _write(tmp_path, lines)  # well past the read buffer
    (shard,) = plan_shards(_listed(path), CFG, 10**9).shards
    items = read_shard(shard, CFG, "hash")
    first = next(items)
    assert first.lineage.source_record == "line:1"
    with open(path, "r+b") as fh:  # same size, other bytes: rewritten while being read
        fh.seek(path.stat().st_size - 10)
        fh.write(b"0123456789")
    with pytest.raises(IntegrityError, match="changed while it was read"):
        list(items)


def test_a_file_gone_after_planning_fails(tmp_path):
    path = _write(tmp_path, LINES)
    (shard,) = plan_shards(_listed(path), CFG, 10**9).shards
    path.unlink()
    with pytest.raises(IntegrityError, match="changed while it was read"):
        list(read_shard(shard, CFG, "hash"))


@pytest.mark.parametrize("content", [b"", b"\n  \n", b"\x00\x01\x02binary\x00" * 20])
def test_blank_or_binary_files_are_left_to_the_whole_file_path(tmp_path, content):
    path = tmp_path / "odd.jsonl"
    path.write_bytes(content)
    assert plan_shards(_listed(path), CFG, 4096) is None


def test_size_bound_applies_before_reading(tmp_path):
    path = _write(tmp_path, LINES)
    small = InputConfig(max_file_bytes=1024, max_record_chars=1000)
    with pytest.raises(ReadRefused) as exc:
        plan_shards(_listed(path), small, 4096)
    assert exc.value.reason == "read.too_large"


@pytest.mark.parametrize(
    ("name", "expected"), [("a.jsonl", True), ("b.NDJSON", True), ("c.json", False), ("d.txt", False)]
)
def test_only_json_lines_names_stream(name, expected):
    assert streamable(f"/data/{name}") is expected


def test_a_storage_error_while_reading_a_shard_never_carries_the_path(tmp_path, monkeypatch):
    """A remote file object's readline can raise with the raw object path in its message: the shard fails
    as changed, and neither the error nor its chain (nor its formatted traceback) holds the path."""
    import contextlib
    import io
    import traceback

    from transforms.parsing import stream

    raw_path = "gs://corp-exports/people/maria_lindqvist/chat.jsonl"

    class Failing(io.BytesIO):
        def readline(self, size=-1):
            raise OSError(f"503 GET {raw_path}: backend error")

    path = _write(tmp_path, LINES)
    (shard,) = plan_shards(_listed(path), CFG, 10**9).shards
    monkeypatch.setattr(stream, "open_listed", lambda *a, **k: contextlib.nullcontext(Failing(path.read_bytes())))
    with pytest.raises(IntegrityError, match="changed while it was read") as info:
        list(read_shard(shard, CFG, "hash"))
    exc = info.value
    chain = [exc, exc.__cause__, exc.__context__]
    assert all(raw_path not in repr(e) for e in chain)
    assert raw_path not in "".join(traceback.format_exception(exc)) and "maria" not in str(exc)


@pytest.mark.parametrize(("size", "target"), [(995_256, 65_536), (467_614, 65_536), (65_537, 65_536), (10**7, 4096)])
def test_even_shard_bytes_cuts_as_many_shards_of_about_equal_size(size, target):
    count = -(-size // target)
    even = even_shard_bytes(size, target)
    assert even <= target and -(-size // even) == count  # the same number of shards, none above target
    assert count * even - size < count  # the ranges differ by at most a byte before line alignment


def test_even_shard_bytes_leaves_small_files_alone():
    assert even_shard_bytes(0, 65_536) == even_shard_bytes(1000, 65_536) == even_shard_bytes(65_536, 65_536) == 65_536


def test_even_shards_have_no_short_remainder(tmp_path):
    """Same number of shards as full-size cutting, but no short last one (workers get shards in turn)."""
    lines = [json.dumps({"id": str(i), "text": "x" * (40 + i % 61)}) for i in range(3000)]
    path = tmp_path / "big.jsonl"
    path.write_bytes("\n".join(lines).encode())
    size = path.stat().st_size
    full = plan_shards(_listed(path), CFG, 4096).shards
    even = plan_shards(_listed(path), CFG, even_shard_bytes(size, 4096)).shards
    assert len(even) == len(full)
    lengths = [s.end - s.start for s in even]
    longest_line = max(len(ln) for ln in lines) + 1
    assert max(lengths) - min(lengths) <= len(even) * longest_line  # alignment drift only
    assert full[-1].end - full[-1].start < min(lengths)  # what the full-size cut left at the end
