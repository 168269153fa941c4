"""How many processes the gate's NER scan may use after a run: the local DirectRunner's workers only."""

from __future__ import annotations

import os

import pytest

from pipelines.beam_runner import local_workers

CORES = os.cpu_count() or 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], 1),
        (["--direct_num_workers=2"], 1),  # in-process threads: the default running mode
        (["--direct_num_workers=2", "--direct_running_mode=multi_threading"], 1),
        (["--direct_num_workers", "1", "--direct_running_mode", "multi_processing"], 1),
        (["--direct_num_workers", "2", "--direct_running_mode", "multi_processing"], min(2, CORES)),
        (["--direct_num_workers=0", "--direct_running_mode=multi_processing"], CORES),
        (["--direct_num_workers=64", "--direct_running_mode=multi_processing"], CORES),
        (["--runner=PortableRunner", "--direct_num_workers=2", "--direct_running_mode=multi_processing"], 1),
    ],
)
def test_local_workers(args, expected):
    assert local_workers(args) == expected
