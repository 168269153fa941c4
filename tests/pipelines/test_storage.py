"""Object-store routing: gs:// goes through Beam's GCS filesystem; URIs in outputs keep bucket only."""

from __future__ import annotations

from apache_beam.io.filesystems import FileSystems

from pipelines.run import pipeline_options
from pipelines.storage import configure_filesystems
from transforms.parsing.source import public_uri


def test_gs_and_s3_paths_use_beams_object_store_filesystems():
    from apache_beam.io.aws.s3filesystem import S3FileSystem
    from apache_beam.io.gcp.gcsfilesystem import GCSFileSystem

    configure_filesystems(pipeline_options([]))
    assert isinstance(FileSystems.get_filesystem("gs://bucket/corpus/a.pdf"), GCSFileSystem)
    assert isinstance(FileSystems.get_filesystem("s3://bucket/corpus/a.pdf"), S3FileSystem)


def test_public_uri_hashes_object_paths():
    assert public_uri("gs://raw/exports/jane_doe/chat.json").startswith("gs://raw/sha256-")
    assert public_uri("gs://raw/exports/jane_doe/chat.json").endswith(".json")
    assert "jane" not in public_uri("s3://raw/exports/jane_doe/chat.json")
