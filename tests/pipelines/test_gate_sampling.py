"""The gate's sampled NER scan: reported (summary, HTML report), reproducible, and conservative."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import spacy

from pipelines.gate import gate_version
from tests.pipelines import gate_data as D
from tests.processes import descendants, group_members
from tests.transforms.gates import scan_stand_ins
from transforms.config import load_config
from transforms.errors import GateFailure
from transforms.gates import ner_check as ner_check_mod
from transforms.gates.ner_check import NerJob
from transforms.gates.ner_scan import WINDOW_CHARS, NerScanner, _masked, mask_for_ner, ner_pipes, scan_length, window

M = "redact.gate_metrics"
NER_TEXT = "Yesterday John Smith flew from Berlin to Paris with Maria Lopez."


def _gate(tmp_path, mutate=None, **gates) -> tuple[dict, dict]:
    crafted = D.Crafted(tmp_path / "out")
    if mutate:
        mutate(crafted)
    crafted.write()
    cfg = load_config(None, **{f"gates.{k}": v for k, v in gates.items()})
    result = gate_version(crafted.layout, crafted.version, crafted.manifest(), cfg)
    return result, json.loads(Path(result["summary"]).read_text())


def _two_of_ten(c):
    for r in c.rows[:2]:
        r["text"] = NER_TEXT


def _rows(n: int):
    def mutate(c):
        c.rows = [D.training_row(i) for i in range(n)]

    return mutate


def _named(n: int, every: int, text: str = NER_TEXT):
    """``n`` records, every ``every``-th one ``text`` (the others: tokens only, no entity)."""

    def mutate(c):
        c.rows = [D.training_row(i, text if i % every == 0 else None) for i in range(n)]

    return mutate


def test_small_dataset_is_scanned_whole(tmp_path):
    result, summary = _gate(tmp_path)
    assert result["success"]
    ner = summary["ner_scan"]
    assert (ner["records_total"], ner["records_scanned"], ner["sampled"]) == (10, 10, False)
    assert ner["line"].startswith("NER scan: all 10 records scanned")


def test_small_dataset_verdict_is_exact(tmp_path):
    """No larger than the sample: every record is read, the shares are exact (2 of 10 = 0.2, no bound)."""
    full, summary = _gate(tmp_path, _two_of_ten, max_ner_char_fraction=1.0)
    assert full["success"], full["failed"]
    assert summary["metrics"]["ner_record_fraction"] == 0.2 == summary["ner_scan"]["record_fraction_upper"]
    strict, _ = _gate(tmp_path / "strict", _two_of_ten, max_ner_char_fraction=1.0, max_ner_record_fraction=0.19)
    assert strict["failed"] == [f"{M}: expect_column_values_to_be_between(ner_record_fraction)"]


def test_sampled_scan_is_reported_and_reproducible(tmp_path):
    result, summary = _gate(tmp_path, _rows(250), ner_sample_records=200)
    assert result["success"], result["failed"]
    ner = summary["ner_scan"]
    # clean records: the first quarter of the 200-record sample proves the record share below 25%
    assert (ner["records_total"], ner["records_scanned"], ner["sampled"]) == (250, 50, True)
    assert (ner["record_sample_stage"], ner["record_bound_confidence"]) == (1, 0.975)
    # 50 clean positions cannot prove the character share below 3% at 97.5% (bound 7.1%): all 200 are read
    assert (ner["char_sample_stage"], ner["char_positions_sampled"]) == (2, 200) and ner["chars_total"] > 0
    assert ner["records_read"] == 50 and 0 < ner["char_windows_read"] <= 200
    assert ner["line"].startswith("NER scan: 50 of 250 records sampled (stage 1 of 2), record share 0.")
    assert (
        f"200 of {ner['chars_total']} characters sampled (stage 2 of 2), character share 0.0000 (upper" in ner["line"]
    )
    assert ner["sample_seed"] and ner["sample_method"]
    assert summary["metrics"]["ner_records_scanned"] == 50
    assert ner["line"] in Path(result["report"]).read_text()
    _, again = _gate(tmp_path / "again", _rows(250), ner_sample_records=200)
    assert again["ner_scan"] == ner  # same version and files: same sample


def test_no_entity_in_the_sample_still_bounds_above_zero(tmp_path):
    """No sampled position inside an entity is no proof of a zero share: the character bound stays
    positive (and below the default threshold, so the gate passes); the record bound is above its estimate."""
    result, summary = _gate(tmp_path, _rows(250), ner_sample_records=200)
    assert result["success"], result["failed"]
    m = summary["metrics"]
    assert m["ner_char_fraction_sample"] == 0.0 < m["ner_char_fraction"] < 0.03
    assert m["ner_record_fraction_sample"] < m["ner_record_fraction"] < 0.25


def test_sampled_gate_is_conservative(tmp_path):
    """A quarter of 250 records with entities: a full scan passes a threshold just above the exact share;
    a 200-record sample cannot prove it (its upper bound is above the share), so the sampled gate fails."""
    named = _named(250, 4)
    _, summary = _gate(tmp_path / "measure", named, max_ner_char_fraction=1.0, max_ner_record_fraction=1.0)
    exact = summary["metrics"]["ner_record_fraction"]
    assert 0.25 <= exact < 0.5  # the named records, and the model's own false positives on a few others
    loose = {"max_ner_char_fraction": 1.0, "max_ner_record_fraction": exact + 0.002}
    full, _ = _gate(tmp_path / "full", named, **loose)
    assert full["success"], full["failed"]
    sampled, summary = _gate(tmp_path / "sampled", named, ner_sample_records=200, **loose)
    assert sampled["failed"] == [f"{M}: expect_column_values_to_be_between(ner_record_fraction)"]
    assert summary["metrics"]["ner_record_fraction"] > exact + 0.002
    assert summary["ner_scan"]["record_sample_stage"] == 2 and summary["ner_scan"]["records_scanned"] == 200


def test_rare_long_name_dense_records_fail_the_sampled_gate(tmp_path):
    """3 long name-dense records among 250 short clean ones: most characters are entity characters.
    Character positions land in them in proportion to their length, so the sampled character check
    fails like the full scan, whichever records the record sample drew."""
    long_text = " ".join([NER_TEXT] * 60)

    def mutate(c):
        c.rows = [D.training_row(i, long_text if i in (17, 133, 241) else None) for i in range(250)]

    full, _ = _gate(tmp_path / "full", mutate, ner_sample_records=0)
    sampled, summary = _gate(tmp_path / "sampled", mutate, ner_sample_records=200)
    for result in (full, sampled):
        assert f"{M}: expect_column_values_to_be_between(ner_char_fraction)" in result["failed"]
    assert summary["ner_scan"]["sampled"] and summary["metrics"]["ner_char_fraction_sample"] > 0.03


def test_scanner_runs_ner_without_the_shared_tok2vec():
    """The pinned model's NER embeds its own tok2vec: only ``ner`` runs, with the same entities."""
    cfg = load_config(None)
    scanner = NerScanner(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file, ["PERSON", "GPE"])
    assert scanner.nlp.pipe_names == ["ner"]
    full = spacy.load(cfg.detection.nlp.name)
    full.select_pipes(enable=["tok2vec", "ner"])
    texts = [NER_TEXT, "Ask Priya Okafor in Leeds about the router."]
    assert [[(e.start_char, e.label_) for e in d.ents] for d in full.pipe(texts)] == [
        [(e.start_char, e.label_) for e in d.ents] for d in scanner.nlp.pipe(texts)
    ]
    assert ner_pipes(full) == ["ner"]


def test_scanner_in_two_processes_gives_the_same_results():
    """After a multi-process run the gate scans with as many processes; results are the same."""
    cfg = load_config(None)
    scanner = NerScanner(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file, ["PERSON", "GPE", "LOC"])
    texts = [NER_TEXT if i % 3 == 0 else f"Order {i} shipped to <PERSON_{i:016x}> on time." for i in range(600)]
    assert scanner.scan_many(texts, n_process=2) == scanner.scan_many(texts)


def test_scanned_characters_mean_the_same_in_full_and_sampled_scans():
    """``scan_length`` (no model) equals the scan's ``scanned_chars``; the entity extents are in those
    coordinates, so counting every position inside them gives the full scan's entity characters."""
    cfg = load_config(None)
    scanner = NerScanner(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file, ["PERSON", "GPE", "LOC"])
    tok = D.tok("PERSON", 7)
    texts = [NER_TEXT, f"{tok} met Maria Lopez in Berlin with {tok}.", f"Order 5 for {tok} shipped.", ""]
    for text, r in zip(texts, scanner.scan_many(texts), strict=True):
        assert r.scanned_chars == scan_length(text) == len(mask_for_ner(text)) - 2 * text.count("<PERSON_")
        assert r.chars == sum(r.covers(i) for i in range(r.scanned_chars)) == sum(e - s for s, e in r.spans)
        assert all(0 <= s < e <= r.scanned_chars for s, e in r.spans)
    assert scanner.scan_many(texts)[1].entities >= 2


def test_window_is_cut_at_whitespace_and_points_at_the_position():
    tok = D.tok("PERSON", 3)
    text = f"{tok} said that " + "word " * 40 + f"Maria Lopez moved to Berlin with {tok} " + "again " * 40
    masked, fillers = _masked(text)
    scanned = [i for i in range(len(masked)) if not any(s <= i < e for s, e in fillers)]  # scanned -> masked
    assert len(scanned) == scan_length(text)
    for offset in (0, 5, 120, len(scanned) // 2, len(scanned) - 1):
        w, at = window(text, offset)
        lo = scanned[offset] - at  # the window is the masked text from lo, pointing at the scanned character
        assert masked[lo : lo + len(w)] == w and len(w) <= 2 * WINDOW_CHARS + 40
        assert lo == 0 or masked[lo - 1].isspace()
        assert lo + len(w) == len(masked) or masked[lo + len(w)].isspace()
        assert scanned[offset] - lo >= min(WINDOW_CHARS, scanned[offset])  # at least the margin before it


def test_window_judgement_matches_the_whole_record():
    """Every scanned position of entity-rich texts: inside an entity on its window alone iff inside one in
    the whole-record scan (the window spans several times the model's context)."""
    cfg = load_config(None)
    scanner = NerScanner(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file, ["PERSON", "GPE", "LOC"])
    tok = D.tok("PERSON", 9)
    texts = [
        " ".join([NER_TEXT, f"Then {tok} called Priya Okafor in Leeds about the order."] * 4),
        f"Order 5 for {tok} shipped to Paris. " * 6,
    ]
    full = scanner.scan_many(texts)
    positions = [(i, off) for i, r in enumerate(full) for off in range(0, r.scanned_chars, 3)]
    hits = scanner.hits_at(texts, positions)
    assert hits == [full[i].covers(off) for i, off in positions]
    assert 20 < sum(hits) < len(hits)  # entities and plain text both judged


def test_hits_at_masks_each_record_once_with_the_same_judgements_as_window():
    """``hits_at`` masks a record once for all its positions: the same windows and judgements as
    ``window`` computed per position (positions of several records, interleaved and repeated)."""
    cfg = load_config(None)
    scanner = NerScanner(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file, ["PERSON", "GPE", "LOC"])
    tok = D.tok("PERSON", 4)
    texts = [f"{tok} met Maria Lopez in Berlin. " * 5, f"Order 7 for {tok} shipped to Paris with Priya Okafor. " * 3]
    lengths = [scan_length(t) for t in texts]
    positions = [(i % 2, (i * 37) % lengths[i % 2]) for i in range(60)] + [(0, 3), (0, 3)]

    def alone(i: int, off: int) -> bool:
        w, at = window(texts[i], off)
        return any(e.start_char <= at < e.end_char for e in scanner.nlp(w).ents if scanner._counted(e))

    hits = scanner.hits_at(texts, positions)
    assert hits == [alone(i, off) for i, off in positions]
    assert 0 < sum(hits) < len(hits)


def test_gate_with_a_scan_process_gives_the_same_result(tmp_path):
    """The NER check in a child process, started early (``redact run`` with a second core) or by the gate
    (after a several-worker run), while the gate validates the other frames: same shares, same summary, same
    verdicts as inline (sampled and whole scans), no process left over."""
    for name, mutate, gates in (
        ("whole", _two_of_ten, {"max_ner_char_fraction": 1.0, "max_ner_record_fraction": 0.19}),
        ("sampled", _named(250, 4), {"ner_sample_records": 200}),
    ):
        summaries = []
        for how, processes in (("inline", 1), ("ready", 1), ("gate", 2)):
            crafted = D.Crafted(tmp_path / f"{name}{how}" / "out")
            mutate(crafted)
            crafted.write()
            cfg = load_config(None, **{f"gates.{k}": v for k, v in gates.items()})
            now = datetime(2026, 11, 29, tzinfo=UTC)
            job = None if how == "gate" else NerJob.ready(cfg, processes, child=how == "ready")
            assert job is None or job.parallel == (how == "ready")
            result = gate_version(
                crafted.layout, crafted.version, crafted.manifest(), cfg, now, n_process=processes, job=job
            )
            summary = json.loads(Path(result["summary"]).read_text())
            summaries.append((result["failed"], summary["ner_scan"], summary["metrics"], summary["suites"]))
            assert descendants(os.getpid()) == set()  # the scan's child process and its workers: gone
        assert summaries[0] == summaries[1] == summaries[2]
        assert summaries[0][0]  # all fail the same expectation (the checks still bite)


def test_scan_process_failure_crosses_as_a_type_name(monkeypatch):
    secret = "Maria Lopez lives at 12 Elm Street"
    monkeypatch.setattr(ner_check_mod, "CHILD_SCAN", f"{scan_stand_ins.MODULE}:raises_with_text")
    with pytest.raises(GateFailure) as err, NerJob([secret], load_config(None), "seed", processes=2) as job:
        assert job.parallel
        group = job._proc.pid
        job.result()
    assert "ValueError" in str(err.value) and "Maria" not in str(err.value)
    assert descendants(os.getpid()) == set() and group_members(group) == []


def test_an_abandoned_scan_process_is_stopped():
    with NerJob([NER_TEXT] * 50, load_config(None), "seed", processes=2) as job:
        assert job.parallel
        group = job._proc.pid
    assert not job.parallel and descendants(os.getpid()) == set() and group_members(group) == []
