"""Build a Presidio ``AnalyzerEngine`` on a hash-verified spaCy model, fully offline.

The engine = Presidio's predefined recognizers (minus the ones the recognizer YAML disables, with
its parameter overrides) + the YAML's own recognizers + config deny-lists. NER labels map to
entities per the YAML's ``ner`` section.
"""

from __future__ import annotations

import logging

from transforms.config import DetectionConfig
from transforms.detection.model_integrity import ModelInfo, verify_model
from transforms.detection.offline import ensure_offline
from transforms.detection.recognizer_config import RecognizersFile, load_recognizers_file
from transforms.errors import ConfigError

log = logging.getLogger(__name__)


# spaCy components Presidio and our recognizers never read: Presidio's artifacts are entities, tokens,
# lemmas (the rule lemmatizer needs tagger + attribute_ruler) and stop/punct flags; nothing reads the
# dependency parse or sentences. Disabling them leaves every other component's output unchanged.
UNUSED_PIPES = ("parser", "senter")


def build_analyzer(cfg: DetectionConfig, rules: RecognizersFile | None = None, optimized: bool = True):
    """Return (AnalyzerEngine, ModelInfo). Raises ``IntegrityError`` if the model files were altered.

    ``optimized`` (default) disables the unused spaCy components and installs the phone matcher of
    ``phone.py`` (with the digit-shape check of ``phone_shapes.py``), Presidio's pattern loop without its
    bookkeeping (``lean_patterns.py``), the prefilters of ``prefilter.py`` (literal and digit gates), the windowed patterns of ``windows.py``, the URL tries of
    ``tld_trie.py`` and the context enhancement of ``context.py``; all leave every span unchanged
    (``optimized=False`` is the reference path the equivalence test compares against)."""
    ensure_offline()
    info: ModelInfo = verify_model(cfg.nlp.name, cfg.nlp.hashes_file)
    rules = rules or load_recognizers_file(cfg.recognizers_file)

    from presidio_analyzer import AnalyzerEngine, pattern_recognizer
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    pattern_recognizer.REGEX_TIMEOUT_SECONDS = cfg.regex_timeout_seconds
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": cfg.nlp.name}],
            "ner_model_configuration": rules.ner.model_dump(),
        }
    )
    presidio_log = logging.getLogger("presidio-analyzer")
    level = presidio_log.level
    presidio_log.setLevel(logging.ERROR)  # registry warns about every non-English recognizer it skips
    try:
        engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    finally:
        presidio_log.setLevel(level)
    _configure_predefined(engine, rules)
    _add_yaml_recognizers(engine, rules)
    _add_deny_lists(engine, cfg)
    if optimized:
        _optimize(engine)
        if cfg.context_lemmas == "lowercase":
            from transforms.detection.lemmas import install_lowercase

            install_lowercase(engine.nlp_engine)
    log.info("analyzer ready: model %s %s (sha256 %s…)", info.name, info.version, info.sha256[:12])
    return engine, info


def _optimize(engine) -> None:
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    from transforms.detection.context import install as bisecting_context
    from transforms.detection.context import install_grouping
    from transforms.detection.lean_patterns import install as lean_patterns
    from transforms.detection.phone import windowed_phone_class
    from transforms.detection.prefilter import LITERALS, digit_gate, literal_gate
    from transforms.detection.tld_trie import install as tld_tries
    from transforms.detection.windows import install as windowed_patterns

    nlp = engine.nlp_engine.nlp["en"]
    nlp.select_pipes(disable=[p for p in UNUSED_PIPES if p in nlp.pipe_names])
    bisecting_context(engine.context_aware_enhancer)
    install_grouping(engine)
    windowed = windowed_phone_class()
    recognizers = engine.registry.recognizers
    lean_patterns(recognizers)  # Presidio's pattern loop without its clock and debug record (before the gates)
    for i, r in enumerate(recognizers):
        if type(r) is PhoneRecognizer:  # exactly Presidio's (a YAML subclass may read more context)
            recognizers[i] = windowed(
                context=r.context,
                supported_language=r.supported_language,
                supported_entity=r.supported_entities[0],
                supported_regions=r.supported_regions,
                leniency=r.leniency,
            )
        elif r.name in LITERALS and type(r).__name__ == r.name:
            literal_gate(r, LITERALS[r.name])
        else:
            digit_gate(r)  # pattern recognizers whose every pattern needs a digit
    windowed_patterns(recognizers)  # keyword lookbehinds tried only after their keywords
    tld_tries(recognizers)  # URL patterns' TLD alternation as a trie


def _configure_predefined(engine, rules: RecognizersFile) -> None:
    from presidio_analyzer import predefined_recognizers

    present = {r.name for r in engine.registry.recognizers}
    for name in rules.predefined.disabled:
        if name not in present:
            raise ConfigError(f"recognizers file: predefined recognizer {name!r} is not loaded by Presidio")
        engine.registry.remove_recognizer(name)
    for name, params in rules.predefined.params.items():
        cls = getattr(predefined_recognizers, name, None)
        if cls is None or name not in present:
            raise ConfigError(f"recognizers file: unknown predefined recognizer {name!r}")
        regions = params.get("supported_regions")
        if regions is not None:
            _check_regions(regions)
        engine.registry.remove_recognizer(name)
        try:
            engine.registry.add_recognizer(cls(**params))
        except TypeError:
            raise ConfigError(f"recognizers file: bad parameters for {name}") from None


def _check_regions(regions) -> None:
    import phonenumbers

    bad = [r for r in regions if not isinstance(r, str) or r.upper() not in phonenumbers.SUPPORTED_REGIONS]
    if bad:
        raise ConfigError(f'recognizers file: unknown phone regions {bad} (quote codes such as "NO" in YAML)')


def _add_yaml_recognizers(engine, rules: RecognizersFile) -> None:
    from transforms.detection.recognizers.patterns import build

    for spec in rules.recognizers:
        if spec.enabled:
            engine.registry.add_recognizer(build(spec))


def _add_deny_lists(engine, cfg: DetectionConfig) -> None:
    from presidio_analyzer import PatternRecognizer

    for entity, words in cfg.deny_list.items():
        if words:
            engine.registry.add_recognizer(
                PatternRecognizer(supported_entity=entity, deny_list=words, name=f"deny_list_{entity}")
            )
