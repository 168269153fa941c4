"""Opt-in cheap lemmas for Presidio's context enhancement: spaCy runs NER alone.

In models whose ``ner`` embeds its own token-to-vector layer (``en_core_web_sm`` and the like), the
shared ``tok2vec``, ``tagger``, ``attribute_ruler`` and ``lemmatizer`` change nothing NER reads: they
exist to produce lemmas, whose only reader is Presidio's context enhancement
(``LemmaContextAwareEnhancer``: a result of a recognizer with context words gains score when a word
before it contains one of them). They cost about a third of spaCy's time.

``DetectionConfig.context_lemmas``:
- ``tagger`` (default): the model's own lemmas; nothing here is used.
- ``lowercase``: those components are disabled and each token's "lemma" is its lowercased text. Context
  words match lemmas as substrings, so inflected forms still match ("phones", "emailed"); irregular
  forms whose lemma differs ("lives" tagged as a noun -> "life") may match differently. This changes
  spans (scores of context-enhanced results): see docs/detection.md for the measured difference.
Artifacts are lazy either way in this mode: lemmas and keywords are computed when first read. Nothing
here logs or keeps text.
"""

from __future__ import annotations

import json

# Components whose output NER never reads (when NER does not listen to a shared tok2vec). A pipeline
# with any other component (entity ruler, span ruler, custom ones) is left whole.
LEMMA_ONLY = frozenset({"tok2vec", "tagger", "morphologizer", "attribute_ruler", "lemmatizer", "trainable_lemmatizer"})


def _listens(component) -> bool:
    model = getattr(component, "model", None)
    return model is not None and hasattr(model, "walk") and any(n.name == "tok2vec-listener" for n in model.walk())


def lemma_pipes(nlp) -> list[str]:
    """The enabled components that only feed lemmas, in pipeline order; [] when that cannot be shown."""
    names = nlp.pipe_names
    if "ner" not in names or _listens(nlp.get_pipe("ner")):
        return []
    others = [n for n in names if n != "ner"]
    return others if all(n in LEMMA_ONLY for n in others) else []


def lowercase_lemmas(doc) -> list[str]:
    return [token.lower_ for token in doc]


def install_lowercase(nlp_engine, language: str = "en") -> list[str]:
    """Disable the lemma-only components of ``nlp_engine``'s spaCy pipeline; lemmas become lowercased
    token texts, computed on first read. Returns the disabled components ([] = nothing changed)."""
    nlp = nlp_engine.nlp[language]
    pipes = lemma_pipes(nlp)
    if not pipes:
        return []
    nlp.select_pipes(disable=pipes)
    lazy = lazy_artifacts_class()

    def doc_to_nlp_artifact(doc, lang):  # Presidio's SpacyNlpEngine._doc_to_nlp_artifact, lemmas deferred
        entities, scores = nlp_engine._get_updated_entities(
            nlp_engine._get_entities(doc), nlp_engine._get_scores_for_entities(doc)
        )
        return lazy(entities, doc, nlp_engine, lang, scores, lowercase_lemmas)

    nlp_engine._doc_to_nlp_artifact = doc_to_nlp_artifact
    return pipes


def lazy_artifacts_class():
    """An ``NlpArtifacts`` whose ``lemmas``, ``keywords`` and ``tokens_indices`` are computed on first
    read (built lazily: Presidio is imported only when detection starts)."""
    from presidio_analyzer.nlp_engine import NlpArtifacts

    class LazyNlpArtifacts(NlpArtifacts):
        def __init__(self, entities, doc, nlp_engine, language, scores, lemmatize) -> None:  # no super(): lazy
            self.entities, self.tokens, self.nlp_engine, self.language = entities, doc, nlp_engine, language
            self.scores = scores if scores else [0.85] * len(entities)
            self._lemmatize, self._lemmas, self._keywords, self._indices = lemmatize, None, None, None

        @property
        def lemmas(self) -> list[str]:
            if self._lemmas is None:
                self._lemmas = self._lemmatize(self.tokens)
            return self._lemmas

        @property
        def keywords(self) -> list[str]:
            if self._keywords is None:
                self._keywords = self.set_keywords(self.nlp_engine, self.lemmas, self.language)
            return self._keywords

        @property
        def tokens_indices(self) -> list[int]:
            if self._indices is None:
                self._indices = [token.idx for token in self.tokens]
            return self._indices

        def to_json(self) -> str:  # Presidio's fields (its decision tracer only; off in this pipeline)
            fields = {
                "entities": [e.text for e in self.entities],
                "tokens": [t.text for t in self.tokens],
                "lemmas": self.lemmas,
                "tokens_indices": self.tokens_indices,
                "keywords": self.keywords,
                "scores": [float(s) for s in self.scores],
                "language": self.language,
            }
            return json.dumps(fields)

    return LazyNlpArtifacts
