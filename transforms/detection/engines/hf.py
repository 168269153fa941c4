"""Hugging Face token classification run with ONNX Runtime + ``tokenizers`` (optional extra ``[hf]``).

The model folder (an ONNX export, e.g. by ``optimum-cli export onnx``) holds ``model.onnx``,
``tokenizer.json`` and ``config.json`` (``id2label``). Its files are verified against the pinned
manifest before the session is created. Long texts are cut into windows of ``max_length`` tokens that
overlap by ``stride`` tokens; each token keeps the prediction of the window where it is most central,
so entities on a window edge are still seen whole. Offsets come from the tokenizer's offset mapping
into the original text (character offsets, exact for non-ASCII text).

Privacy contract: text is held only in memory during ``predict``; nothing is logged but counts, and
errors carry the engine name and exception type, never text.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from transforms.detection.engines import bio
from transforms.detection.engines.base import NerHit
from transforms.detection.engines.config import HfTokenClassificationEngine
from transforms.detection.model_integrity import ModelInfo, verify_folder
from transforms.errors import ConfigError

log = logging.getLogger(__name__)
EXTRA_HINT = "install the optional extra: pip install 'redact-pipeline[hf]'"


def read_labels(cfg: HfTokenClassificationEngine) -> dict[int, str]:
    """``id2label`` of the model's ``config.json``, checked against the engine's label map."""
    path = Path(cfg.model_dir) / "config.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))["id2label"]
        id2label = {int(k): str(v) for k, v in raw.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise ConfigError(f"NER engine {cfg.name!r}: {path} is not a config.json with an id2label map") from None
    if sorted(id2label) != list(range(len(id2label))):
        raise ConfigError(f"NER engine {cfg.name!r}: id2label ids must be 0..N-1")
    types = bio.entity_types(id2label)
    unmapped = sorted(types - set(cfg.labels) - set(cfg.ignore_labels))
    if unmapped:
        raise ConfigError(
            f"NER engine {cfg.name!r}: model labels {unmapped} are neither in 'labels' nor in 'ignore_labels'"
        )
    unknown = sorted((set(cfg.labels) | set(cfg.ignore_labels)) - types)
    if unknown:
        raise ConfigError(f"NER engine {cfg.name!r}: configured labels {unknown} are not labels of the model")
    return id2label


def require_extra(name: str) -> None:
    import importlib.util

    if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("tokenizers") is None:
        raise ConfigError(f"NER engine {name!r} needs ONNX Runtime and tokenizers: {EXTRA_HINT}")


class HfTokenClassifier:
    """A loaded engine (heavy: build once per worker, e.g. in ``ModelHandler.load_model``)."""

    def __init__(self, cfg: HfTokenClassificationEngine) -> None:
        require_extra(cfg.name)
        self.cfg, self.name = cfg, cfg.name
        self.model: ModelInfo = verify_folder(cfg.model_dir, cfg.hashes_file, cfg.name)  # before any load
        id2label = read_labels(cfg)
        self.tags = [bio.parse_tag(id2label[i]) for i in range(len(id2label))]
        self.tokenizer, self.prefix, self.suffix, self.pad_id = _load_tokenizer(cfg)
        self.session, self.inputs = _load_session(cfg)
        self.window = cfg.max_length - len(self.prefix) - len(self.suffix)
        if self.window <= 2 * cfg.stride:
            raise ConfigError(f"NER engine {cfg.name!r}: max_length leaves no room beside stride and special tokens")

    def predict(self, texts: Sequence[str]) -> list[list[NerHit]]:
        """Hits per text, char offsets into that text. Raises on a model failure (callers fail closed)."""
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        windows = [(i, a, b) for i, enc in enumerate(encodings) for a, b in self._spans(len(enc.ids))]
        probs = [np.zeros((len(enc.ids), len(self.tags)), dtype=np.float32) for enc in encodings]
        best = [np.full(len(enc.ids), -1, dtype=np.int64) for enc in encodings]
        for k in range(0, len(windows), self.cfg.batch_size):
            chunk = windows[k : k + self.cfg.batch_size]
            out = self._run([encodings[i].ids[a:b] for i, a, b in chunk])
            for (i, a, b), p in zip(chunk, out, strict=True):
                local = p[len(self.prefix) : len(self.prefix) + b - a]
                pos = np.arange(b - a)
                centrality = np.minimum(pos, b - a - 1 - pos)
                better = centrality > best[i][a:b]
                probs[i][a:b][better] = local[better]
                best[i][a:b][better] = centrality[better]
        hits = []
        for text, enc, pr in zip(texts, encodings, probs, strict=True):
            spans = bio.aggregate(pr, enc.offsets, enc.word_ids, self.tags, self.cfg.aggregation)
            hits.append(bio.trim(text, bio.to_hits(spans, self.cfg.labels, self.cfg.score_threshold)))
        return hits

    def _spans(self, n: int) -> list[tuple[int, int]]:
        """Token windows [a, b) covering 0..n, consecutive windows overlapping by ``stride`` tokens."""
        if n == 0:
            return []
        step = self.window - self.cfg.stride
        out, a = [], 0
        while True:
            b = min(n, a + self.window)
            out.append((a, b))
            if b >= n:
                return out
            a += step

    def _run(self, seqs: list[list[int]]) -> np.ndarray:
        width = len(self.prefix) + len(self.suffix) + max(len(s) for s in seqs)
        ids = np.full((len(seqs), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(seqs), width), dtype=np.int64)
        for r, s in enumerate(seqs):
            row = self.prefix + s + self.suffix
            ids[r, : len(row)] = row
            mask[r, : len(row)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        logits = self.session.run(None, {k: feed[k].astype(dt) for k, dt in self.inputs.items()})[0]
        if logits.ndim != 3 or logits.shape[2] != len(self.tags):
            raise ValueError(f"NER engine {self.name!r}: model output shape does not match id2label")
        z = logits - logits.max(axis=2, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=2, keepdims=True)


def _load_tokenizer(cfg: HfTokenClassificationEngine):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tokenizers pulls in huggingface_hub: never let it fetch
    from tokenizers import Tokenizer

    path = Path(cfg.model_dir) / "tokenizer.json"
    try:
        tok = Tokenizer.from_file(str(path))
    except Exception as exc:  # the library's message may name the file only; keep the type
        raise ConfigError(f"NER engine {cfg.name!r}: cannot load {path} ({type(exc).__name__})") from None
    pad_id = int(tok.padding["pad_id"]) if tok.padding else 0  # masked out anyway
    tok.no_truncation()  # windows are cut here, over the whole text's tokens
    tok.no_padding()
    # Special tokens the model expects around one sequence ([CLS] ... [SEP], <s> ... </s>), taken from
    # the tokenizer's own post-processor so windows get them exactly as in training.
    probe = tok.encode("a", add_special_tokens=True)
    marks = probe.special_tokens_mask
    content = [i for i, m in enumerate(marks) if not m]
    if not content:
        raise ConfigError(f"NER engine {cfg.name!r}: tokenizer produced no content token for a probe")
    prefix, suffix = probe.ids[: content[0]], probe.ids[content[-1] + 1 :]
    return tok, list(prefix), list(suffix), pad_id


def _load_session(cfg: HfTokenClassificationEngine):
    import onnxruntime as ort

    path = Path(cfg.model_dir) / cfg.onnx_file
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    if cfg.intra_op_threads:
        opts.intra_op_num_threads = cfg.intra_op_threads
    if cfg.device == "gpu":
        if "CUDAExecutionProvider" not in ort.get_available_providers():
            raise ConfigError(f"NER engine {cfg.name!r}: device gpu needs onnxruntime-gpu with CUDA on this worker")
        providers = ["CUDAExecutionProvider"]
    else:
        providers = ["CPUExecutionProvider"]
    try:
        session = ort.InferenceSession(str(path), sess_options=opts, providers=providers)
    except Exception as exc:
        raise ConfigError(f"NER engine {cfg.name!r}: cannot load {path.name} ({type(exc).__name__})") from None
    if session.get_providers()[0] != providers[0]:  # ORT falls back to CPU silently: refuse instead
        raise ConfigError(f"NER engine {cfg.name!r}: {providers[0]} is not usable on this worker")
    types = {"tensor(int64)": np.int64, "tensor(int32)": np.int32}
    inputs = {}
    for i in session.get_inputs():
        if i.name not in ("input_ids", "attention_mask", "token_type_ids") or i.type not in types:
            raise ConfigError(f"NER engine {cfg.name!r}: unsupported model input {i.name!r} ({i.type})")
        inputs[i.name] = types[i.type]
    if "input_ids" not in inputs:
        raise ConfigError(f"NER engine {cfg.name!r}: the model has no input_ids input")
    log.info("NER engine %s ready on %s", cfg.name, providers[0])
    return session, inputs
