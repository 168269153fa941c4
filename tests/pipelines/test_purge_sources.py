"""``pipelines.purge_sources.find_sources`` lists and reads raw sources as ``redact run`` reads inputs:
never a FIFO (which would block the purge), never through a symlink leaving the source root, never an
excluded path, and never more than ``max_bytes``; every path not read is counted by reason code."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from pipelines.purge_sources import find_sources
from transforms import reasons
from transforms.parsing.source import public_uri

HANG_LIMIT_S = 60  # a bound for the hang check only (no assertion on speed)


def _wanted(path, data: bytes) -> tuple[str, str]:
    return public_uri(str(path), "hash"), hashlib.sha256(data).hexdigest()


def _find_bounded(*args, **kw):
    """``find_sources`` in a thread joined with a timeout: a blocking open fails the test, never hangs it."""
    result: dict = {}

    def target():
        try:
            result["scan"] = find_sources(*args, **kw)
        except BaseException as exc:  # reported below
            result["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(HANG_LIMIT_S)
    return worker, result


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_find_sources_skips_fifos_escaping_symlinks_excluded_and_oversized_files(tmp_path):
    root, outside = tmp_path / "src" / "exports", tmp_path / "elsewhere"
    root.mkdir(parents=True)
    outside.mkdir()
    good = root / "kept.jsonl"
    good.write_bytes(b'{"id": "a", "text": "x"}\n')
    secret = outside / "secret.jsonl"
    secret.write_bytes(b'{"id": "s", "text": "outside the source root"}\n')
    escape = root / "escape.jsonl"
    escape.symlink_to(secret)
    fifo = root / "pipe.jsonl"
    os.mkfifo(fifo)
    excluded = root / "dev-kek.json"
    excluded.write_bytes(b"{}")
    big = root / "big.jsonl"
    big.write_bytes(b"y" * 4096)
    (root / "unwanted.jsonl").write_bytes(b"n" * 4096)  # no candidate: neither read nor counted
    # every path is wanted (the escaping link with the outside file's content): only the rules stop them
    wanted = {
        _wanted(good, good.read_bytes()),
        _wanted(escape, secret.read_bytes()),
        _wanted(fifo, b""),
        _wanted(excluded, b"{}"),
        _wanted(big, big.read_bytes()),
    }
    try:
        worker, result = _find_bounded(
            [str(tmp_path / "src")], {"hash"}, wanted, max_bytes=1024, exclude=[str(excluded)]
        )
        assert not worker.is_alive(), "find_sources blocked (opened a FIFO?)"
    finally:
        _release(fifo)
    assert "error" not in result, repr(result.get("error"))
    scan = result["scan"]
    assert scan.found == [(str(good), public_uri(str(good), "hash"))]
    assert scan.skipped == {
        reasons.INPUT_SYMLINK_ESCAPE: 1,
        reasons.INPUT_NOT_REGULAR: 1,
        reasons.INPUT_EXCLUDED: 1,
        reasons.READ_TOO_LARGE: 1,
    }
    # every wanted source not found is reported by public URI: the erasure of those is incomplete
    assert scan.missed == sorted(u for u, _ in wanted - {_wanted(good, good.read_bytes())})
    assert secret.exists() and escape.is_symlink()  # nothing deleted by finding


def _release(fifo) -> None:
    """Unblock a reader stuck on the FIFO (so a failing run of this test does not leave a blocked thread)."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:  # no reader: nothing is blocked
        return
    os.close(fd)
