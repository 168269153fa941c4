"""``runner_names``: every spelling Beam accepts for a runner maps to one key, read without Beam."""

from __future__ import annotations

import pytest
from apache_beam.runners import runner as beam_runner

from pipelines.runner_names import downloads_prism, is_direct, runner_key

SPELLINGS = [
    (None, "directrunner"),
    ("", "directrunner"),
    ("DirectRunner", "directrunner"),
    ("direct", "directrunner"),
    ("DIRECT", "directrunner"),
    ("apache_beam.runners.direct.direct_runner.DirectRunner", "directrunner"),
    ("BundleBasedDirectRunner", "bundlebaseddirectrunner"),
    ("prism", "prismrunner"),
    ("PortableRunner", "portablerunner"),
    ("dataflow", "dataflowrunner"),
    ("FlinkRunner", "flinkrunner"),
]


@pytest.mark.parametrize(("spelling", "key"), SPELLINGS)
def test_runner_key(spelling, key):
    assert runner_key(spelling) == key


@pytest.mark.parametrize(("spelling", "key"), [(s, k) for s, k in SPELLINGS if s])
def test_the_key_names_the_class_beam_resolves(spelling, key):
    """Beam's own resolution (``create_runner``'s name map) lands on a class whose name is the key."""
    name = spelling.rsplit(".", 1)[-1].lower()
    path = beam_runner._RUNNER_MAP.get(name, beam_runner._RUNNER_MAP.get(name + "runner"))
    assert path is not None and path.rsplit(".", 1)[-1].lower() == key


def test_is_direct():
    assert all(is_direct(s) for s in (None, "direct", "DirectRunner", "SwitchingDirectRunner"))
    assert not any(is_direct(s) for s in ("prism", "PortableRunner", "DataflowRunner", "FlinkRunner"))


def test_downloads_prism():
    assert downloads_prism("PrismRunner", None) and downloads_prism("prism", "")
    assert downloads_prism("prism", "https://github.com/apache/beam/releases/download/v2/prism.zip")
    assert not downloads_prism("prism", "/opt/beam/prism")
    assert not downloads_prism("DirectRunner", None)
