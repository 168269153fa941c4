"""What the CLI prints: plain, unwrapped summaries; ISO-8601 UTC log lines (text or JSON); stop reasons
and runner failures named in one line without record values; progress lines; the offline gate report."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
from datetime import datetime

import pytest

from pipelines.commands.run import print_summary
from pipelines.console import JsonFormatter, QuietBeamTracebacks, TextFormatter
from pipelines.failures import explain_runner_failure
from pipelines.gate_report import metric_rows, render
from pipelines.progress import _LogDisplay, progress_line, run_progress

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
LONG = "/data/" + "/".join(f"segment-{i:02d}-of-a-long-output-path" for i in range(8))


def _summary(**over) -> dict:
    s = {
        "run_id": "abc123",
        "version": "v20300101T000000Z-abc123",
        "status": "complete",
        "published": True,
        "counts": {
            "read": 20,
            "written": 17,
            "quarantined": {"parse.invalid_json": 2, "detect.error": 1},
            "quarantined_total": 3,
            "dropped": {},
            "dropped_total": 0,
        },
        "entities": {"EMAIL_ADDRESS": 4, "PERSON": 2},
        "reconciliation": {"ok": True},
        "gate": {"success": True, "failed": [], "summary": f"{LONG}/_gate/summary.json", "report": f"{LONG}/r.html"},
        "outputs": {"training": f"{LONG}/training", "vault": f"{LONG}/vault", "quarantine": f"{LONG}/quarantine"},
        "elapsed_seconds": 1.5,
    }
    s.update(over)
    return s


def _record(msg: str, pathname: str = "/x/pipelines/run.py", exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("redact.test", logging.INFO, pathname, 1, msg, None, exc_info)


def test_summary_is_plain_words_and_never_cuts_paths():
    buf = io.StringIO()
    print_summary(_summary(), buf)
    text = buf.getvalue()
    assert f"{LONG}/r.html" in text.splitlines()[-6] or f"{LONG}/r.html" in text  # whole path, one line
    assert all(len(line) > 80 for line in text.splitlines() if LONG in line)  # not wrapped at 80 columns
    assert "…" not in text and "{" not in text and "'" not in text
    assert "quarantined          3 (detect.error 1, parse.invalid_json 2)" in text
    assert "EMAIL_ADDRESS 4, PERSON 2" in text


def test_a_run_stopped_by_the_quarantine_fraction_says_so():
    failure = "3 of 20 records quarantined (15%) > max_quarantine_fraction 10%"
    buf = io.StringIO()
    print_summary(_summary(status="failed", published=False, gate=None, failures=[failure]), buf)
    text = buf.getvalue()
    assert f"stopped: {failure}; nothing published" in text
    assert "report: None" not in text and "None" not in text
    assert "not run (the run stopped before it)" in text


def test_log_lines_have_iso_utc_timestamps():
    rec = _record("run abc -> version v1")
    text = TextFormatter().format(rec)
    stamp = text.split(" ", 1)[0]
    assert ISO_Z.match(stamp) and text.endswith("INFO redact.test: run abc -> version v1")
    row = json.loads(JsonFormatter().format(rec))
    assert ISO_Z.match(row["ts"]) and row["level"] == "INFO" and row["message"] == "run abc -> version v1"
    assert datetime.fromisoformat(row["ts"].replace("Z", "+00:00")).utcoffset().total_seconds() == 0


def test_beam_tracebacks_are_dropped_without_debug():
    quiet = QuietBeamTracebacks()
    beam_file = "/venv/site-packages/apache_beam/runners/portability/local_job_service.py"
    assert not quiet.filter(_record("Error running pipeline.\nTraceback ...", beam_file))
    assert quiet.filter(_record("No shards found to finalize.", beam_file))
    assert quiet.filter(_record("our own\nmulti-line message"))


def test_log_format_json_from_the_cli(tmp_path):
    from tests.conftest import run_cli

    proc = run_cli("--log-format", "json", "gate", "--output", str(tmp_path / "none"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("redact: error:")


def _docker_failure() -> BaseException:
    try:
        try:
            raise subprocess.CalledProcessError(125, ["docker", "run", "-d", "apache/beam_python3.11_sdk:2.77.0"])
        except subprocess.CalledProcessError as inner:
            raise RuntimeError("Pipeline job failed in state FAILED: customer olivia@example.net") from inner
    except RuntimeError as outer:
        return outer


def test_docker_harness_failure_is_named_with_its_remedy():
    line = explain_runner_failure(_docker_failure())
    assert "Docker SDK harness" in line and "--environment_type LOOPBACK" in line
    assert "olivia" not in line and "\n" not in line


def test_unknown_runner_failure_names_only_the_class():
    line = explain_runner_failure(ValueError("record text: Olivia Hartmann, 4111 1111 1111 1111"))
    assert line.startswith("ValueError") and "Olivia" not in line and "4111" not in line


@pytest.mark.parametrize(
    ("exc", "word"),
    [(MemoryError(), "memory"), (PermissionError(13, "denied"), "denied"), (OSError(28, "full"), "space")],
)
def test_known_failure_classes(exc, word):
    assert word in explain_runner_failure(exc)


def test_progress_line_and_log_display(caplog):
    assert progress_line(1234, 3, 10, 8.0) == (
        "progress: 3 of 10 files, 1234 records, 154.2 records/s, elapsed 8s, ETA 19s"
    )
    display = _LogDisplay(total=2, every_records=100, every_seconds=30)
    with caplog.at_level(logging.INFO, logger="redact.progress"):
        display.update(50, 0, 1.0)  # neither 100 records nor 30 s yet
        display.update(150, 1, 2.0)
        display.close(200, 2, 3.0, finished=True)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "progress: 1 of 2 files, 150 records, 75.0 records/s, elapsed 2s, ETA 2s",
        "progress (pipeline finished): 2 of 2 files, 200 records, 66.7 records/s, elapsed 3s",
    ]


def test_progress_where_the_counts_are_not_seen_says_elapsed_time_only(caplog):
    """Local worker processes or a remote runner: the launcher's tracker stays at zero, so the display
    does not show it as a count."""
    display = _LogDisplay(total=None, every_records=100, every_seconds=30, live=False)
    with caplog.at_level(logging.INFO, logger="redact.progress"):
        display.update(0, 0, 31.0)
        display.close(0, 0, 45.0, finished=True)
    assert [r.getMessage() for r in caplog.records] == [
        "progress: elapsed 31s (records are counted when the pipeline ends: its workers run in other processes)",
        "progress (pipeline finished): elapsed 45s",
    ]


def test_run_progress_counts_files_from_the_listing(tmp_path, caplog):
    from transforms.progress import TRACKER

    for name in ("a.jsonl", "b.jsonl", "c.txt"):
        (tmp_path / name).write_text("x\n")
    with caplog.at_level(logging.INFO, logger="redact.progress"), run_progress([str(tmp_path)], tty=False):
        TRACKER.add(records=7, files=3)
    assert "progress (pipeline finished): 3 of 3 files, 7 records" in caplog.records[-1].getMessage()


GATE_SUMMARY = {
    "version": "v1",
    "gated_at": "2030-01-01T00:00:00Z",
    "success": False,
    "failed": ["gate_metrics: expect_column_values_to_be_between(empty_text_fraction)"],
    "dataset": {"rows": 10, "key_scope": "default", "run_id": "r1", "training_files": [{"name": "p", "sha256": "ab"}]},
    "metrics": {"empty_text_fraction": 0.25, "canary_recall": 1.0, "training_schema_ok": True, "rows": 10},
    "thresholds": {"max_empty_text_fraction": 0.05, "min_canary_recall": 1.0},
    "canaries": {"expected": 3, "not_found": [], "leaking": ["c-2"]},
    "suites": {
        "gate_metrics": {
            "success": False,
            "results": [
                {
                    "expectation": "expect_column_values_to_be_between",
                    "column": "empty_text_fraction",
                    "kwargs": {"column": "empty_text_fraction", "max_value": {"$PARAMETER": "max_empty_text_fraction"}},
                    "success": False,
                    "result": {"unexpected_count": 1},
                },
                {
                    "expectation": "expect_column_values_to_be_between",
                    "column": "canary_recall",
                    "kwargs": {"column": "canary_recall", "min_value": 1.0},
                    "success": True,
                    "result": {"unexpected_count": 0},
                },
                {
                    "expectation": "expect_column_values_to_be_in_set",
                    "column": "training_schema_ok",
                    "kwargs": {"column": "training_schema_ok", "value_set": [True]},
                    "success": True,
                    "result": {},
                },
            ],
        }
    },
}


def test_gate_report_is_self_contained_and_shows_value_beside_threshold():
    page = render(GATE_SUMMARY)
    assert "http://" not in page and "https://" not in page and "<script" not in page and "<link" not in page
    assert "<style>" in page and "FAILED" in page
    rows = {name: (value, threshold, ok) for name, value, threshold, ok in metric_rows(GATE_SUMMARY)}
    assert rows["empty_text_fraction"] == (0.25, "≤ 0.05 (max_empty_text_fraction)", False)
    assert rows["canary_recall"] == (1.0, "≥ 1 (min_canary_recall)", True)  # named by the config rule
    assert rows["training_schema_ok"][1] == "in [true]"
    assert rows["rows"][2] is None  # a metric without an expectation is shown, marked as such
    row = re.search(r"<tr><td><code>empty_text_fraction</code></td>(.*?)</tr>", page).group(1)
    assert "0.25" in row and "≤ 0.05 (max_empty_text_fraction)" in row.replace("&lt;", "<") and "FAIL" in row


def test_gate_report_escapes_everything():
    evil = {**GATE_SUMMARY, "version": "<img src=https://x.example/a.png>"}
    page = render(evil)
    assert "<img" not in page and "&lt;img src=" in page  # shown as text, never a tag that loads anything


def test_terminal_progress_bar_shows_files_records_rate_and_eta():
    from rich.console import Console

    from pipelines.progress import _BarDisplay

    buf = io.StringIO()
    bar = _BarDisplay(total=4, console=Console(file=buf, force_terminal=True, width=200))
    bar.update(records=120, files=1, elapsed=10.0)
    task = bar.progress.tasks[0]
    assert (task.completed, task.total) == (1, 4)
    assert task.fields == {"records": 120, "rate": "12.0", "eta": "30s"}
    bar.progress.refresh()
    bar.close(120, 1, 10.0, finished=True)
    assert "1/4" in buf.getvalue() and "120 records, 12.0 records/s, ETA 30s" in buf.getvalue()
