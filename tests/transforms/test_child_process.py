"""``transforms.child_process``: ``at_lowest_priority`` (work in a thread of its own at the lowest CPU
priority, the caller's own priority untouched, failures raised in the caller) and ``exit_on_term`` (a
stopped child prints nothing and ends, even when the signal lands where Python cannot raise)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import pytest

from transforms.child_process import LOWEST_PRIORITY, PACKAGE_ROOT, at_lowest_priority

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


# A child whose SIGTERM arrives inside a ``__del__`` (where Python only prints an exception and goes on),
# as when a regex object is collected while spaCy loads: it then sleeps far longer than any test waits.
_STOPPED_IN_DEL = """
import sys, time
from transforms.child_process import exit_on_term
exit_on_term()
class Slow:
    def __del__(self):
        print("in __del__", flush=True)
        time.sleep(5)
s = Slow()
del s
print("went on", flush=True)
time.sleep(60)
"""


def _stopped(code: str, first_line: str) -> tuple[int, str, str]:
    """Run ``code`` in a child, send it SIGTERM once it printed ``first_line``; its exit code, the rest of
    its stdout, and its stderr. The wait is bounded far below the child's own sleep."""
    env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout.readline() == first_line
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)  # the child sleeps 60 s unless it ends itself
    finally:
        proc.kill()
        proc.wait()
    return proc.returncode, out, err


def test_a_child_stopped_inside_a_del_prints_nothing_and_ends_without_a_kill():
    code, out, err = _stopped(_STOPPED_IN_DEL, "in __del__\n")
    assert err == ""  # without the fix: "Exception ignored in ... Traceback ... SystemExit: 143"
    assert code == -signal.SIGALRM  # the swallowed exit, then the alarm
    assert out == "went on\n"


def test_a_child_stopped_elsewhere_exits_with_sigterm_s_code():
    body = "from transforms.child_process import exit_on_term\nimport time\nexit_on_term()\n"
    code, _out, err = _stopped(body + "print('up', flush=True)\ntime.sleep(60)", "up\n")
    assert (code, err) == (128 + signal.SIGTERM, "")
