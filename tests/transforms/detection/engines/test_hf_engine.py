"""The ONNX Runtime engine on a tiny deterministic model the test builds: pinning, labels, batching,
long-text windows, exact offsets (non-ASCII), aggregation and the ensemble union."""

from __future__ import annotations

import json
import shutil

import pytest

from transforms.detection.engines.base import NerEngine, NerHit
from transforms.detection.engines.hf import HfTokenClassifier
from transforms.detection.engines.registry import Ensemble, check_engines
from transforms.errors import ConfigError, IntegrityError


def found(text: str, hits: list[NerHit]) -> list[tuple[str, str]]:
    return [(text[h.start : h.end], h.label) for h in hits]


def test_predicts_known_entities_with_exact_offsets(engine_cfg):
    engine = HfTokenClassifier(engine_cfg())
    assert isinstance(engine, NerEngine) and engine.model.sha256
    text = "Alice Smith met Bobson in Oslo, and acme."
    (hits,) = engine.predict([text])
    assert found(text, hits) == [("Alice Smith", "PERSON"), ("Bobson", "PERSON"), ("Oslo", "LOCATION")]
    assert all(h.score > 0.99 for h in hits)


def test_offsets_are_exact_on_non_ascii_text(engine_cfg):
    engine = HfTokenClassifier(engine_cfg())
    text = "😀👩‍👩‍👧 José met Zoë in 北京 and Paris."  # astral chars, ZWJ sequence, accents, CJK
    (hits,) = engine.predict([text])
    assert found(text, hits) == [("José", "PERSON"), ("Zoë", "PERSON"), ("Paris", "LOCATION")]


def test_threshold_and_aggregation_strategy(engine_cfg):
    text = "weakly"  # subwords: "weak" (PER, low confidence) + "##ly" (LOC, confident)
    assert HfTokenClassifier(engine_cfg()).predict([text]) == [[]]  # first: weak PER below 0.5
    (low,) = HfTokenClassifier(engine_cfg(score_threshold=0.1)).predict([text])
    assert found(text, low) == [("weakly", "PERSON")]
    (mx,) = HfTokenClassifier(engine_cfg(aggregation="max")).predict([text])
    assert found(text, mx) == [("weakly", "LOCATION")]


@pytest.mark.parametrize("batch_size", [1, 2, 64])
def test_batching_does_not_change_results(engine_cfg, batch_size):
    texts = ["Alice met Bob.", "", "   ", "nothing here", "Paris and Oslo", "Bobson " * 40]
    expected = HfTokenClassifier(engine_cfg(batch_size=1000)).predict(texts)
    got = HfTokenClassifier(engine_cfg(batch_size=batch_size, max_length=16, stride=4)).predict(texts)
    assert got == expected
    assert [len(h) for h in got] == [2, 0, 0, 0, 2, 40]


def test_long_text_gets_hits_in_every_window_with_exact_offsets(engine_cfg):
    engine = HfTokenClassifier(engine_cfg(max_length=12, stride=3))  # 10 content tokens per window
    parts, expected = [], []
    pos = 0
    for i in range(60):  # ~240 tokens: far longer than one window
        word = ["Alice", "Zoë", "Oslo", "met"][i % 4]
        if word != "met":
            expected.append((pos, pos + len(word), "LOCATION" if word == "Oslo" else "PERSON"))
        parts.append(word)
        pos += len(word) + len(" the ")
    text = " the ".join(parts)
    offsets = engine.tokenizer.encode(text, add_special_tokens=False).offsets
    windows = engine._spans(len(offsets))
    assert len(windows) > 10 and all(b - a <= 10 for a, b in windows)
    (hits,) = engine.predict([text])
    assert [(h.start, h.end, h.label) for h in hits] == expected
    for a, b in windows:  # every window holds at least one whole hit
        assert any(offsets[a][0] <= h.start and h.end <= offsets[b - 1][1] for h in hits)


def test_entity_across_a_window_edge_is_whole(engine_cfg):
    engine = HfTokenClassifier(engine_cfg(max_length=8, stride=2))  # 6 content tokens per window
    for filler in range(8):  # slide "Alice Smith" over every window boundary
        text = "the " * filler + "Alice Smith met"
        (hits,) = engine.predict([text])
        assert found(text, hits) == [("Alice Smith", "PERSON")], filler


def test_ensemble_is_the_union_with_per_engine_thresholds(engine_cfg):
    strict = HfTokenClassifier(engine_cfg(name="strict", labels={"PER": "PERSON"}, ignore_labels=["LOC", "MISC"]))
    loose = HfTokenClassifier(engine_cfg(name="loose", score_threshold=0.1, labels={"LOC": "LOCATION"},
                                         ignore_labels=["PER", "MISC"]))  # fmt: skip
    text = "Alice in Oslo, weakly"
    (hits,) = Ensemble([strict, loose]).predict([text])
    assert found(text, hits) == [("Alice", "PERSON"), ("Oslo", "LOCATION")]
    (both,) = Ensemble([strict, strict]).predict([text])
    assert found(text, both) == [("Alice", "PERSON")]  # identical hits of two engines count once


def test_tampered_model_file_fails(pinned, engine_cfg, tmp_path):
    copy = shutil.copytree(pinned[0], tmp_path / "copy")
    cfg = engine_cfg(model_dir=str(copy))
    HfTokenClassifier(cfg)  # the copy matches
    data = bytearray((copy / "model.onnx").read_bytes())
    data[-1] ^= 1
    (copy / "model.onnx").write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match="does not match its pinned hashes"):
        HfTokenClassifier(cfg)
    with pytest.raises(IntegrityError):
        check_engines([cfg])


def test_added_file_in_model_folder_fails(pinned, engine_cfg, tmp_path):
    copy = shutil.copytree(pinned[0], tmp_path / "copy")
    (copy / "extra.py").write_text("print('hi')\n")
    with pytest.raises(IntegrityError, match=r"1 differing files, e\.g\. extra\.py"):
        check_engines([engine_cfg(model_dir=str(copy))])


def test_missing_manifest_or_folder_fails(engine_cfg, tmp_path):
    with pytest.raises(ConfigError, match="no hash manifest"):
        check_engines([engine_cfg(hashes_file=str(tmp_path / "nope.json"))])
    with pytest.raises(ConfigError, match="model folder not found"):
        check_engines([engine_cfg(model_dir=str(tmp_path / "nope"))])


def test_unmapped_and_unknown_labels_fail(engine_cfg):
    with pytest.raises(ConfigError, match=r"model labels \['MISC'\] are neither"):
        check_engines([engine_cfg(ignore_labels=[])])
    with pytest.raises(ConfigError, match=r"configured labels \['ORG'\] are not labels"):
        check_engines([engine_cfg(labels={"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION"})])


def test_gpu_device_without_cuda_is_refused(engine_cfg):
    import onnxruntime as ort

    if "CUDAExecutionProvider" in ort.get_available_providers():
        pytest.skip("this worker has CUDA")
    with pytest.raises(ConfigError, match="device gpu needs onnxruntime-gpu"):
        HfTokenClassifier(engine_cfg(device="gpu"))


def test_manifest_lists_every_file(pinned):
    manifest = json.loads(pinned[1].read_text())
    assert sorted(manifest["files"]) == ["config.json", "model.onnx", "tokenizer.json"]


def test_tokenizer_saved_with_padding_and_truncation_still_covers_long_texts(engine_cfg, tmp_path):
    from tests.transforms.detection.engines.tiny_model import build_model_dir, build_tokenizer
    from transforms.detection.model_integrity import build_folder_manifest

    folder = build_model_dir(tmp_path / "m")
    build_tokenizer(folder / "tokenizer.json", padded=True)
    (tmp_path / "h.json").write_text(json.dumps(build_folder_manifest(folder)))
    engine = HfTokenClassifier(engine_cfg(model_dir=str(folder), hashes_file=str(tmp_path / "h.json")))
    text = "the " * 50 + "Alice"  # beyond the saved truncation length
    assert found(text, engine.predict([text])[0]) == [("Alice", "PERSON")]


@pytest.mark.parametrize("trim_offsets", [True, False])
def test_roberta_style_byte_level_bpe_model(engine_cfg, tmp_path, trim_offsets):
    from tests.transforms.detection.engines.tiny_model import build_bpe_model_dir
    from transforms.detection.model_integrity import build_folder_manifest

    folder = build_bpe_model_dir(tmp_path / "bpe", trim_offsets)
    (tmp_path / "h.json").write_text(json.dumps(build_folder_manifest(folder)))
    engine = HfTokenClassifier(engine_cfg(model_dir=str(folder), hashes_file=str(tmp_path / "h.json")))
    assert set(engine.inputs) == {"input_ids", "attention_mask"}  # no token_type_ids fed
    text = "😀 Alice met Bob. Ünïcode in Oslo"  # multi-byte chars split into several byte tokens
    (hits,) = engine.predict([text])
    assert found(text, hits) == [("Alice", "PERSON"), ("Bob", "PERSON"), ("Oslo", "LOCATION")]
    long_text = " then ".join(["Alice", "Oslo"] * 40)
    (long_hits,) = HfTokenClassifier(
        engine_cfg(model_dir=str(folder), hashes_file=str(tmp_path / "h.json"), max_length=10, stride=2)
    ).predict([long_text])
    assert [v for v, _ in found(long_text, long_hits)] == ["Alice", "Oslo"] * 40
