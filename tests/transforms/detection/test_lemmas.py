"""``context_lemmas: lowercase``: spaCy runs NER alone with the same entities; lemmas are lowercased
tokens, computed only when read. (The default ``tagger`` path is covered by ``test_fast_path.py``.)"""

from __future__ import annotations

import pytest
import spacy
from pydantic import ValidationError

from transforms.config import DetectionConfig
from transforms.detection.detector import Detector
from transforms.detection.lemmas import cheap_lemma, lemma_pipes

TEXTS = [
    "Margot Vasquez-Lind moved from Tromsø to 41 Ferncliff Lane, Hobart, in March 2021.",
    "The Northwind Cooperative Bank hired Dr. Ibrahim Okafor as CFO; call +61 3 9001 4477.",
    "nobody here but lowercase words and a date: 3rd of june",
    "   ",
    "Ms. Quill e-mailed q.quill@example.org about the Oslo office on Friday at 10:15.",
]


@pytest.fixture(scope="module")
def detectors():
    return Detector(DetectionConfig(context_lemmas="tagger"), batch_size=4), Detector(DetectionConfig(), batch_size=4)


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
        assert art.lemmas == [cheap_lemma(t.text.lower()) for t in art.tokens]
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


def test_lowercase_is_the_default():
    assert DetectionConfig().context_lemmas == "lowercase"


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("phones", "phones"),
        ("living", "living live"),
        ("residing", "residing reside"),
        ("calling", "calling"),  # a doubled or vowel-final stem keeps its form ("call" is inside it)
        ("seeing", "seeing"),
        ("ring", "ring"),
        ("moved", "moved"),
    ],
)
def test_cheap_lemma(word, lemma):
    assert cheap_lemma(word) == lemma


def test_e_dropping_ing_form_still_matches_its_context_word(detectors):
    """ "living" has lemma "live" under the tagger; the cheap lemma keeps that match."""
    tagger, lowercase = detectors
    text = "I am living at 14 Quarrybank Road, Penrith now."
    assert [(s.start, s.end) for s in lowercase.detect(text)] == [(s.start, s.end) for s in tagger.detect(text)]


def test_remembered_keyword_verdicts_follow_presidio(detectors):
    """Keywords with the per-lemma verdicts remembered equal Presidio's ``set_keywords`` on generated lemma
    lists (stop words, punctuation, "-PRON-", "be", colons to split, upper case, repeats)."""
    import random

    from presidio_analyzer.nlp_engine import NlpArtifacts

    _, lowercase = detectors
    nlp_engine = lowercase.engine.nlp_engine
    rng = random.Random(4)
    vocab = ["the", "The", "be", "-PRON-", ",", ".", "!", "--", "call", "moved", "a:b", "x:", ":", "Oslo", "IT",
             "living live", "phone", "and", "email:", "ok", "", "'s", "n't", "über"]  # fmt: skip
    art = _artifacts(lowercase, ["a short text"])[0]
    for _ in range(300):
        lemmas = [rng.choice(vocab) for _ in range(rng.randint(0, 12))]
        art._lemmas, art._keywords = lemmas, None
        assert art.keywords == NlpArtifacts.set_keywords(nlp_engine, lemmas, "en"), lemmas
