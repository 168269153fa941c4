"""The held-out probe set probe_v3 (bench/probe): gold spans match their text and are canonical, the JSONL is
built from its marked-up source, its domains are in no earlier probe, and the builder's validation (v2's,
with v3's domains) rejects broken gold."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from tests.bench.corpus_loader import BENCH
from transforms.detection.metrics import GOLD_LABELS

PROBE = BENCH / "probe"
DOMAINS = {
    "pharmacy_rx", "delivery_support", "property_listing", "university_admissions", "event_planning", "issue_thread",
}  # fmt: skip


def _builder():
    spec = importlib.util.spec_from_file_location("probe_build_probe_v3", PROBE / "build_probe_v3.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _rows(name: str = "probe_v3.jsonl") -> list[dict]:
    return [json.loads(line) for line in (PROBE / name).read_text(encoding="utf-8").splitlines()]


def test_every_span_matches_its_text_and_is_canonical():
    rows = _rows()
    assert {r["source"] for r in rows} == DOMAINS
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r) == {"id", "text", "spans", "source"}
        ends = -1
        for s in sorted(r["spans"], key=lambda s: s["start"]):
            assert 0 <= s["start"] < s["end"] <= len(r["text"]), (r["id"], s)
            value = r["text"][s["start"] : s["end"]]
            assert value and value == value.strip(), (r["id"], s)
            assert s["label"] in GOLD_LABELS and s["orig_label"]
            assert s["start"] >= ends, f"{r['id']}: overlapping gold spans"
            ends = s["end"]


def test_held_out_domains_and_ids_are_new():
    earlier = _rows("probe_v1.jsonl") + _rows("probe_v2.jsonl")
    assert not DOMAINS & {r["source"] for r in earlier}
    assert not {r["id"] for r in _rows()} & {r["id"] for r in earlier}


def test_jsonl_is_built_from_the_marked_up_source():
    build = _builder()
    assert build.render(build.build()) == (PROBE / "probe_v3.jsonl").read_text(encoding="utf-8")


def test_span_texts_reproduce_the_source_markup():
    build = _builder()
    raws = build.raw_docs()
    rows = _rows()
    assert set(raws) == {r["id"] for r in rows}
    assert all(build.remark(r) == raws[r["id"]] for r in rows)
    assert build.validate(rows, raws) == []


def _doc(spans, text="Ann Lee in Leeds", source="issue_thread"):
    return {"id": "x", "text": text, "spans": spans, "source": source}


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        (_doc([{"start": 0, "end": 7, "label": "NAME", "orig_label": "NAME"}]), "not canonical"),
        (_doc([{"start": 11, "end": 30, "label": "LOCATION", "orig_label": "LOCATION"}]), "outside the text"),
        (_doc([{"start": 3, "end": 8, "label": "PERSON", "orig_label": "PERSON"}]), "outer whitespace"),
        (
            _doc(
                [
                    {"start": 0, "end": 7, "label": "PERSON", "orig_label": "PERSON"},
                    {"start": 4, "end": 16, "label": "LOCATION", "orig_label": "LOCATION"},
                ]
            ),
            "overlapping",
        ),
        (_doc([], source="bank_chat"), "unknown source"),  # a probe_v2 domain is not a v3 domain
    ],
)
def test_validate_rejects_broken_gold(doc, problem):
    problems = _builder().validate([doc])
    assert len(problems) == 1 and problem in problems[0]


def test_validate_rejects_a_span_that_does_not_match_the_marked_value():
    build = _builder()
    doc = _doc([{"start": 0, "end": 3, "label": "PERSON", "orig_label": "PERSON"}])
    assert build.validate([doc], {"x": "[[PERSON:Ann]] Lee in Leeds"}) == []
    problems = build.validate([doc], {"x": "[[PERSON:Ann Lee]] in Leeds"})
    assert problems and "reproduce" in problems[0]
