"""Vanilla Presidio, for side-by-side scoring in ``redact eval --baseline presidio`` (Beam-free).

``AnalyzerEngine()`` defaults (all default recognizers, default NER mapping, threshold 0) on the same
pinned spaCy model as the detector, run on the raw gold text. Used only for measurement.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from transforms.detection.model_integrity import verify_model
from transforms.detection.offline import ensure_offline


class VanillaPresidio:
    def __init__(self, model_name: str, hashes_file: str | None = None) -> None:
        ensure_offline()
        verify_model(model_name, hashes_file)
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        provider = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": model_name}],
            }
        )
        log = logging.getLogger("presidio-analyzer")
        level = log.level
        log.setLevel(logging.ERROR)  # one warning per skipped non-English recognizer otherwise
        try:
            self.engine = AnalyzerEngine(nlp_engine=provider.create_engine())
        finally:
            log.setLevel(level)

    def detect_texts(self, texts: Iterable[str]) -> Iterator[list[tuple[int, int, str, float]]]:
        # vanilla config warns on every call about unmapped spaCy labels: quiet it while scoring
        log = logging.getLogger("presidio-analyzer")
        level = log.level
        log.setLevel(logging.ERROR)
        try:
            for text in texts:
                results = self.engine.analyze(text=text, language="en", score_threshold=0)
                yield [(r.start, r.end, r.entity_type, r.score) for r in results]
        finally:
            log.setLevel(level)
