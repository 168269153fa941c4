"""The version folder is a Hugging Face dataset: ``README.md`` card with a YAML header naming ``data/``."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from pipelines.card import render_card, size_category, write_card
from tests.pipelines.gate_data import Crafted, training_row

# Without map-typed columns: the full training schema's loading is tested with the schema change (issue 12).
SIMPLE = pa.schema([("doc_id", pa.string()), ("text", pa.string())])


def _header(card: str) -> dict:
    assert card.startswith("---\n")
    return yaml.safe_load(card.split("---\n", 2)[1])


def test_card_header_names_the_data_folder_and_dataset_metadata():
    m = {"counts": {"written": 12_345}, "card_meta": {"license": "cc-by-4.0", "language": ["en", "de"]}}
    header = _header(render_card("v1", m))
    assert header["configs"] == [
        {"config_name": "default", "data_files": [{"split": "train", "path": "data/*.parquet"}]}
    ]
    assert header["license"] == "cc-by-4.0" and header["language"] == ["en", "de"]
    assert header["size_categories"] == ["10K<n<100K"] and header["task_categories"] == ["text-generation"]
    assert "# Dataset card: v1" in render_card("v1", m)  # the human card follows the header


@pytest.mark.parametrize(
    ("rows", "bucket"), [(0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (5_000_000, "1M<n<10M"), (2 * 10**9, "n>1B")]
)
def test_size_category_buckets(rows, bucket):
    assert size_category(rows) == bucket


def test_load_dataset_on_the_version_folder_reads_only_the_training_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    datasets = pytest.importorskip("datasets")
    c = Crafted(tmp_path / "out", rows=[training_row(i) for i in range(7)], training_schema=SIMPLE).write()
    manifest = {**c.manifest(), "counts": {"written": 7}}
    write_card(c.layout, c.version, manifest)
    docs = Path(c.layout.gate_dir(c.version)) / "data_docs"  # the gate report beside the data: never read
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("<html></html>")
    (docs / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    version_dir = c.layout.version_dir(c.version)
    assert sorted(p.name for p in Path(version_dir).iterdir()) == ["README.md", "_MANIFEST.json", "_gate", "data"]
    ds = datasets.load_dataset(version_dir, cache_dir=str(tmp_path / "hf-cache"))
    assert list(ds) == ["train"]
    assert sorted(ds["train"]["doc_id"]) == [f"doc-{i:04d}" for i in range(7)]


@pytest.mark.parametrize("gate", [{"success": None}, None])
def test_card_shows_counts_and_results_in_plain_words_never_python_reprs(gate):
    m = {
        "counts": {
            "read": 9,
            "written": 5,
            "quarantined_total": 3,
            "quarantined": {"parse.invalid_json": 2, "detect.error": 1},
            "dropped_total": 1,
            "dropped": {"policy.expired": 1},
        },
        "retention_summary": {"by_category": {"chats": 3, "default": 2}},
        "purge_history": [
            {"at": "t", "from_version": "v0", "as_of": "a", "removed": {"purge.subject_erasure": 2}, "held": 1}
        ],
        "gate": gate,
        "gate_inherited": {"success": None, "failed": []},
    }
    body = render_card("v1", m).split("---\n", 2)[2]
    assert "{'" not in body and "':" not in body and "None" not in body
    assert "3 (detect.error 1, parse.invalid_json 2)" in body and "1 (policy.expired 1)" in body
    assert "chats 3, default 2" in body and "purge.subject_erasure 2" in body
