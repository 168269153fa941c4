"""``transforms.child_process.at_lowest_priority``: work in a thread of its own at the lowest CPU
priority, the caller's own priority untouched, failures raised in the caller."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from transforms.child_process import LOWEST_PRIORITY, at_lowest_priority

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice values are Linux's")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_work_runs_at_the_lowest_priority_in_another_thread_and_the_caller_keeps_its_own():
    before = _nice()
    if before >= LOWEST_PRIORITY:
        pytest.skip("this process already runs at the lowest priority")
    seen = []
    at_lowest_priority(lambda a, b: seen.append((a + b, _nice(), threading.get_ident())), 1, 2)
    [(total, nice, thread)] = seen
    assert (total, nice) == (3, LOWEST_PRIORITY)
    assert thread != threading.get_ident()
    assert _nice() == before  # the caller's thread (a process-wide setting would have changed it)


def test_a_failure_is_raised_in_the_caller():
    def fails():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        at_lowest_priority(fails)
