"""The loading snippets of ``docs/loading.md``, run exactly as written against a version published by
``redact run``: Hugging Face ``datasets`` (also streaming), pandas, pyarrow.dataset, polars, duckdb."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_cli, write_jsonl

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "loading.md"
CORPUS = [
    {"id": "d-1", "text": "Invoice 17 for Emily Carter was paid by card on time."},
    {"id": "d-2", "text": "Release notes: the export button moved to the toolbar."},
    {
        "id": "c-1",
        "messages": [
            {"role": "user", "content": "Hi, I am Rahul Mehta and my parcel is late."},
            {"role": "assistant", "content": "Sorry Rahul Mehta, let me check the order."},
        ],
    },
]


def snippets(path: Path = DOC) -> dict[str, str]:
    found = re.findall(r"<!-- snippet: ([\w-]+) -->\n```python\n(.*?)```", path.read_text(), flags=re.S)
    return dict(found)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("loaders")
    write_jsonl(tmp / "in" / "docs.jsonl", CORPUS)
    kek = f"local://{tmp / 'kek.json'}"
    r = run_cli("run", "--input", str(tmp / "in"), "--output", str(tmp / "out" / "demo"), "--kek-uri", kek)
    assert r.returncode == 0, r.stderr[-2000:]
    return tmp


@pytest.fixture
def namespace(published, monkeypatch):
    monkeypatch.chdir(published)  # the snippets use the relative path out/demo, as in the docs
    monkeypatch.setenv("HF_HOME", str(published / "hf-home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    ns: dict = {}
    exec(snippets()["setup"], ns)
    return ns


def test_doc_lists_every_reader():
    assert {"setup", "datasets", "datasets-streaming", "pandas", "pyarrow", "polars", "duckdb"} <= set(snippets())


def test_readme_shows_the_same_snippets():
    readme = snippets(ROOT / "README.md")
    assert {"setup", "datasets", "pandas", "duckdb"} <= set(readme)
    assert all(readme[name] == snippets()[name] for name in readme)


def test_hugging_face_datasets(namespace):
    exec(snippets()["datasets"], namespace)
    ds, chats = namespace["ds"], namespace["chats"]
    assert ds.num_rows == 3 and chats.num_rows == 1
    assert [m["role"] for m in chats[0]["messages"]] == ["user", "assistant"]
    assert "timestamp" in str(ds.features["retention"]["expires_at"])
    assert "Emily" not in " ".join(ds["text"]) and "Rahul" not in " ".join(ds["text"])


def _doc_ids(namespace) -> set[str]:
    """The doc ids of the published rows, read with pyarrow (input ids become keyed DOC_ID tokens)."""
    import pyarrow.parquet as pq

    ids = set(pq.read_table(Path(namespace["version_dir"]) / "data", columns=["doc_id"]).column("doc_id").to_pylist())
    assert len(ids) == 3 and all(re.fullmatch(r"<DOC_ID_[0-9a-f]{16}>", i) for i in ids)
    return ids


def test_hugging_face_datasets_streaming(namespace):
    exec(snippets()["datasets-streaming"], namespace)
    assert namespace["first"]["doc_id"] in _doc_ids(namespace)


def test_pandas(namespace):
    exec(snippets()["pandas"], namespace)
    df = namespace["df"]
    assert len(df) == 3 and set(df["doc_id"]) == _doc_ids(namespace)


def test_pyarrow_dataset(namespace):
    exec(snippets()["pyarrow"], namespace)
    assert namespace["table"].num_rows == 3


def test_polars(namespace):
    exec(snippets()["polars"], namespace)
    assert namespace["frame"].height == 3


def test_duckdb(namespace):
    exec(snippets()["duckdb"], namespace)
    assert len(namespace["rows"]) == 3  # the default retention (P365D) has not expired
    assert dict(namespace["counts"]).get("PERSON", 0) >= 2
