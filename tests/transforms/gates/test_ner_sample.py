"""``ner_sample``: what the NER check reads is collected while streaming, bounded by the sample size,
and judges exactly as the check over every text."""

from __future__ import annotations

import pytest

from tests.pipelines import gate_data as D
from transforms.gates import sampling
from transforms.gates.ner_sample import NerSample, collect, from_texts
from transforms.gates.ner_scan import scan_length, window

NER = "Yesterday John Smith flew from Berlin to Paris with Maria Lopez."


def _texts(n: int) -> list[str]:
    tok = D.tok("PERSON", 5)
    return [(f"{tok} met {NER} " * (1 + i % 7)) if i % 3 else f"Order {i} for {tok} shipped." for i in range(n)]


def test_small_versions_keep_every_text_in_row_order():
    texts = _texts(30)
    sample = from_texts(texts, 30, "seed")
    assert sample.rows is None and sample.all_texts() == texts and sample.positions == []


def test_sampled_versions_keep_only_the_sample_and_the_windows_of_other_positions():
    texts, n = _texts(400), 40
    calls = []

    def stream():
        calls.append(1)
        return iter(texts)

    sample = collect(len(texts), n, "seed", stream)
    assert sample.rows == sampling.sample_order(len(texts), n, "seed")
    assert set(sample.texts) == set(sample.rows) and all(sample.texts[i] == texts[i] for i in sample.rows)
    lengths = [scan_length(t) for t in texts]
    assert sample.total_chars == sum(lengths)
    assert sample.positions == sampling.position_order(lengths, n, "seed")
    outside = {p for p in sample.positions if p[0] not in sample.texts}
    assert outside and set(sample.windows) == outside  # nothing else is held
    for row, off in sample.positions:  # cut from the held text or held: the windows the whole texts give
        assert sample.window(row, off) == window(texts[row], off)
    assert len(calls) == 2  # one pass for the sample and lengths, one for the windows


def test_collect_refuses_a_stream_of_the_wrong_length():
    with pytest.raises(ValueError, match="9 scan texts for 10 rows"):
        collect(10, 5, "seed", lambda: iter(["x"] * 9))


def test_a_sampled_sample_does_not_list_every_text():
    sample = NerSample(total=10, rows=[3, 1], texts={3: "a", 1: "b"})
    with pytest.raises(ValueError):
        sample.all_texts()
