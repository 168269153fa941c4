"""The probe set (bench/probe): gold spans match their text, the JSONL is built from its source, and the
per-domain scorer splits the metrics by ``source`` correctly on a hand-made example."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from tests.bench.corpus_loader import BENCH
from transforms.detection.metrics import GOLD_LABELS, score

PROBE = BENCH / "probe"
CANONICAL = GOLD_LABELS
DOMAINS = {"clinical_note", "court_decision", "email", "review_forum", "social_media", "call_transcript"}


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"probe_{name}", PROBE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _rows() -> list[dict]:
    return [json.loads(line) for line in (PROBE / "probe_v1.jsonl").read_text(encoding="utf-8").splitlines()]


def test_every_span_matches_its_text_and_is_canonical():
    rows = _rows()
    assert {r["source"] for r in rows} == DOMAINS
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r) == {"id", "text", "spans", "source"}
        ends = -1
        for s in sorted(r["spans"], key=lambda s: s["start"]):
            value = r["text"][s["start"] : s["end"]]
            assert value and value == value.strip(), (r["id"], s)
            assert s["label"] in CANONICAL and s["orig_label"]
            assert s["start"] >= ends, f"{r['id']}: overlapping gold spans"
            ends = s["end"]


def test_jsonl_is_built_from_the_marked_up_source():
    build = _module("build_probe")
    assert build.render(build.build()) == (PROBE / "probe_v1.jsonl").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("raw", "text", "spans"),
    [
        (
            "Dr. [[PERSON:Ann Lee]] on [[DATE_TIME:3/14]]",
            "Dr. Ann Lee on 3/14",
            [(4, 11, "PERSON"), (15, 19, "DATE_TIME")],
        ),
        ("case [[ID/CASE_NUMBER:12/06]].", "case 12/06.", [(5, 10, "ID")]),
    ],
)
def test_markup_offsets_are_computed(raw, text, spans):
    got_text, got = _module("build_probe").parse_doc(raw)
    assert got_text == text
    assert [(s["start"], s["end"], s["label"]) for s in got] == spans
    assert [got_text[s["start"] : s["end"]] for s in got] == [text[a:b] for a, b, _ in spans]


@pytest.mark.parametrize("raw", ["[[WHATEVER:x]]", "[[PERSON: Ann]]", "[[PERSON:Ann"])
def test_bad_markup_is_rejected(raw):
    with pytest.raises(ValueError):
        _module("build_probe").parse_doc(raw)


def test_by_source_splits_metrics_per_domain():
    by_source = _module("by_source")
    docs = [
        {"id": "1", "text": "Call Ann Lee now", "source": "a", "gold": [(5, 12, "PERSON")], "orig": ["PERSON"]},
        {"id": "2", "text": "BP 120/80 ok", "source": "b", "gold": [], "orig": []},
        {"id": "3", "text": "case 4471 for Bo", "source": "a", "gold": [(5, 9, "ID")], "orig": ["CASE_NUMBER"]},
    ]
    preds = [[(5, 12, "PERSON")], [(3, 9, "PHONE_NUMBER")], [(14, 16, "PERSON")]]
    res = by_source.score_by_source(docs, preds)
    assert list(res) == ["a", "b", "ALL"]
    a, b, total = res["a"], res["b"], res["ALL"]
    assert a["docs"] == 2 and b["docs"] == 1 and total["docs"] == 3
    # a: gold alnum = AnnLee (6) + 4471 (4); covered 6; predicted 6 + Bo (2), 6 inside gold
    assert a["recall"] == pytest.approx(0.6) and a["precision"] == pytest.approx(0.75)
    assert a["per_label_recall"] == {"ID": 0.0, "PERSON": 1.0}
    assert a["per_orig_label_recall"] == {"CASE_NUMBER": 0.0, "PERSON": 1.0}
    # b: no gold, every predicted char (12080) is over-redaction, all of it PHONE_NUMBER
    assert b["recall"] is None and b["precision"] == 0.0
    assert b["over_redaction_by_label"] == {"PHONE_NUMBER": b["over_redaction"]}
    # ALL equals scoring every document together
    whole = score((d["text"], d["gold"], p) for d, p in zip(docs, preds, strict=True))
    assert {k: total[k] for k in whole} == whole


def test_errors_lists_false_positives_and_misses():
    by_source = _module("by_source")
    docs = [{"id": "1", "text": "HISTORY: Ann Lee", "source": "a", "gold": [(9, 16, "PERSON")], "orig": ["PERSON"]}]
    rows = list(by_source.errors(docs, [[(0, 7, "ORGANIZATION")]], "redact"))
    assert [(r["kind"], r["value"], r["alnum_chars"]) for r in rows] == [
        ("fp", "HISTORY", 7),
        ("miss", "Ann Lee", 6),
    ]


def test_table_lists_every_source_and_system():
    by_source = _module("by_source")
    docs = [{"id": "1", "text": "Ann Lee", "source": "email", "gold": [(0, 7, "PERSON")], "orig": ["PERSON"]}]
    res = {"redact": by_source.score_by_source(docs, [[(0, 7, "PERSON")]])}
    res["presidio"] = by_source.score_by_source(docs, [[]])
    lines = by_source.table(res).splitlines()
    assert "| email | redact | 1 | 1.0 | 1.0 | 1.0 |" in "\n".join(lines)
    assert "| email | presidio | 1 | 0.0 | None |" in "\n".join(lines)
    assert any(line.startswith("| ALL | presidio |") for line in lines)
