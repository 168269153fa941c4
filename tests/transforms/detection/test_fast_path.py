"""The optimized detection path finds exactly the spans of the reference path (golden comparison).

Reference: ``Detector(optimized=False)``: the full spaCy pipeline, no prefilters, spaCy run by Presidio
one text at a time (``detect`` per document). Optimized: unused spaCy components disabled, the windowed
phone matcher and literal prefilters, ``nlp.pipe`` batches (``detect_many``, ``detect_turns``) and the
batched ``DetectPII`` DoFn. Both are built at the same commit, so this holds whatever the recognizers are.
"""

from __future__ import annotations

import pytest

from tests.bench.corpus_loader import bench_module
from transforms.config import DetectionConfig
from transforms.detection.detector import Detector
from transforms.detection.prefilter import digit_count, min_digits_by_region
from transforms.errors import RecordError

EDGE_TEXTS = [
    "+44 20 7946 0958 is the first thing in this text",
    "Reach the desk on (415) 555-0134 ext. 204 or on 415.555.0199 extension 12",
    "tel:+49 30 901820, fax +49 30 9018 2999; ticket 12345 and invoice 2024-03-11",
    "Room 4, floor 2. No phone here at all, only 1 digit and an email: ana.lopez@example.org",
    "no digits, no at sign, just Margaret Wójcik from Kraków writing about her order",
    "Numbers run together 0207946001802079460019 then a gap of words and 07700 900123",
    "Ends with a number 020 7946 0018",
    "Short ones: Berlin 030 12345, Wien 01 5880, +49 89 1234, 00 44 20 7946 0958, 0800 111 0444 and 112",
    "Dates 11/03/2024 and 2024-03-11 10:45:30, amounts $1,234.56, version 4.2.1, IP 198.51.100.23, (0)30 123",
    "",
    "   ",
]


@pytest.fixture(scope="module")
def corpus_texts():
    corpus = bench_module("corpus").generate(40, seed=7)
    return corpus, [d["text"] for d in corpus.docs] + EDGE_TEXTS


@pytest.fixture(scope="module")
def detectors():
    cfg = DetectionConfig(context_lemmas="tagger")  # exact lemmas: the reference path runs the tagger
    return Detector(cfg, optimized=False), Detector(cfg, batch_size=8)


def _plain(spans):
    return [(s.start, s.end, s.label, round(s.score, 6)) for s in spans]


def test_documents_identical(detectors, corpus_texts):
    reference, fast = detectors
    _, texts = corpus_texts
    expected = [_plain(reference.detect(t)) for t in texts]
    got = fast.detect_many(texts)
    assert not any(isinstance(g, RecordError) for g in got)
    assert [_plain(g) for g in got] == expected
    assert sum(len(e) for e in expected) > 100  # the corpus really exercises detection


def test_conversations_identical(detectors, corpus_texts):
    reference, fast = detectors
    corpus, _ = corpus_texts
    for chat in corpus.chats[:6]:
        texts = [m["content"] for m in chat["messages"]]
        speakers = [m["role"] for m in chat["messages"]]
        assert [_plain(s) for s in fast.detect_turns(texts, speakers)] == [
            _plain(s) for s in reference.detect_turns(texts, speakers)
        ]


def test_reference_keeps_the_full_pipeline(detectors):
    reference, fast = detectors
    assert "parser" in reference.engine.nlp_engine.nlp["en"].pipe_names
    assert "parser" not in fast.engine.nlp_engine.nlp["en"].pipe_names


def test_short_candidates_are_dropped_per_region():
    need = min_digits_by_region(["US", "DE"])
    assert 2 <= need["DE"] < need["US"] <= 10  # German numbers can be shorter than any US one
    assert digit_count("+1 (415) 555-0134 ext. 12") == 13


@pytest.fixture(scope="module")
def regions():
    return _configured_regions()


def _configured_regions():
    from transforms.detection.recognizer_config import load_recognizers_file

    return load_recognizers_file(None).predefined.params["PhoneRecognizer"]["supported_regions"]


PHONE_TEXTS = [
    "Dial +1 415 555 0134 or +1 415 555 0134 again; then 020 7946 0958 twice: 020 7946 0958",
    "Kontakt +49 30 901820 und 030 901820, Büro +43 1 58858 0, mobil 0171 2345678",
    "no country code 415-555-0199, with one +33 1 42 68 53 00, junk +99 12 34, 00 44 20 7946 0000",
    "ticket 123456, order 2024-11-05, amount 1.234,56, phone (02) 9876 5432, tel 09-123 4567",
    "ends on a number: +91 98765 43210",
    "short ones: 12 34 56, 123 4567, 1234 5678, 0 21 2345 6789, 00 49 30 1234, 011 44 20 7946 0958",
    "dialled abroad: 0011 61 2 9876 5432, 010 81 3 1234 5678, 00 33 1 42 68 53 00, 001 415 555 0134",
    "\u0661\u0662\u0663\u0664\u0665\u0666\u0667 and \uff10\uff12\uff10 \uff17\uff19\uff14\uff16 \uff10\uff19\uff15\uff18 (mixed scripts)",
]


@pytest.mark.parametrize("text", PHONE_TEXTS)
def test_windowed_phone_matches_presidio(text, regions):
    """Same results, same order, same region in the explanation as Presidio's ``PhoneRecognizer``."""
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    from transforms.detection.phone import windowed_phone_class

    plain = PhoneRecognizer(supported_regions=regions, leniency=1)
    fast = windowed_phone_class()(supported_regions=regions, leniency=1)

    def seen(recognizer):
        return [
            (r.start, r.end, r.score, r.analysis_explanation.textual_explanation)
            for r in recognizer.analyze(text, ["PHONE_NUMBER"])
        ]

    assert seen(fast) == seen(plain)


def test_no_number_has_fewer_digits_than_the_no_plus_bound(regions):
    """Brute force against the real matcher: digit strings (plain, grouped, behind common IDD prefixes)
    one digit shorter than a region's bound are never a number of that region."""
    import random

    from phonenumbers import Leniency, PhoneNumberMatcher

    from transforms.detection.prefilter import min_digits_without_plus

    rng = random.Random(11)
    bounds = min_digits_without_plus(regions, 1)
    for region in regions:
        n = bounds[region] - 1
        for prefix in ("", "0", "00", "011", "010", "0011", "001", "1"):
            if len(prefix) > n:
                continue
            for _ in range(25):
                digits = prefix + "".join(rng.choice("0123456789") for _ in range(n - len(prefix)))
                spaced = " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))
                for text in (digits, spaced, f"call ({digits[:2]}) {digits[2:]} now"):
                    assert not list(PhoneNumberMatcher(text, region, leniency=Leniency.VALID)), (region, len(digits))
