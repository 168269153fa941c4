"""Crash-test checkpoints. Inert unless ``REDACT_FAULT_PAUSE_AT`` names the checkpoint.

Tests set ``REDACT_FAULT_PAUSE_AT=<name>`` and ``REDACT_FAULT_READY_FILE=<path>``: at that point the
process writes the ready file and sleeps (bounded) so the test can SIGKILL it from outside at a known
step. Nothing else changes behaviour; the names are documented in docs/purge.md.
"""

from __future__ import annotations

import os
import time

MAX_PAUSE_SECONDS = 120.0


def checkpoint(name: str) -> None:
    if os.environ.get("REDACT_FAULT_PAUSE_AT") != name:
        return
    ready = os.environ.get("REDACT_FAULT_READY_FILE")
    if ready:
        with open(ready, "w") as fh:
            fh.write(name + "\n")
    time.sleep(min(float(os.environ.get("REDACT_FAULT_PAUSE_SECONDS", "60")), MAX_PAUSE_SECONDS))
