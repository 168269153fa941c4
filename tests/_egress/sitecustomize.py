"""Loaded by subprocesses of the tests (``run_cli`` puts this folder on ``PYTHONPATH``): no egress."""

from tests.egress_guard import install

install()
