"""Extra NER engines' hits are held to the same guards as spaCy's, judged with the same arguments: the
segment's casing (``upper``) and the span's place in the document (``where``, prose capitals)."""

from __future__ import annotations

from transforms.detection.detector import Detector
from transforms.detection.engines.base import NerHit
from transforms.detection.guards import Guards
from transforms.detection.recognizer_config import load_recognizers_file

RULES = load_recognizers_file(None)


def _detector() -> Detector:
    """The guard path alone (no model is loaded): rules and guards as ``Detector`` builds them."""
    d = Detector.__new__(Detector)
    d.rules, d.guards = RULES, Guards(RULES.guards, RULES.methods)
    return d


def _hit(text: str, value: str, label: str) -> NerHit:
    i = text.index(value)
    return NerHit(i, i + len(value), label, 0.9)


def test_an_engine_hit_gets_the_prose_capitals_rule_like_a_spacy_hit():
    d = _detector()
    text = "Born in Tarvik, Norway, Oskar Lindal was first elected to the Senate after the war ended."
    hit = _hit(text, "Senate", "ORG")  # a cased document: capitals mid-sentence are evidence
    (span,) = d._hit_spans(text, text, [hit])
    assert (text[span.start : span.end], span.label) == ("Senate", "ORGANIZATION")
    # the same judgement the spaCy path makes (one shared call)
    assert d._guard_keep(text, text, hit.start, hit.end, "ORGANIZATION", d._casing(text))


def test_an_engine_hit_of_a_lone_common_word_is_still_dropped():
    d = _detector()
    text = "They were singing about the old songs and Tales from the north."
    assert d._hit_spans(text, text, [_hit(text, "Tales", "PER")]) == []
