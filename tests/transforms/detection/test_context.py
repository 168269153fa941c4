"""The bisecting token lookup of ``context.py`` gives Presidio's scan answer for every offset."""

from __future__ import annotations

import pytest
import spacy
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from transforms.detection.context import install, token_ends

TEXTS = [
    "Call me on +44 20 7946 0958, or mail jo.bloggs@example.net tomorrow.",
    "  leading spaces,\n\nblank lines\tand tabs  ",
    "x",
    "ünïcode naïve café — résumé: Zoë's CV (2019\u20132024) [draft]",
    "a-b-c d.e.f g/h/i 12:30 1,234.56 e-mail:someone@host",
    "trailing space ",
]


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


@pytest.fixture(scope="module")
def fast():
    enhancer = LemmaContextAwareEnhancer()
    assert install(enhancer)
    return enhancer._find_index_of_match_token


def _scan(start, doc):
    try:
        return LemmaContextAwareEnhancer._find_index_of_match_token("w", start, doc, [t.idx for t in doc])
    except ValueError as exc:
        return str(exc)


def _fast(fast, start, doc):
    try:
        return fast("w", start, doc, [t.idx for t in doc])
    except ValueError as exc:
        return str(exc)


@pytest.mark.parametrize("text", TEXTS)
def test_every_offset_same_token(nlp, fast, text):
    doc = nlp(text)
    for start in range(len(text) + 2):
        assert _fast(fast, start, doc) == _scan(start, doc), start


def test_ends_cached_per_document(nlp):
    doc = nlp("two words")
    assert token_ends(doc) == [3, 9]
    assert token_ends(doc) is doc.user_data["redact.token_ends"]


def test_only_presidios_own_enhancer_is_changed():
    class Custom(LemmaContextAwareEnhancer):
        pass

    assert not install(Custom())
