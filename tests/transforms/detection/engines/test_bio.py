"""BIO/BILOU aggregation of subword predictions into character spans (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from transforms.detection.engines.base import NerHit
from transforms.detection.engines.bio import Tag, aggregate, parse_tag, to_hits, words

LABELS = ["O", "B-PER", "I-PER", "L-PER", "U-PER", "B-LOC", "I-LOC"]
TAGS = [parse_tag(x) for x in LABELS]


def onehot(*labels: str, p: float = 0.9) -> np.ndarray:
    out = np.full((len(labels), len(LABELS)), (1 - p) / (len(LABELS) - 1), dtype=np.float32)
    for i, lab in enumerate(labels):
        out[i, LABELS.index(lab)] = p
    return out


@pytest.mark.parametrize(
    ("label", "tag"),
    [
        ("O", Tag("O", "")),
        ("B-PER", Tag("B", "PER")),
        ("i-loc", Tag("I", "loc")),
        ("U-PER", Tag("U", "PER")),
        ("E-ORG", Tag("E", "ORG")),
        ("PATIENT", Tag("", "PATIENT")),
        ("B-DATE-TIME", Tag("B", "DATE-TIME")),
        ("X-PER", Tag("", "X-PER")),
    ],
)
def test_parse_tag(label, tag):
    assert parse_tag(label) == tag


def test_words_group_consecutive_subwords_and_none_is_its_own_word():
    assert words([0, 0, 1, None, None, 2, 2, 2]) == [(0, 2), (2, 3), (3, 4), (4, 5), (5, 8)]


# text: "Ann Lee met Bo in Oslo"
OFFSETS = [(0, 3), (4, 7), (8, 11), (12, 14), (15, 17), (18, 22)]
WORD_IDS = [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["B-PER", "I-PER", "O", "B-PER", "O", "B-LOC"], [(0, 7, "PER"), (12, 14, "PER"), (18, 22, "LOC")]),
        # BILOU: U is a one-word entity, L closes one, B after B starts a new one
        (["B-PER", "L-PER", "O", "U-PER", "O", "O"], [(0, 7, "PER"), (12, 14, "PER")]),
        (["U-PER", "U-PER", "O", "O", "O", "O"], [(0, 3, "PER"), (4, 7, "PER")]),
        (["B-PER", "B-PER", "O", "O", "O", "O"], [(0, 3, "PER"), (4, 7, "PER")]),
        # an I- without a B- starts an entity; a type change splits
        (["I-PER", "I-PER", "O", "O", "I-LOC", "I-LOC"], [(0, 7, "PER"), (15, 22, "LOC")]),
        (["B-PER", "I-LOC", "O", "O", "O", "O"], [(0, 3, "PER"), (4, 7, "LOC")]),
        (["O"] * 6, []),
    ],
)
def test_bio_and_bilou_grouping(labels, expected):
    spans = aggregate(onehot(*labels), OFFSETS, WORD_IDS, TAGS)
    assert [(s, e, t) for s, e, t, _ in spans] == expected


def test_first_and_max_strategies_differ_on_a_split_word():
    # one word "Oslotown" in two subwords: the first says O (weakly), the second LOC (strongly)
    probs = np.vstack([onehot("O", p=0.4), onehot("B-LOC", p=0.95)])
    offsets, word_ids = [(0, 4), (4, 8)], [0, 0]
    assert aggregate(probs, offsets, word_ids, TAGS, "first") == []
    (span,) = aggregate(probs, offsets, word_ids, TAGS, "max")
    assert span[:3] == (0, 8, "LOC") and span[3] == pytest.approx(0.95)


def test_score_is_the_mean_of_word_scores_and_threshold_and_map_apply():
    probs = np.vstack([onehot("B-PER", p=0.9), onehot("I-PER", p=0.5), onehot("B-LOC", p=0.8)])
    spans = aggregate(probs, [(0, 3), (4, 7), (8, 12)], [0, 1, 2], TAGS)
    assert spans[0][3] == pytest.approx(0.7)
    assert to_hits(spans, {"PER": "PERSON"}, 0.6) == [NerHit(0, 7, "PERSON", pytest.approx(0.7))]
    assert to_hits(spans, {"PER": "PERSON", "LOC": "LOCATION"}, 0.75) == [NerHit(8, 12, "LOCATION", 0.8)]


def test_trim_removes_surrounding_whitespace_and_drops_blank_hits():
    from transforms.detection.engines.bio import trim

    text = "hi  Ann \n"
    hits = [NerHit(2, 7, "PERSON", 0.9), NerHit(4, 7, "PERSON", 0.8), NerHit(7, 9, "PERSON", 0.7)]
    assert trim(text, hits) == [NerHit(4, 7, "PERSON", 0.9), NerHit(4, 7, "PERSON", 0.8)]
