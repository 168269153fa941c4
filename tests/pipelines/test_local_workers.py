"""How many processes the gate's NER scan may use after a run (the local DirectRunner's workers only), and where
detection runs a child process beside the worker (`--ner-child auto`)."""

from __future__ import annotations

import os

import pytest

from pipelines.beam_runner import local_workers

CORES = os.cpu_count() or 1


WORKER_TABLE = [
    ([], 1),
    (["--direct_num_workers=2"], 1),  # in-process threads: the default running mode
    (["--direct_num_workers=2", "--direct_running_mode=multi_threading"], 1),
    (["--direct_num_workers", "1", "--direct_running_mode", "multi_processing"], 1),
    (["--direct_num_workers", "2", "--direct_running_mode", "multi_processing"], min(2, CORES)),
    (["--direct_num_workers=0", "--direct_running_mode=multi_processing"], CORES),
    (["--direct_num_workers=64", "--direct_running_mode=multi_processing"], CORES),
    (["--runner=PortableRunner", "--direct_num_workers=2", "--direct_running_mode=multi_processing"], 1),
    (
        ["--runner", "DirectRunner", "--direct_running_mode", "multi_processing", "--direct_num_workers=2"],
        min(2, CORES),
    ),
    (["--runner=DataflowRunner", "--direct_num_workers=2", "--direct_running_mode=multi_processing"], 1),
    (["--runner=direct", "--direct_num_workers=2", "--direct_running_mode=multi_processing"], min(2, CORES)),
    (["--runner=directrunner", "--direct_num_workers=2", "--direct_running_mode=multi_processing"], min(2, CORES)),
    (["--runner=dataflow", "--direct_num_workers=2", "--direct_running_mode=multi_processing"], 1),
]


@pytest.mark.parametrize(("args", "expected"), WORKER_TABLE)
def test_local_workers(args, expected):
    assert local_workers(args) == expected


@pytest.mark.parametrize(("args", "expected"), WORKER_TABLE)
def test_the_warm_server_starts_exactly_when_there_are_local_worker_processes(args, expected):
    """``warm_workers.wanted`` reads the options without Beam; it must agree with Beam's reading."""
    from pipelines import warm_workers

    assert warm_workers.wanted(args) is (expected > 1)


MULTI_2 = ["--direct_num_workers", "2", "--direct_running_mode", "multi_processing"]


@pytest.mark.parametrize(
    ("choice", "args", "cores", "expected"),
    [
        ("auto", [], 2, True),  # one in-process worker and an idle core: the child shares the detection
        ("auto", [], 1, False),  # no second core: nothing to overlap with
        ("auto", ["--direct_num_workers=2"], 2, True),  # threads share one core's worth of Python
        ("auto", ["--direct_num_workers=1", "--direct_running_mode=multi_processing"], 2, True),
        ("auto", MULTI_2, 2, CORES < 2),  # the runner runs a worker per core already
        ("auto", ["--runner=DataflowRunner"], 2, False),  # a remote service: a worker per core there
        ("auto", ["--runner=PortableRunner"], 2, False),
        ("on", MULTI_2, 1, True),
        ("on", ["--runner=DataflowRunner"], 1, True),
        ("off", [], 2, False),
    ],
)
def test_ner_child_where_the_runner_does_not_parallelise(monkeypatch, choice, args, cores, expected):
    from pipelines.beam_runner import ner_child_wanted
    from transforms import child_process

    monkeypatch.setattr(child_process, "usable_cores", lambda: cores)
    assert ner_child_wanted(choice, args) is expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], True),
        (["--direct_num_workers=2"], True),  # threads of this process
        (MULTI_2, CORES < 2),  # worker processes (one, on a one-core machine: then in process)
        (["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=LOOPBACK"], True),
        (["--runner=PortableRunner", "--job_endpoint=embed"], False),
        (["--runner=DataflowRunner"], False),
    ],
)
def test_live_progress_counts_only_where_the_dofns_run_in_this_process(args, expected):
    from pipelines.beam_runner import dofns_run_here

    assert dofns_run_here(args) is expected


@pytest.mark.parametrize(
    ("choice", "cores", "expected"),
    [("auto", 2, True), ("auto", 1, False), ("on", 1, True), ("off", 2, False)],
)
def test_redact_detect_takes_the_same_ner_child_rule_for_its_own_process(monkeypatch, choice, cores, expected):
    """``redact detect`` runs detection in its own process: ``auto`` asks only for another core."""
    from transforms import child_process

    monkeypatch.setattr(child_process, "usable_cores", lambda: cores)
    assert child_process.child_wanted(choice) is expected
