"""Build ``probe_v3.jsonl`` from ``probe_v3.src.txt``: probe_v2's reader, validator and build
(``build_probe_v2.LaterProbe``) with v3's six domains, none of them in probe_v1, probe_v2 or ``../shared/eval``.

HELD OUT when written; retired once its error classes were used (see PROBE_V3.md).
Everything in the source is invented: no real person's data.

Usage: python bench/probe/build_probe_v3.py [--check]   (``--check``: fail if the JSONL is out of date)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

DOMAINS = frozenset(
    {"pharmacy_rx", "delivery_support", "property_listing", "university_admissions", "event_planning", "issue_thread"}
)

_spec = importlib.util.spec_from_file_location(
    "probe_build_v2_for_v3", Path(__file__).resolve().parent / "build_probe_v2.py"
)
_V2 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_V2)
PROBE = _V2.LaterProbe(3, DOMAINS)
SRC, OUT, remark, render = PROBE.src, PROBE.out, _V2.remark, _V2.render
raw_docs, validate, build, main = PROBE.raw_docs, PROBE.validate, PROBE.build, PROBE.main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
