"""``ReadRecords`` never reads what the listing refuses, and accounts for every listed path."""

from __future__ import annotations

import os

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import write_jsonl
from transforms import reasons
from transforms.config import InputConfig


def test_hostile_paths_are_counted_never_read(tmp_path):
    from transforms.read import ReadRecords

    root, outside = tmp_path / "in", tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("token line that must not be published\n")
    (tmp_path / "dev-kek.json").write_text('{"primaryKeyId": 1}')
    write_jsonl(root / "ok.jsonl", [{"id": "d1", "text": "hello"}])
    (root / "big.txt").write_text("x" * 5000)
    (root / "escape.txt").symlink_to(outside / "secret.txt")
    (root / "kek.json").symlink_to(tmp_path / "dev-kek.json")
    (root / "broken.txt").symlink_to(root / "gone.txt")
    os.mkfifo(root / "pipe.jsonl")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n")
    write_jsonl(root / "out" / "vault" / "v.jsonl", [{"id": "v", "text": "old vault"}])
    cfg = InputConfig(max_file_bytes=4096)
    with TestPipeline() as p:
        read = p | ReadRecords([str(root / "**")], cfg, exclude=[str(root / "out"), str(tmp_path / "dev-kek.json")])
        assert_that(read.records | "Texts" >> beam.Map(lambda r: r.text), equal_to(["hello"]), label="records")
        assert_that(
            read.drops | "DropReasons" >> beam.Map(lambda d: d.reason),
            equal_to(
                [
                    reasons.INPUT_SYMLINK_ESCAPE,
                    reasons.INPUT_SYMLINK_ESCAPE,
                    reasons.INPUT_BROKEN_SYMLINK,
                    reasons.INPUT_NOT_REGULAR,
                    reasons.INPUT_HIDDEN,
                    reasons.INPUT_EXCLUDED,
                ]
            ),
            label="drops",
        )
        assert_that(
            read.quarantine | "QReasons" >> beam.Map(lambda q: (q.reason, q.payload)),
            equal_to([(reasons.READ_TOO_LARGE, b"")]),
            label="quarantine",
        )
        # the drops name no path: only the hashed public URI
        assert_that(
            read.drops | "Uris" >> beam.Map(lambda d: d.source_uri.startswith("file://sha256-")),
            equal_to([True] * 6),
            label="uris",
        )
