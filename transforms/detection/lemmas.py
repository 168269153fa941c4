"""Opt-in cheap lemmas for Presidio's context enhancement: spaCy runs NER alone.

In models whose ``ner`` embeds its own token-to-vector layer (``en_core_web_sm`` and the like), the
shared ``tok2vec``, ``tagger``, ``attribute_ruler`` and ``lemmatizer`` change nothing NER reads: they
exist to produce lemmas, whose only reader is Presidio's context enhancement
(``LemmaContextAwareEnhancer``: a result of a recognizer with context words gains score when a word
before it contains one of them). They cost about a third of spaCy's time.

``DetectionConfig.context_lemmas``:
- ``lowercase`` (default): those components are disabled and each token's "lemma" is its lowercased text
  (an ``-ing`` form also carries its e-restored stem: "residing" -> "residing reside"). Context words match
  lemmas as substrings, so inflected forms still match ("phones", "emailed", "moved", which the
  lemmatizer strips to "move" as well); irregular forms whose lemma differs ("born" -> "bear") may match
  differently.
- ``tagger``: the model's own lemmas, exactly Presidio's behaviour; nothing here is used. This changes
  spans (scores of context-enhanced results): see docs/detection.md for the measured difference.
Artifacts are lazy either way in this mode: lemmas and keywords are computed when first read; whether a
lemma is a keyword (not a stop word or punctuation) is remembered per process (bounded, in memory only,
like the vocabulary spaCy itself grows with every lemma asked about). Nothing here logs or writes text.
"""

from __future__ import annotations

import json

# Components whose output NER never reads (when NER does not listen to a shared tok2vec). A pipeline
# with any other component (entity ruler, span ruler, custom ones) is left whole.
MEMO_ENTRIES = 1 << 16  # keyword verdicts remembered per process (a lemma and a bool each)
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


def cheap_lemma(lower: str) -> str:
    """The lowercased token; an ``-ing`` form also carries its e-restored stem ("living" -> "living live"),
    the one regular inflection where a context word (matched as a substring) is not inside the word."""
    if len(lower) >= 6 and lower.endswith("ing") and lower[-4] not in "aeiouy" and lower[-4] != lower[-5]:
        return f"{lower} {lower[:-3]}e"
    return lower


def lowercase_lemmas(doc) -> list[str]:
    return [cheap_lemma(token.lower_) for token in doc]


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

    keep_memo: dict = {}  # (language, lemma) -> kept as a keyword; per engine, bounded

    def keywords_of(nlp_engine, lemmas: list[str], language: str) -> list[str]:
        """``NlpArtifacts.set_keywords`` with its stop-word/punctuation verdict remembered per lemma (the
        same verdicts: the engine is asked once per lemma instead of once per token)."""
        if not nlp_engine:
            return []
        out: list[str] = []
        for k in lemmas:
            keep = keep_memo.get((language, k))
            if keep is None:
                keep = (
                    not nlp_engine.is_stopword(k, language)
                    and not nlp_engine.is_punct(k, language)
                    and k != "-PRON-"
                    and k != "be"
                )
                if len(keep_memo) >= MEMO_ENTRIES:
                    keep_memo.clear()
                keep_memo[(language, k)] = keep
            if keep:
                out.extend(k.lower().split(":"))
        return out

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
                self._keywords = keywords_of(self.nlp_engine, self.lemmas, self.language)
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
