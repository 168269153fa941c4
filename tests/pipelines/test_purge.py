"""``pipelines.purge`` in process: subject erasure over every version, legal hold, vault garbage
collection, dry run, raw-source deletion, crypto-shredding, audit hygiene."""

from __future__ import annotations

import json
import re

import pytest

from pipelines.dataset import Layout
from pipelines.reveal import reveal
from tests.pipelines.purge_helpers import (
    OMEGA,
    ZETA,
    assert_no_planted,
    current,
    doc_token,
    future,
    purge_at,
    rows,
    run_published,
    subject_token,
    training_versions,
    tree_digest,
    vault_rows,
    write_config,
    write_corpus,
)
from transforms.errors import ShreddedScopeError
from transforms.keys.tokens import TOKEN_RE

pytestmark = pytest.mark.slow


def _subject_rows(out, version, token) -> list[str]:
    return [d for d, r in rows(out, version).items() if json.loads(r)["subject_ref"] == token]


def _check_vault_invariants(out) -> None:
    """Every vault row points at live documents of its own version, every token in live text is in the
    vault (nothing over-collected), and no vault directory outlives its version."""
    live = set(training_versions(out))
    for version, vrows in vault_rows(out).items():
        assert version in live, f"vault of deleted version {version} left behind"
        docs = {row["doc_id"]: row for row in map(json.loads, rows(out, version).values())}
        tokens = {r["token"] for r in vrows}
        for r in vrows:
            assert r["dataset_version"] == version and r["doc_ids"]
            assert set(r["doc_ids"]) <= set(docs), "vault row references a removed document"
            assert set(r["subject_refs"]) <= {docs[d]["subject_ref"] for d in r["doc_ids"]}
        used = {m.group(0) for d in docs.values() for m in TOKEN_RE.finditer(d["text"])}
        assert used <= tokens, "a token still used by a live record lost its vault entry"


@pytest.fixture
def three_versions(tmp_path, kek_uri):
    """C (no ZETA), A (ZETA x2), B (ZETA x1, published)."""
    cfg = write_config(tmp_path, kek_uri)
    out = tmp_path / "out"
    v_c = run_published(out, write_corpus(tmp_path / "c", "c"), cfg)["version"]
    v_a = run_published(out, write_corpus(tmp_path / "a", "main"), cfg)["version"]
    v_b = run_published(out, write_corpus(tmp_path / "b", "b"), cfg)["version"]
    return out, cfg, kek_uri, (v_c, v_a, v_b)


def test_subject_erasure_removes_every_record_from_every_version_and_nothing_else(three_versions):
    out, cfg, kek_uri, (v_c, v_a, v_b) = three_versions
    zeta, omega = subject_token(out, kek_uri, ZETA), subject_token(out, kek_uri, OMEGA)
    assert _subject_rows(out, v_a, zeta) == ["a-1", "a-2"] and _subject_rows(out, v_b, zeta) == ["b-1"]
    rows_b, files_c = rows(out, v_b), tree_digest(out / "training" / v_c)
    vault_c = tree_digest(out / "vault" / "default" / v_c)
    zeta_only = {r["token"] for vr in vault_rows(out).values() for r in vr if r["subject_refs"] == [zeta]}
    assert zeta_only

    report = purge_at(out, cfg, subjects=[ZETA])

    v_new = current(out)
    assert report["new_version"] == v_new and report["removed"] == {"purge.subject_erasure": 1}
    assert sorted(report["versions_deleted"]) == sorted([v_a, v_b])
    assert training_versions(out) == sorted([v_c, v_new])
    for version in training_versions(out):  # every version on disk
        assert _subject_rows(out, version, zeta) == []
    # nothing else: the other rows of the published version are identical, the untouched version too
    after = rows(out, v_new)
    assert set(after) == {"b-2", "b-3"} and all(after[k] == rows_b[k] for k in after)
    assert tree_digest(out / "training" / v_c) == files_c and tree_digest(out / "vault" / "default" / v_c) == vault_c
    assert _subject_rows(out, v_new, omega) == ["b-3"]
    # vault garbage collection
    _check_vault_invariants(out)
    remaining = {r["token"] for vr in vault_rows(out).values() for r in vr}
    assert not (zeta_only & remaining)
    layout = Layout.build(str(out))
    revealed = reveal(layout, "default", kek_uri, sorted(zeta_only)[:3], "test: erased subject")
    assert all(v is None for v in revealed.values())
    assert not (out / "quarantine" / v_a).exists() and not (out / "vault" / "default" / v_a).exists()
    assert list((out / ".purge").glob("*.json")) == []
    # audit: counts, hashes, policy version, operator; never the planted values
    event = json.loads(next((out / "audit" / "purge").glob("*.json")).read_text())
    assert event["operator"] and event["policy_versions"] == ["test-policy@7"]
    assert len(event["records"]) == 3 and all(
        re.fullmatch(r"[0-9a-f]{32}", r["doc_id_sha256"]) for r in event["records"]
    )
    assert zeta not in json.dumps(event)
    for p in (out / "audit").rglob("*.json"):
        assert_no_planted(p.read_text(), str(p))
    assert_no_planted((out / "training" / v_new / "README.md").read_text(), "card")


def test_legal_hold_wins_over_erasure(tmp_path, kek_uri):
    cfg = write_config(tmp_path, kek_uri)
    out = tmp_path / "out"
    v_old = run_published(out, write_corpus(tmp_path / "h", "hold", "c"), cfg)["version"]
    v_cur = run_published(out, write_corpus(tmp_path / "m", "main", "hold"), cfg)["version"]
    old_files = tree_digest(out / "training" / v_old)

    report = purge_at(out, cfg, as_of=future(60), subjects=[ZETA])

    new = rows(out, current(out))
    assert set(new) == {"a-3", "a-4", "h-1"}  # a-1/a-2 erased, a-6 expired, h-1 held
    assert report["removed"] == {"purge.expired": 1, "purge.subject_erasure": 2}
    assert report["held"] == {"purge.subject_erasure": 1}
    # the older version only holds a held record of the subject (and unrelated rows): a hold keeps it
    assert report["versions"][v_old] == {"held": {"purge.subject_erasure": 1}, "purge": {}}
    assert v_old in training_versions(out) and tree_digest(out / "training" / v_old) == old_files
    assert v_cur not in training_versions(out)
    _check_vault_invariants(out)


def test_dry_run_changes_nothing_and_reports(three_versions):
    out, cfg, _, (_, v_a, v_b) = three_versions
    before, now = tree_digest(out), _now()  # one as-of for both: it names the new version
    report = purge_at(out, cfg, as_of=now, subjects=[ZETA], dry_run=True)
    assert tree_digest(out) == before
    assert report["dry_run"] and report["published"] and report["removed"] == {"purge.subject_erasure": 1}
    assert sorted(report["versions_deleted"]) == sorted([v_a, v_b])
    real = purge_at(out, cfg, as_of=now, subjects=[ZETA])
    assert _planned(real) == _planned(report)  # the dry run computed exactly what the purge did


def _now() -> str:
    from datetime import UTC, datetime

    from transforms.periods import format_instant

    return format_instant(datetime.now(UTC))


def _planned(report: dict) -> dict:
    """Everything a purge report says about what is removed, kept, deleted and published."""
    skip = (
        *("dry_run", "as_of", "audit", "pending_recovery"),
        *("sources_deleted", "sources_to_delete", "sources_not_read", "sources_not_deleted"),
    )
    return {k: v for k, v in report.items() if k not in skip}


def test_a_purge_that_removes_every_row_leaves_no_published_version(tmp_path, kek_uri):
    from pipelines import dataset as D

    cfg = write_config(tmp_path, kek_uri)
    out = tmp_path / "out"
    v1 = run_published(out, write_corpus(tmp_path / "c", "c"), cfg)["version"]
    dry = purge_at(out, cfg, as_of="2200-01-01", dry_run=True)  # retention P10Y: every row has expired
    report = purge_at(out, cfg, as_of="2200-01-01")
    assert _planned(report) == _planned(dry)
    assert report["removed"] == {"purge.expired": 2} and report["kept_rows"] == 0
    assert not report["published"] and report["no_published_version"] and report["published_version"] is None
    assert not (out / "training" / "CURRENT").exists()  # never a version whose gate failed
    status = {i.name: i.status for i in D.discover(D.Layout.build(str(out)))}
    assert status == {report["new_version"]: "failed"} and v1 not in status  # the expired rows are gone
    again = purge_at(out, cfg, as_of="2200-01-01")  # no published version is a valid state for purge too
    assert again["no_published_version"] and again["new_version"] is None and again["versions_deleted"] == []


def test_delete_sources_only_when_no_live_record_remains(tmp_path, kek_uri):
    src = tmp_path / "src"
    corpus = write_corpus(src, "main", "b")
    cfg = write_config(tmp_path, kek_uri, source_roots=[str(src)])
    out = tmp_path / "out"
    run_published(out, corpus, cfg)
    report = purge_at(out, cfg, subjects=[ZETA], delete_sources=True)
    assert report["sources_deleted"] == []  # both files still hold other people's live records
    assert sorted(p.name for p in corpus.iterdir()) == ["b.jsonl", "main.jsonl"]
    dry = purge_at(out, cfg, as_of=future(60), delete_sources=True, dry_run=True)
    assert len(dry["sources_to_delete"]) == 0  # main.jsonl keeps a-1/a-3/a-4 (P10Y)
    report = purge_at(out, cfg, as_of=future(365 * 11), delete_sources=True)
    assert len(report["sources_deleted"]) == 2 and all(
        u.startswith("file://sha256-") for u in report["sources_deleted"]
    )
    assert list(corpus.iterdir()) == []
    # every row expired: retention wins, and the empty version is not published (its gate fails)
    assert report["no_published_version"] and rows(out, report["new_version"]) == {}
    assert not (out / "training" / "CURRENT").exists()


def test_source_changed_since_ingestion_is_not_deleted(tmp_path, kek_uri):
    src = tmp_path / "src"
    corpus = write_corpus(src, "c")
    cfg = write_config(tmp_path, kek_uri, source_roots=[str(src)])
    out = tmp_path / "out"
    run_published(out, corpus, cfg)
    (corpus / "c.jsonl").write_text((corpus / "c.jsonl").read_text() + "\n")
    report = purge_at(out, cfg, as_of=future(365 * 11), delete_sources=True)
    assert report["removed"] and report["sources_deleted"] == [] and (corpus / "c.jsonl").exists()
    assert len(report["sources_not_deleted"]) == 1  # reported: the erasure of that source is incomplete


def test_shred_scope_after_purge(tmp_path, kek_uri):
    cfg = write_config(tmp_path, kek_uri)
    out = tmp_path / "out"
    run_published(out, write_corpus(tmp_path / "c", "c"), cfg)
    token = vault_rows(out)[current(out)][0]["token"]
    report = purge_at(out, cfg, subjects=[OMEGA], shred_scope="default")
    assert report["scope_shredded"] == "default"
    with pytest.raises(ShreddedScopeError):
        reveal(Layout.build(str(out)), "default", kek_uri, [token], "test")


def test_subject_erasure_finds_tokens_made_before_a_data_key_rotation(tmp_path, kek_uri):
    """Versions written before `redact keys rotate --data-key` carry the old key's SUBJECT tokens."""
    from transforms.keys import KeysetStore
    from transforms.keys.lifecycle import rotate_data_key

    cfg = write_config(tmp_path, kek_uri)
    out = tmp_path / "out"
    v_old = run_published(out, write_corpus(tmp_path / "b", "b"), cfg)["version"]
    old_token = subject_token(out, kek_uri, ZETA)
    rotate_data_key(KeysetStore(str(out / "keys")), "default", kek_uri)
    v_new = run_published(out, write_corpus(tmp_path / "c", "c"), cfg)["version"]
    assert subject_token(out, kek_uri, ZETA) != old_token and _subject_rows(out, v_old, old_token) == ["b-1"]

    report = purge_at(out, cfg, subjects=[ZETA])

    # the published version never held ZETA; the older one did (old key's token) and must be gone
    assert report["versions_deleted"] == [v_old]
    for version in training_versions(out):
        assert _subject_rows(out, version, old_token) == []
    assert current(out) == v_new and training_versions(out) == [v_new]


@pytest.fixture
def quarantine_marker(monkeypatch) -> str:
    """Texts containing the returned marker fail detection (and so are quarantined with their subject)."""
    from transforms import reasons
    from transforms.detection import detector
    from transforms.errors import RecordError

    original = detector.Detector._analyze

    def failing(self, chunk, *args):
        if "qq7fail" in chunk:
            raise RecordError(reasons.DETECT_ERROR)
        return original(self, chunk, *args)

    monkeypatch.setattr(detector.Detector, "_analyze", failing)
    return "qq7fail"


def test_quarantined_records_of_an_erased_subject_and_expired_quarantine_are_purged(
    tmp_path, kek_uri, quarantine_marker
):
    """Quarantine holds sealed raw records: erasure and the quarantine expiry reach it too."""
    from tests.conftest import write_jsonl
    from transforms import reasons

    cfg = write_config(tmp_path, kek_uri)
    out = tmp_path / "out"
    corpus = write_jsonl(
        tmp_path / "q" / "docs.jsonl",
        [
            {"id": "q-1", "subject_id": ZETA, "text": "qq7fail Marisol Quintanilla-Brandt called."},
            {"id": "q-2", "subject_id": OMEGA, "text": "qq7fail Theodor Winterbottom called."},
            {"id": "k-1", "text": "Warehouse inventory count finished on schedule."},
            {"id": "k-2", "text": "Release notes: the export button moved to the toolbar."},
            {"id": "k-3", "text": "General FAQ: reset your password in Settings."},
        ],
    )
    cfg.write_text(json.dumps({**json.loads(cfg.read_text()), "max_quarantine_fraction": 0.5}))
    v1 = run_published(out, corpus, cfg)["version"]
    qrows = lambda v: pq_rows(out / "quarantine" / v)  # noqa: E731
    q1, q2 = doc_token(out, kek_uri, "q-1"), doc_token(out, kek_uri, "q-2")  # ids only as keyed tokens
    assert sorted(r["doc_id"] for r in qrows(v1)) == sorted([q1, q2])
    assert all(r["subject_ref"].startswith("<SUBJECT_") and r["expires_at"] for r in qrows(v1))

    now = _now()
    dry = purge_at(out, cfg, as_of=now, subjects=[ZETA], dry_run=True)
    report = purge_at(out, cfg, as_of=now, subjects=[ZETA])
    v2 = current(out)
    assert _planned(dry) == _planned(report)  # quarantine removals included
    assert report["quarantine_removed"] == {reasons.PURGE_QUARANTINE_SUBJECT: 1} and v2 != v1
    assert [r["doc_id"] for r in qrows(v2)] == [q2] and training_versions(out) == [v2]
    assert set(rows(out, v2)) == {"k-1", "k-2", "k-3"}  # the dataset rows are untouched

    report = purge_at(out, cfg, as_of=future(days=60))  # quarantine expiry is 30 days; records keep 365
    assert report["quarantine_removed"] == {reasons.PURGE_QUARANTINE_EXPIRED: 1}
    assert qrows(current(out)) == [] and set(rows(out, current(out))) == {"k-1", "k-2", "k-3"}


def pq_rows(directory) -> list[dict]:
    import pyarrow.parquet as pq

    return [r for f in sorted(directory.glob("*.parquet")) for r in pq.read_table(f).to_pylist()]


def test_older_version_whose_quarantine_holds_an_erased_subject_is_deleted(tmp_path, kek_uri, quarantine_marker):
    from tests.conftest import write_jsonl

    cfg = write_config(tmp_path, kek_uri)
    cfg.write_text(json.dumps({**json.loads(cfg.read_text()), "max_quarantine_fraction": 0.5}))
    out = tmp_path / "out"
    old = write_jsonl(
        tmp_path / "old" / "docs.jsonl",
        [
            {"id": "q-1", "subject_id": ZETA, "text": "qq7fail Marisol Quintanilla-Brandt called."},
            {"id": "k-1", "text": "Warehouse inventory count finished on schedule."},
            {"id": "k-2", "text": "Release notes: the export button moved to the toolbar."},
        ],
    )
    v_old = run_published(out, old, cfg)["version"]
    v_new = run_published(out, write_corpus(tmp_path / "c", "c"), cfg)["version"]

    report = purge_at(out, cfg, subjects=[ZETA])

    assert report["quarantine_due_in_older_versions"] == {v_old: 1}
    assert report["versions_deleted"] == [v_old] and training_versions(out) == [v_new]
    assert not (out / "quarantine" / v_old).exists()


def test_unread_source_due_for_erasure_makes_the_purge_incomplete(tmp_path, kek_uri, capsys):
    """A source the erasure needs that cannot be read (the bound was lowered since the run) is reported
    and fails the purge (exit 1, one line); a path that is no candidate is neither read nor counted."""
    from pipelines.cli import main

    src = tmp_path / "src"
    corpus = write_corpus(src, "c")
    filler = [
        {"id": f"f-{i}", "text": f"Warehouse inventory count number {i} finished on schedule."} for i in range(30)
    ]
    (corpus / "big.jsonl").write_text("".join(json.dumps(r) + "\n" for r in filler))
    cfg = write_config(tmp_path, kek_uri, source_roots=[str(src)])
    out = tmp_path / "out"
    run_published(out, corpus, cfg)
    unrelated = src / "other" / "unrelated.jsonl"  # never ingested, too large: no candidate, not counted
    unrelated.parent.mkdir()
    unrelated.write_bytes(b"z" * 4096)
    lowered = json.loads(cfg.read_text())
    lowered["input"]["max_file_bytes"] = 1024
    cfg.write_text(json.dumps(lowered))
    assert (corpus / "big.jsonl").stat().st_size > 1024 > (corpus / "c.jsonl").stat().st_size
    capsys.readouterr()
    code = main(["purge", "--output", str(out), "--as-of", future(365 * 11), "--delete-sources", "--config", str(cfg)])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert code == 1, captured.err
    errors = [line for line in captured.err.splitlines() if line.startswith("redact: error:")]
    assert len(errors) == 1 and "purge incomplete" in errors[0] and "1 source" in errors[0], captured.err
    assert report["sources_not_read"] == {"read.too_large": 1}
    assert len(report["sources_deleted"]) == 1 and len(report["sources_not_deleted"]) == 1
    assert not (corpus / "c.jsonl").exists() and (corpus / "big.jsonl").exists() and unrelated.exists()
    assert "marisol" not in captured.out + captured.err
