"""Append-only audit log: one small JSON object per event under ``OUT/audit/<kind>/``.

One object per event works the same on local disk and object stores (no appends, no locking).
Events hold who/when/what-kind/counts/ids, never plaintext values.
"""

from __future__ import annotations

import getpass
import json
import uuid

from pipelines.dataset import Layout
from transforms import fs
from transforms.periods import now_iso


def operator() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def append_event(layout: Layout, kind: str, event: dict) -> str:
    at = now_iso()
    doc = {"kind": kind, "at": at, "operator": operator(), **event}
    path = fs.join(layout.audit, kind, f"{at.replace(':', '')}-{uuid.uuid4().hex[:8]}.json")
    fs.write_text_atomic(path, json.dumps(doc, sort_keys=True) + "\n")
    return path
