"""Build the configured extra engines and combine their hits (ensemble = union, per-engine thresholds).

``check_engines`` runs in the driver before anything is written (hashes, label maps, optional extra
installed) without loading a model; ``load_engines`` builds them on a worker (or in-process for
``redact detect`` / ``redact eval``).
"""

from __future__ import annotations

from collections.abc import Sequence

from transforms.detection.engines.base import NerEngine, NerHit
from transforms.detection.engines.config import EngineConfig
from transforms.detection.model_integrity import ModelInfo, verify_folder


def check_engines(engines: Sequence[EngineConfig]) -> list[ModelInfo]:
    """Fail (``ConfigError``/``IntegrityError``) unless every engine could load as pinned."""
    from transforms.detection.engines.hf import read_labels, require_extra

    infos = []
    for cfg in engines:
        require_extra(cfg.name)
        infos.append(verify_folder(cfg.model_dir, cfg.hashes_file, cfg.name))
        read_labels(cfg)
    return infos


def load_engines(engines: Sequence[EngineConfig]) -> list[NerEngine]:
    from transforms.detection.engines.hf import HfTokenClassifier

    return [HfTokenClassifier(cfg) for cfg in engines]


class Ensemble:
    """Several engines as one: each engine applies its own threshold; hits are the union, sorted.
    Overlapping hits stay (the detector's overlap policy resolves them with spaCy's and the recognizers')."""

    name = "ensemble"

    def __init__(self, engines: Sequence[NerEngine]) -> None:
        self.engines = list(engines)

    def predict(self, texts: Sequence[str]) -> list[list[NerHit]]:
        out: list[list[NerHit]] = [[] for _ in texts]
        for engine in self.engines:
            for acc, hits in zip(out, engine.predict(texts), strict=True):
                acc.extend(hits)
        return [sorted(set(h), key=lambda x: (x.start, x.end, x.label, -x.score)) for h in out]
