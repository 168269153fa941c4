"""``context_lemmas: lowercase``: spaCy runs NER alone with the same entities; lemmas are lowercased
tokens, computed only when read. (The default ``tagger`` path is covered by ``test_fast_path.py``.)"""

from __future__ import annotations

import pytest
import spacy
from pydantic import ValidationError

from transforms.config import DetectionConfig
from transforms.detection.detector import Detector
from transforms.detection.lemmas import lemma_pipes

TEXTS = [
    "Margot Vasquez-Lind moved from Tromsø to 41 Ferncliff Lane, Hobart, in March 2021.",
    "The Northwind Cooperative Bank hired Dr. Ibrahim Okafor as CFO; call +61 3 9001 4477.",
    "nobody here but lowercase words and a date: 3rd of june",
    "   ",
    "Ms. Quill e-mailed q.quill@example.org about the Oslo office on Friday at 10:15.",
]


@pytest.fixture(scope="module")
def detectors():
    return Detector(DetectionConfig(), batch_size=4), Detector(
        DetectionConfig(context_lemmas="lowercase"), batch_size=4
    )


def _artifacts(detector, texts):
    return [a for _, a in detector.engine.nlp_engine.process_batch(texts, "en", batch_size=4)]


def test_ner_alone_finds_the_same_entities(detectors):
    tagger, lowercase = detectors
    assert lowercase.engine.nlp_engine.nlp["en"].pipe_names == ["ner"]
    for a, b in zip(_artifacts(tagger, TEXTS), _artifacts(lowercase, TEXTS), strict=True):
        assert [(e.start_char, e.end_char, e.label_) for e in a.entities] == [
            (e.start_char, e.end_char, e.label_) for e in b.entities
        ]
        assert list(a.scores) == list(b.scores)
        assert a.tokens_indices == b.tokens_indices


def test_lemmas_are_lowercased_tokens_and_keywords_follow_presidio(detectors):
    _, lowercase = detectors
    for art in _artifacts(lowercase, TEXTS):
        assert art.lemmas == [t.text.lower() for t in art.tokens]
        nlp_engine = lowercase.engine.nlp_engine
        assert art.keywords == type(art).set_keywords(nlp_engine, art.lemmas, "en")
        assert art.to_json()


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("She moved to 7 Brackenridge Close, Wollongong last spring.", "7 Brackenridge Close, Wollongong", "LOCATION"),
        ("Nobody is answering at 503-555-0147 today.", "503-555-0147", "PHONE_NUMBER"),
    ],
)
def test_inflected_context_words_count(detectors, text, value, label):
    """The documented difference: "moved"/"answering" are context words the lemmatizer strips."""
    tagger, lowercase = detectors

    def found(detector):
        return {(text[s.start : s.end], s.label): s.score for s in detector.detect(text)}

    before, after = found(tagger), found(lowercase)
    assert (value, label) in after
    assert after[(value, label)] > before.get((value, label), 0.0)


def test_pipelines_that_are_not_provably_lemma_only_stay_whole():
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    nlp.add_pipe("entity_ruler")
    assert lemma_pipes(nlp) == []
    assert lemma_pipes(spacy.blank("en")) == []


def test_unknown_mode_is_refused():
    with pytest.raises(ValidationError):
        DetectionConfig(context_lemmas="lookup")
