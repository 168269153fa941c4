"""Build a Presidio ``AnalyzerEngine`` on a hash-verified spaCy model, fully offline."""

from __future__ import annotations

import logging

from transforms.config import DetectionConfig
from transforms.detection.model_integrity import ModelInfo, verify_model
from transforms.detection.offline import ensure_offline

log = logging.getLogger(__name__)


def build_analyzer(cfg: DetectionConfig):
    """Return (AnalyzerEngine, ModelInfo). Raises ``IntegrityError`` if the model files were altered."""
    ensure_offline()
    info: ModelInfo = verify_model(cfg.nlp.name, cfg.nlp.hashes_file)

    from presidio_analyzer import AnalyzerEngine, pattern_recognizer
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    pattern_recognizer.REGEX_TIMEOUT_SECONDS = cfg.regex_timeout_seconds
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": cfg.nlp.name}],
        }
    )
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    _add_deny_lists(engine, cfg)
    log.info("analyzer ready: model %s %s (sha256 %s…)", info.name, info.version, info.sha256[:12])
    return engine, info


def _add_deny_lists(engine, cfg: DetectionConfig) -> None:
    from presidio_analyzer import PatternRecognizer

    for entity, words in cfg.deny_list.items():
        if words:
            engine.registry.add_recognizer(
                PatternRecognizer(supported_entity=entity, deny_list=words, name=f"deny_list_{entity}")
            )
