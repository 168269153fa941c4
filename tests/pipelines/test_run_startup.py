"""What ``redact run`` starts before its pipeline and stops after it, with several local workers: the
warm worker server starts before Beam's option check (which imports Beam) and is killed however the
command ends."""

from __future__ import annotations

import logging
import os

import pytest

from pipelines import cli, warm_workers
from pipelines.commands import options
from pipelines.commands import run as run_cmd
from tests.processes import descendants

MULTI_2 = ["--direct_num_workers=2", "--direct_running_mode=multi_processing"]


@pytest.fixture
def calls(monkeypatch):
    """``warm_workers.start``/``stop`` and Beam's option parse, recorded in order (none of them runs), on
    a machine with two cores (two workers are then two processes)."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    seen: list[str] = []
    monkeypatch.setattr(warm_workers, "start", lambda: seen.append("start"))
    monkeypatch.setattr(warm_workers, "stop", lambda kill=False: seen.append(f"stop(kill={kill})"))
    parse = options.parse_beam_args

    def recorded(extra):
        seen.append("parse")
        return parse(extra)

    monkeypatch.setattr(options, "parse_beam_args", recorded)
    return seen


def test_the_server_starts_before_beams_option_check_and_is_killed_after_a_usage_error(tmp_path, calls):
    argv = ["run", "--input", str(tmp_path), "--output", str(tmp_path / "out"), *MULTI_2, "--direct_num_wrkers=3"]
    assert cli.main(argv) == 2
    assert calls == ["start", "parse", "stop(kill=True)"]


def test_no_server_for_a_one_worker_run(tmp_path, calls):
    argv = ["run", "--input", str(tmp_path), "--output", str(tmp_path / "out"), "--direct_num_wrkers=3"]
    assert cli.main(argv) == 2
    assert calls == ["parse", "stop(kill=True)"]  # stop: a no-op without a server


@pytest.mark.parametrize(
    ("failure", "code", "line"),
    [
        (KeyboardInterrupt, 130, "redact: interrupted; nothing was published"),
        (OSError, 70, "redact: internal error (OSError); nothing was published"),
    ],
)
def test_a_failing_server_stop_ends_in_one_line(tmp_path, monkeypatch, capsys, failure, code, line):
    """The early hook's clean-up runs inside the CLI's handlers: a second Ctrl-C or a folder that cannot be
    removed while the server stops is one line and an exit code, not a traceback."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(warm_workers, "start", lambda: None)

    def stop(kill=False):
        raise failure("/tmp/pymp-secret")

    monkeypatch.setattr(warm_workers, "stop", stop)
    argv = ["run", "--input", str(tmp_path), "--output", str(tmp_path / "out"), *MULTI_2, "--direct_num_wrkers=3"]
    assert cli.main(argv) == code
    err = capsys.readouterr().err
    assert line in err and "Traceback" not in err and "secret" not in err


def test_a_server_that_cannot_start_leaves_the_run_to_cold_workers(monkeypatch, caplog):
    def broken():
        raise OSError("no fork server here")

    monkeypatch.setattr(warm_workers, "start", broken)
    stopped = []
    monkeypatch.setattr(warm_workers, "stop", lambda kill=False: stopped.append(kill))
    with caplog.at_level(logging.WARNING), run_cmd.warm_server(MULTI_2):
        pass
    assert "warm worker server did not start (OSError); workers start cold" in caplog.text
    assert "no fork server here" not in caplog.text  # the type name only
    assert stopped == [True]


def test_releasing_the_pipeline_kills_the_server_at_once(monkeypatch):
    """After the pipeline the server is killed, not asked to exit (its clean exit only frees memory)."""
    from pipelines.run import release_pipeline_memory

    monkeypatch.setattr(warm_workers, "_context", None)
    warm_workers.start()
    stops = []
    real_stop = warm_workers.stop
    monkeypatch.setattr(warm_workers, "stop", lambda kill=False: (stops.append(kill), real_stop(kill=kill)))
    release_pipeline_memory()
    assert stops == [True]
    assert not warm_workers.started()
    assert descendants(os.getpid()) == set()
