"""Configuration of the extra NER engines (``detection.engines``), validated when the config is loaded.

An extra engine is a local, hash-pinned model folder: nothing is downloaded, and a model whose files do
not match ``hashes_file`` is refused before anything is written. The default spaCy pipeline stays
Presidio's NLP engine (``detection.nlp``); engines listed here add hits (union) on top of it.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_ENTITY = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")


class HfTokenClassificationEngine(BaseModel):
    """A Hugging Face token-classification model exported to ONNX (``model.onnx`` + ``tokenizer.json`` +
    ``config.json`` with ``id2label``), run with ONNX Runtime (optional extra ``redact-pipeline[hf]``).

    ``labels`` maps the model's entity types (BIO/BILOU prefixes stripped, e.g. ``PATIENT``) to canonical
    entities (``PERSON``); ``ignore_labels`` lists the types deliberately dropped. Every entity type of the
    model must be in exactly one of the two (checked at load): an unmapped label is an error, never a
    silent drop. Hits below ``score_threshold`` are discarded by the engine; the detector's per-entity
    thresholds then apply as to spaCy's hits.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["hf_token_classification"]
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    model_dir: str = Field(min_length=1)
    hashes_file: str = Field(min_length=1)
    onnx_file: str = Field("model.onnx", pattern=r"^[^/\\]+\.onnx$")
    labels: dict[str, str] = Field(min_length=1)
    ignore_labels: list[str] = Field(default_factory=list)
    score_threshold: float = Field(0.5, ge=0.0, le=1.0)
    aggregation: Literal["first", "max"] = "first"
    batch_size: int = Field(16, ge=1, le=4096)
    max_length: int = Field(512, ge=8, le=8192)
    stride: int = Field(128, ge=0)
    device: Literal["cpu", "gpu"] = "cpu"
    intra_op_threads: int = Field(0, ge=0, le=256, description="0: ONNX Runtime's default")

    @field_validator("labels")
    @classmethod
    def _canonical_targets(cls, v: dict[str, str]) -> dict[str, str]:
        for model_label, entity in v.items():
            if not _ENTITY.match(entity):
                raise ValueError(f"label {model_label!r} maps to {entity!r}, not an entity name like PERSON")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> HfTokenClassificationEngine:
        both = sorted(set(self.labels) & set(self.ignore_labels))
        if both:
            raise ValueError(f"labels both mapped and ignored: {', '.join(both)}")
        if self.stride >= self.max_length // 2:
            raise ValueError("stride must be less than half of max_length (windows must advance)")
        return self


EngineConfig = HfTokenClassificationEngine  # one type today; a discriminated union on ``type`` later


def check_unique_names(engines: list[EngineConfig]) -> list[EngineConfig]:
    names = [e.name for e in engines]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"engine names must be unique: {', '.join(dup)}")
    return engines
