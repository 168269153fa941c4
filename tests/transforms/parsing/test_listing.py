"""Input listing: only regular files inside the root are readable; every other path has a reason code."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from transforms import reasons
from transforms.parsing.listing import Exclusions, Listed, ReadRefused, list_pattern, pattern_root, read_bounded


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """An input folder holding one of each hostile kind, next to a secret and a KEK outside it."""
    root, outside = tmp_path / "in", tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    (root / ".cfg" / "redact").mkdir(parents=True)
    outside.mkdir()
    (outside / "token.txt").write_text("api_token=zq81-not-for-training\n")
    (tmp_path / "kek.json").write_text('{"key": "not-for-training"}')
    (root / "a.jsonl").write_text('{"id": "1", "text": "hello"}\n')
    (root / "sub" / "b.txt").write_text("hi there\n")
    (root / ".hidden.txt").write_text("hidden\n")
    (root / ".cfg" / "redact" / "dev-kek.json").write_text("{}")
    (root / "escape.txt").symlink_to(outside / "token.txt")
    (root / "kek-link.json").symlink_to(tmp_path / "kek.json")
    (root / "inside-link.txt").symlink_to(root / "sub" / "b.txt")
    (root / "dir-link").symlink_to(outside, target_is_directory=True)
    (root / "broken.txt").symlink_to(root / "missing.txt")
    (root / "loop1.txt").symlink_to(root / "loop2.txt")
    (root / "loop2.txt").symlink_to(root / "loop1.txt")
    os.mkfifo(root / "pipe.txt")
    os.link(tmp_path / "kek.json", root / "hard-kek.json")
    (root / "out" / "training").mkdir(parents=True)
    (root / "out" / "training" / "x.jsonl").write_text('{"id": "o", "text": "old output"}\n')
    return tmp_path


def _by_name(items: list[Listed]) -> dict[str, str]:
    return {os.path.basename(i.path): i.skip or "read" for i in items}


def test_every_listed_path_is_readable_or_has_a_reason(tree: Path):
    excl = Exclusions([str(tree / "kek.json"), str(tree / "in" / "out")])
    got = _by_name(list(list_pattern(str(tree / "in" / "**"), excl)))
    assert got == {
        "a.jsonl": "read",
        "b.txt": "read",
        "inside-link.txt": "read",
        ".hidden.txt": reasons.INPUT_HIDDEN,
        ".cfg": reasons.INPUT_HIDDEN,
        "escape.txt": reasons.INPUT_SYMLINK_ESCAPE,
        "kek-link.json": reasons.INPUT_SYMLINK_ESCAPE,
        "hard-kek.json": reasons.INPUT_EXCLUDED,
        "out": reasons.INPUT_EXCLUDED,
        "dir-link": reasons.INPUT_SYMLINK_ESCAPE,
        "broken.txt": reasons.INPUT_BROKEN_SYMLINK,
        "loop1.txt": reasons.INPUT_SYMLINK_LOOP,
        "loop2.txt": reasons.INPUT_SYMLINK_LOOP,
        "pipe.txt": reasons.INPUT_NOT_REGULAR,
    }


def test_kek_inside_the_input_root_is_never_read(tree: Path):
    kek = tree / "in" / ".cfg" / "redact" / "dev-kek.json"
    (tree / "in" / "kek-copy-name.json").symlink_to(kek)
    got = _by_name(list(list_pattern(str(tree / "in" / "*.json"), Exclusions([str(kek)]))))
    assert got["kek-copy-name.json"] == reasons.INPUT_EXCLUDED


def test_socket_is_not_regular(tmp_path: Path):
    (tmp_path / "in").mkdir()
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(tmp_path / "in" / "sock.txt"))
        got = _by_name(list(list_pattern(str(tmp_path / "in" / "**"), Exclusions([]))))
    finally:
        s.close()
    assert got == {"sock.txt": reasons.INPUT_NOT_REGULAR}


def test_non_recursive_pattern_does_not_descend(tree: Path):
    got = _by_name(list(list_pattern(str(tree / "in" / "*.jsonl"), Exclusions([]))))
    assert got == {"a.jsonl": "read"}


def test_explicit_symlink_outside_root_is_refused(tree: Path):
    got = list(list_pattern(str(tree / "in" / "escape.txt"), Exclusions([])))
    assert [g.skip for g in got] == [reasons.INPUT_SYMLINK_ESCAPE]


@pytest.mark.parametrize(
    ("pattern", "root"),
    [
        ("/data/in/**", "/data/in"),
        ("/data/in/*.jsonl", "/data/in"),
        ("/data/in/file.txt", "/data/in"),
        ("s3://bucket/corpus/part-*", "s3://bucket/corpus"),
        ("gs://b/x/**", "gs://b/x"),
    ],
)
def test_pattern_root(pattern: str, root: str):
    assert pattern_root(pattern) == root


def test_object_keys_with_dot_segments_are_refused():
    got = list(list_pattern("s3://bucket/corpus/../secrets/**", Exclusions([])))
    assert [g.skip for g in got] == [reasons.INPUT_UNSAFE_KEY]


def test_read_is_bounded_by_size(tree: Path):
    item = next(i for i in list_pattern(str(tree / "in" / "a.jsonl"), Exclusions([])))
    assert read_bounded(item, 1024).startswith(b'{"id"')
    with pytest.raises(ReadRefused) as exc:
        read_bounded(item, 8)
    assert exc.value.reason == reasons.READ_TOO_LARGE


def test_file_swapped_for_a_fifo_after_listing_is_not_opened(tree: Path):
    path = tree / "in" / "a.jsonl"
    item = next(i for i in list_pattern(str(path), Exclusions([])))
    path.unlink()
    os.mkfifo(path)  # opening this without O_NONBLOCK would hang the worker forever
    with pytest.raises(ReadRefused) as exc:
        read_bounded(item, 1024)
    assert exc.value.reason == reasons.INPUT_NOT_REGULAR and not exc.value.quarantine


def test_vanished_and_replaced_files_have_reasons(tree: Path):
    path = tree / "in" / "a.jsonl"
    item = next(i for i in list_pattern(str(path), Exclusions([])))
    path.unlink()
    with pytest.raises(ReadRefused) as exc:
        read_bounded(item, 1024)
    assert exc.value.reason == reasons.READ_VANISHED
    (tree / "in" / "new.tmp").write_text("another file now\n")  # created while the listed one exists
    os.replace(tree / "in" / "new.tmp", tree / "in" / "b.jsonl")
    item = next(i for i in list_pattern(str(tree / "in" / "b.jsonl"), Exclusions([])))
    (tree / "in" / "new2.tmp").write_text("a third file\n")
    os.replace(tree / "in" / "new2.tmp", tree / "in" / "b.jsonl")
    with pytest.raises(ReadRefused) as exc:
        read_bounded(item, 1024)
    assert exc.value.reason == reasons.READ_CHANGED
