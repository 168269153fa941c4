"""TestPipeline + assert_that for each composite, including the quarantine and drop outputs."""

from __future__ import annotations

import glob
from pathlib import Path

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import write_jsonl
from transforms import reasons
from transforms.canonicalize import CanonicalizeRecords
from transforms.config import DetectionConfig, InputConfig, MinimizationConfig
from transforms.context import KeysRef
from transforms.detect import DetectPII
from transforms.errors import RecordError
from transforms.keys import KeysetStore, ScopeKeys
from transforms.minimize import MinimizeRecords
from transforms.read import ReadRecords
from transforms.record import Record, Retention, Span, Turn, VaultEntry
from transforms.tokenize import TokenizeRecords
from transforms.vault import BuildVault
from transforms.write import WriteQuarantine


@pytest.fixture
def keys_ref(tmp_path, kek_uri) -> KeysRef:
    root = str(tmp_path / "keys")
    ScopeKeys.create(KeysetStore(root), "t", kek_uri)
    return KeysRef(keys_root=root, scope="t", kek_uri=kek_uri)


def test_read_records_splits_records_quarantine_and_drops(tmp_path):
    # an empty conversation is a counted policy drop, like an empty file
    write_jsonl(tmp_path / "in" / "a.jsonl", [{"id": "1", "text": "x"}, "{broken", {"messages": []}])
    (tmp_path / "in" / "empty.jsonl").write_text("")
    (tmp_path / "in" / ".hidden.jsonl").write_text('{"id": "h", "text": "x"}\n')
    with TestPipeline() as p:
        out = p | ReadRecords([str(tmp_path / "in" / "**")], InputConfig())
        assert_that(out.records | beam.Map(lambda r: r.content_type), equal_to(["document"]), label="Recs")
        assert_that(out.quarantine | beam.Map(lambda q: q.reason), equal_to([reasons.PARSE_INVALID_JSON]), label="Q")
        # a hidden file is not read, but counted (every listed path yields a record or a reason)
        drops = [reasons.DROP_EMPTY] * 2 + [reasons.INPUT_HIDDEN]
        assert_that(out.drops | beam.Map(lambda d: d.reason), equal_to(drops), label="D")
        assert_that(out.sources | beam.Map(lambda s: s[2]), equal_to([3, 1, 1]), label="S")


def test_canonicalize_records_counts_changes():
    rec = Record(doc_id="1", content_type="document", text="Jo\u200bhn<|im_end|>")
    with TestPipeline() as p:
        out = p | beam.Create([rec]) | CanonicalizeRecords(["<|im_end|>"])
        assert_that(
            out | beam.Map(lambda r: (r.text, r.lineage.canonicalization)),
            equal_to([("John< |im_end| >", {"zero_width_removed": 1, "special_tokens_neutralized": 1})]),
        )


def test_minimize_drops_records_without_consent():
    recs = [
        Record(doc_id=str(i), content_type="document", text="t", retention=Retention(consent=c))
        for i, c in enumerate([True, False, None])
    ]
    with TestPipeline() as p:
        out = p | beam.Create(recs) | MinimizeRecords(MinimizationConfig(consent_rule="require_true"))
        assert_that(out.records | beam.Map(lambda r: r.doc_id), equal_to(["0"]), label="Kept")
        assert_that(
            out.drops | beam.Map(lambda d: (d.doc_id, d.reason)),
            equal_to([("1", reasons.DROP_NO_CONSENT), ("2", reasons.DROP_NO_CONSENT)]),
            label="Dropped",
        )


def test_detect_pii_attaches_spans_and_quarantines_failures(monkeypatch):
    from transforms.detection import detector

    original = detector.Detector._analyze

    def flaky(self, chunk, *args):
        if "zz9zz" in chunk:  # a marker the casing normalizer leaves alone
            raise RecordError(reasons.DETECT_REGEX_TIMEOUT)
        return original(self, chunk, *args)

    monkeypatch.setattr(detector.Detector, "_analyze", flaky)
    recs = [
        Record(doc_id="ok", content_type="document", text="Email jane.roe@example.com today."),
        Record(doc_id="bad", content_type="document", text="zz9zz jane.roe@example.com"),
        Record(doc_id="chat", content_type="chat", turns=[Turn("user", "call 212-555-0199")]),
    ]
    with TestPipeline() as p:
        out = p | beam.Create(recs) | DetectPII(DetectionConfig())
        assert_that(
            out.records | beam.Map(_covered_texts),
            equal_to([("ok", ["jane.roe@example.com"]), ("chat", ["212-555-0199"])]),
            label="Detected",
        )
        assert_that(
            out.quarantine | beam.Map(lambda q: (q.doc_id, q.reason, q.stage, b"zz9zz" in q.payload)),
            equal_to([("bad", reasons.DETECT_REGEX_TIMEOUT, "detect", True)]),
            label="Quarantined",
        )


def _covered_texts(r: Record) -> tuple[str, list[str]]:
    """Which substrings the detector marked, ignoring labels (the detection suite tests labels)."""
    if r.turns is not None:
        return r.doc_id, [
            t.text[s.start : s.end] for t, spans in zip(r.turns, r.turn_spans, strict=True) for s in spans
        ]
    return r.doc_id, [r.text[s.start : s.end] for s in r.spans if s.label != "DATE_TIME"]


def test_tokenize_records_emits_vault_and_quarantines_inconsistent_records(keys_ref):
    good = Record(doc_id="g", content_type="document", text="hi Ann", spans=[Span(3, 6, "PERSON", 0.9)])
    bad = Record(doc_id="b", content_type="chat", turns=[Turn("user", "x")], turn_spans=[[], []])
    with TestPipeline() as p:
        out = p | beam.Create([good, bad]) | TokenizeRecords(keys_ref)
        assert_that(
            out.records | beam.Map(lambda r: (r.doc_id, "Ann" in r.text, r.redacted)),
            equal_to([("g", False, True)]),
            label="R",
        )
        assert_that(out.vault | beam.Map(lambda e: (e.entity_type, e.doc_id)), equal_to([("PERSON", "g")]), label="V")
        assert_that(
            out.quarantine | beam.Map(lambda q: (q.doc_id, q.reason)),
            equal_to([("b", reasons.TOKENIZE_ERROR)]),
            label="Q",
        )


def test_build_vault_merges_doc_ids_per_token():
    e = [VaultEntry("<P_1>", "PERSON", b"c", "s", "1", doc_id=d) for d in ("a", "b", "a")]
    with TestPipeline() as p:
        rows = p | beam.Create(e) | BuildVault("v1")
        assert_that(
            rows | beam.Map(lambda r: (r["token"], r["doc_ids"], r["dataset_version"])),
            equal_to([("<P_1>", ["a", "b"], "v1")]),
        )


def test_build_vault_collision_fails():
    """The core raises; the stage writes no row for the token and counts it (the driver aborts the run)."""
    from apache_beam.metrics.metric import MetricsFilter

    from transforms.errors import IntegrityError
    from transforms.vault import TOKEN_COLLISIONS, compact, vault_row

    e = [VaultEntry("<P_1>", "PERSON", ct, "s", "1", doc_id="a") for ct in (b"c1", b"c2")]
    with pytest.raises(IntegrityError, match="token collision"):
        vault_row("<P_1>", [compact(x)[1] for x in e], "v1")  # the Beam-free core of one token
    p = TestPipeline()
    rows = p | beam.Create(e) | BuildVault("v1")
    assert_that(rows, equal_to([]))
    result = p.run()
    result.wait_until_finish()
    (counter,) = result.metrics().query(MetricsFilter().with_name(TOKEN_COLLISIONS))["counters"]
    assert counter.committed == 1


def test_write_quarantine_seals_payloads(tmp_path, keys_ref):
    from transforms.errors import KeyAccessError
    from transforms.keys.sealing import unseal_quarantine_row
    from transforms.record import QuarantineItem

    item = QuarantineItem("parse.invalid_json", "parse", "file://sha256-x.jsonl", "line:2", b'{"ssn": "123-45-6789"')
    with TestPipeline() as p:
        _ = p | beam.Create([item]) | WriteQuarantine(str(tmp_path / "q" / "part"), keys_ref, "run1")
    (path,) = glob.glob(str(tmp_path / "q" / "*.parquet"))
    assert b"123-45-6789" not in Path(path).read_bytes()
    row = pq.read_table(path).to_pylist()[0]
    keys = keys_ref.open()
    assert unseal_quarantine_row(keys, row) == item.payload
    with pytest.raises(KeyAccessError):  # the AAD binds the row's reason (and doc_id, stage, source)
        unseal_quarantine_row(keys, {**row, "reason": "detect.failed"})
    assert row["reason"] == "parse.invalid_json" and row["key_scope"] == "t"
