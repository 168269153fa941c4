"""The later probe sets probe_v2 to probe_v5 (bench/probe), each checked the same way: gold spans match
their text and are canonical, the JSONL is built from its marked-up source, its domains and ids are in no
earlier probe, and its builder's validation rejects broken gold."""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass

import pytest

from tests.bench.corpus_loader import BENCH
from transforms.detection.metrics import GOLD_LABELS

PROBE = BENCH / "probe"


@dataclass(frozen=True)
class ProbeSet:
    version: int
    domains: frozenset[str]
    foreign_domain: str  # a domain of an earlier probe, which this set's validation must refuse

    @property
    def name(self) -> str:
        return f"probe_v{self.version}"

    def rows(self) -> list[dict]:
        return _rows(f"{self.name}.jsonl")

    def builder(self):
        spec = importlib.util.spec_from_file_location(f"probe_build_{self.name}", PROBE / f"build_{self.name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        return module

    def doc(self, spans, text="Ann Lee in Leeds", source=None) -> dict:
        return {"id": "x", "text": text, "spans": spans, "source": source or sorted(self.domains)[0]}


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (PROBE / name).read_text(encoding="utf-8").splitlines()]


V2 = ProbeSet(
    2,
    frozenset({"insurance_claim", "hr_helpdesk", "lease_contract", "bank_chat", "police_report", "meeting_minutes"}),
    "clinical_note",
)
V3 = ProbeSet(
    3,
    frozenset(
        {"pharmacy_rx", "delivery_support", "property_listing", "university_admissions", "event_planning",
         "issue_thread"}
    ),
    "bank_chat",
)  # fmt: skip
V4 = ProbeSet(
    4,
    frozenset(
        {"airline_travel", "vet_clinic", "telecom_support", "school_parent", "gym_membership", "council_services"}
    ),
    "pharmacy_rx",
)
V5 = ProbeSet(
    5,
    frozenset(
        {"employment_tribunal", "dental_practice", "recruitment_agency", "charity_donor", "immigration_advice",
         "taxi_dispatch"}
    ),
    "airline_travel",
)  # fmt: skip
SETS = pytest.mark.parametrize("probe", [V2, V3, V4, V5], ids=lambda p: p.name)


@SETS
def test_every_span_matches_its_text_and_is_canonical(probe):
    rows = probe.rows()
    assert {r["source"] for r in rows} == probe.domains
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


@SETS
def test_held_out_domains_and_ids_are_new(probe):
    earlier = [row for v in range(1, probe.version) for row in _rows(f"probe_v{v}.jsonl")]
    assert not probe.domains & {r["source"] for r in earlier}
    assert not {r["id"] for r in probe.rows()} & {r["id"] for r in earlier}


@SETS
def test_jsonl_is_built_from_the_marked_up_source(probe):
    build = probe.builder()
    assert build.render(build.build()) == (PROBE / f"{probe.name}.jsonl").read_text(encoding="utf-8")


@SETS
def test_span_texts_reproduce_the_source_markup(probe):
    build = probe.builder()
    raws = build.raw_docs()
    rows = probe.rows()
    assert set(raws) == {r["id"] for r in rows}
    assert all(build.remark(r) == raws[r["id"]] for r in rows)
    assert build.validate(rows, raws) == []


BROKEN = [
    ([{"start": 0, "end": 7, "label": "NAME", "orig_label": "NAME"}], None, "not canonical"),
    ([{"start": 11, "end": 30, "label": "LOCATION", "orig_label": "LOCATION"}], None, "outside the text"),
    ([{"start": 3, "end": 8, "label": "PERSON", "orig_label": "PERSON"}], None, "outer whitespace"),
    (
        [
            {"start": 0, "end": 7, "label": "PERSON", "orig_label": "PERSON"},
            {"start": 4, "end": 16, "label": "LOCATION", "orig_label": "LOCATION"},
        ],
        None,
        "overlapping",
    ),
    ([], "foreign", "unknown source"),  # a domain of an earlier probe is not one of this set's
]


@SETS
@pytest.mark.parametrize(("spans", "source", "problem"), BROKEN)
def test_validate_rejects_broken_gold(probe, spans, source, problem):
    doc = probe.doc(spans, source=probe.foreign_domain if source == "foreign" else None)
    problems = probe.builder().validate([doc])
    assert len(problems) == 1 and problem in problems[0]


@SETS
def test_validate_rejects_a_span_that_does_not_match_the_marked_value(probe):
    build = probe.builder()
    doc = probe.doc([{"start": 0, "end": 3, "label": "PERSON", "orig_label": "PERSON"}])
    assert build.remark(doc) == "[[PERSON:Ann]] Lee in Leeds"
    assert build.validate([doc], {"x": "[[PERSON:Ann]] Lee in Leeds"}) == []
    problems = build.validate([doc], {"x": "[[PERSON:Ann Lee]] in Leeds"})
    assert problems and "reproduce" in problems[0]
