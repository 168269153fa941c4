"""Metrics on tiny hand-made examples (definitions: shared/eval/README.md)."""

import pytest

from transforms.detection.metrics import Tally, f_beta, score


def test_perfect_prediction():
    text = "Call John Smith now"
    r = score([(text, [(5, 15, "PERSON")], [(5, 15)])])
    assert r["recall"] == 1.0 and r["precision"] == 1.0 and r["f2"] == 1.0 and r["leak_rate"] == 0.0
    assert r["entity_recall"] == 1.0 and r["per_label_recall"] == {"PERSON": 1.0}


def test_punctuation_and_spaces_are_ignored():
    text = "Mail: a.b@c.de!"
    # gold covers "a.b@c.de" (alnum: a b c d e = 5); prediction covers it plus ": " and "!"
    r = score([(text, [(6, 14, "EMAIL_ADDRESS")], [(4, 15)])])
    assert r["recall"] == 1.0
    assert r["precision"] == 1.0


def test_partial_recall_and_precision():
    text = "abcd efgh"
    # gold "abcd" (4 alnum), predicted "cd efgh" (6 alnum, 2 inside gold)
    r = score([(text, [(0, 4, "X")], [(2, 9)])])
    assert r["recall"] == pytest.approx(0.5)
    assert r["precision"] == pytest.approx(2 / 6, abs=1e-4)
    assert r["f2"] == pytest.approx(round(f_beta(1 / 3, 0.5, 2), 4))
    assert r["leak_rate"] == pytest.approx(0.5)


def test_entity_recall_needs_half_of_alnum_chars():
    text = "aaaa bbbb"
    t = Tally()
    t.add(text, [(0, 4, "A"), (5, 9, "B")], [(0, 2), (5, 6)])  # A half covered, B a quarter
    r = t.report()
    assert r["entity_recall"] == 0.5
    assert r["per_label_recall"] == {"A": 0.5, "B": 0.25}


def test_overlapping_predictions_count_chars_once_and_no_predictions_is_none():
    text = "abcdef"
    r = score([(text, [(0, 6, "X")], [(0, 4), (2, 6)])])
    assert r["recall"] == 1.0 and r["precision"] == 1.0
    empty = score([(text, [(0, 6, "X")], [])])
    assert empty["recall"] == 0.0 and empty["precision"] is None and empty["f2"] is None


def test_f2_weights_recall():
    assert f_beta(0.5, 1.0, 2) == pytest.approx(5 * 0.5 / (4 * 0.5 + 1.0))
    assert f_beta(0.0, 0.0, 2) == 0.0


def test_over_redaction_counts_non_gold_chars_by_predicted_label():
    text = "ab cd ef gh"
    # gold "ab"; non-gold alnum = cd ef gh (6); PERSON covers "cd", DATE_TIME covers "ef"
    r = score([(text, [(0, 2, "PERSON")], [(0, 5, "PERSON"), (6, 8, "DATE_TIME")])])
    assert r["over_redaction"] == pytest.approx(round(4 / 6, 4))
    assert r["over_redaction_by_label"] == {"PERSON": round(2 / 6, 4), "DATE_TIME": round(2 / 6, 4)}
    assert score([(text, [(0, 2, "PERSON")], [(0, 2)])])["over_redaction"] == 0.0
