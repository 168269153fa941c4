"""Purge rules (table) and the purge composites under TestPipeline."""

from __future__ import annotations

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms import reasons
from transforms.periods import parse_instant
from transforms.purge import ClassifyRows, FilterQuarantine, FilterVault
from transforms.purge_rules import HELD, KEEP, PURGE, PurgeCriteria, classify, rebuild_vault_row

S1, S2 = "<SUBJECT_1111111111111111>", "<SUBJECT_2222222222222222>"
CRIT = PurgeCriteria(parse_instant("2025-06-01"), {"tenant-a": frozenset({S1})})


def row(doc_id, expires="2030-01-01T00:00:00Z", hold=False, subject=None, scope="tenant-a", src="file://sha256-aa"):
    return {
        "doc_id": doc_id,
        "subject_ref": subject,
        "entity_counts": [("PERSON", 1)],
        "lineage": {"key_scope": scope, "source_uri": src, "source_sha256": "f" * 64},
        "retention": {"policy_id": "p", "policy_version": "1", "expires_at": expires, "legal_hold": hold},
    }


@pytest.mark.parametrize(
    ("r", "expected"),
    [
        (row("keep"), (KEEP, None)),
        (row("never", expires=None), (KEEP, None)),
        (row("exp", expires="2025-06-01T00:00:00Z"), (PURGE, reasons.PURGE_EXPIRED)),  # boundary: <=
        (row("notyet", expires="2025-06-01T00:00:01Z"), (KEEP, None)),
        (row("tz", expires="2025-05-31T23:30:00-01:00"), (KEEP, None)),  # = 00:30Z, after as-of
        (row("subj", subject=S1), (PURGE, reasons.PURGE_SUBJECT)),
        (row("subj-exp", subject=S1, expires="2020-01-01T00:00:00Z"), (PURGE, reasons.PURGE_SUBJECT)),
        (row("other-subj", subject=S2), (KEEP, None)),
        (row("other-scope", subject=S1, scope="tenant-b"), (KEEP, None)),  # tokens are per scope
        (row("held-exp", expires="2020-01-01T00:00:00Z", hold=True), (HELD, reasons.PURGE_EXPIRED)),
        (row("held-subj", subject=S1, hold=True), (HELD, reasons.PURGE_SUBJECT)),
        (row("held-keep", hold=True), (KEEP, None)),
    ],
)
def test_classify_table_legal_hold_wins(r, expected):
    assert classify(r, CRIT) == expected


def test_rebuild_vault_row():
    surfaces = [{"doc_id": "d1", "text": "<PERSON_1>"}, {"doc_id": "d2", "text": "<PERSON_2>"}]
    base = {
        "token": "<PERSON_aa>",
        "doc_ids": ["d1", "d2"],
        "subject_refs": [S1, S2],
        "dataset_version": "v1",
        "surfaces": surfaces,
    }
    assert rebuild_vault_row("<PERSON_aa>", {"row": [base], "live": []}, "v2") == []
    out = rebuild_vault_row("<PERSON_aa>", {"row": [base], "live": [("d2", S2)]}, "v2")
    expected = {**base, "doc_ids": ["d2"], "subject_refs": [S2], "dataset_version": "v2", "surfaces": surfaces[1:]}
    assert out == [expected]
    out = rebuild_vault_row("<PERSON_aa>", {"row": [base], "live": [("d2", "")]}, "v2")
    assert out[0]["subject_refs"] == []


def test_classify_rows_outputs():
    rows = [row("a"), row("b", subject=S1), row("c", expires="2020-01-01T00:00:00Z", hold=True)]
    with TestPipeline() as p:
        out = p | beam.Create(rows) | ClassifyRows(CRIT, "v1", "current")
        assert_that(out.kept | "KeptIds" >> beam.Map(lambda r: r["doc_id"]), equal_to(["a", "c"]), label="kept")
        assert_that(
            out.decisions | "D" >> beam.Map(lambda d: (d["doc_id"], d["verdict"], d["reason"], d["policy"])),
            equal_to([("b", PURGE, reasons.PURGE_SUBJECT, "p@1"), ("c", HELD, reasons.PURGE_EXPIRED, "p@1")]),
            label="decisions",
        )
        assert_that(out.sources | "S" >> beam.Map(lambda s: s[2]), equal_to([KEEP, PURGE, HELD]), label="sources")


def test_filter_vault_collects_garbage_and_narrows_refs():
    vault = [
        {"token": "<PERSON_only_purged>", "doc_ids": ["b"], "subject_refs": [S1], "dataset_version": "v1"},
        {"token": "<PERSON_shared>", "doc_ids": ["a", "b"], "subject_refs": [S1, S2], "dataset_version": "v1"},
        {"token": "<EMAIL_kept>", "doc_ids": ["a"], "subject_refs": [S2], "dataset_version": "v1"},
    ]
    kept = [{**row("a", subject=S2)}]
    with TestPipeline() as p:
        out = (p | "V" >> beam.Create(vault), p | "K" >> beam.Create(kept)) | FilterVault("v2")
        assert_that(
            out | beam.Map(lambda r: (r["token"], tuple(r["doc_ids"]), tuple(r["subject_refs"]), r["dataset_version"])),
            equal_to([("<PERSON_shared>", ("a",), (S2,), "v2"), ("<EMAIL_kept>", ("a",), (S2,), "v2")]),
        )


def test_filter_quarantine_drops_only_linked_rows():
    q = [{"doc_id": "b", "reason": "x"}, {"doc_id": "", "reason": "parse"}, {"doc_id": "z", "reason": "y"}]
    decisions = [
        {"doc_id": "b", "verdict": PURGE, "version": "v1", "reason": "r", "policy": "p@1"},
        {"doc_id": "z", "verdict": HELD, "version": "v1", "reason": "r", "policy": "p@1"},
    ]
    with TestPipeline() as p:
        out = (p | "Q" >> beam.Create(q), p | "D" >> beam.Create(decisions)) | FilterQuarantine(
            PurgeCriteria(parse_instant("2020-01-01"))
        )
        assert_that(out | beam.Map(lambda r: r["doc_id"]), equal_to(["", "z"]))


def test_filter_quarantine_drops_rows_of_named_subjects_and_expired_rows():
    q = [
        {"doc_id": "a", "key_scope": "s", "subject_ref": "<SUBJECT_1>", "expires_at": "2030-01-01T00:00:00Z"},
        {"doc_id": "b", "key_scope": "s", "subject_ref": "<SUBJECT_2>", "expires_at": "2030-01-01T00:00:00Z"},
        {"doc_id": "c", "key_scope": "s", "subject_ref": None, "expires_at": "2020-06-01T00:00:00Z"},
        {"doc_id": "d", "key_scope": "other", "subject_ref": "<SUBJECT_1>", "expires_at": None},
        {"doc_id": "e"},  # written before these columns existed: kept
    ]
    criteria = PurgeCriteria(parse_instant("2024-01-01"), {"s": frozenset({"<SUBJECT_1>"})})
    with TestPipeline() as p:
        out = (p | "Q" >> beam.Create(q), p | "D" >> beam.Create([])) | FilterQuarantine(criteria)
        assert_that(out | beam.Map(lambda r: r["doc_id"]), equal_to(["b", "d", "e"]))
