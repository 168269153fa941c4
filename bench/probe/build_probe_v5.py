"""Build ``probe_v5.jsonl`` from ``probe_v5.src.txt``: probe_v2's reader, validator and build
(``build_probe_v2.LaterProbe``) with v5's six domains, none of them in probe_v1-v4 or ``../shared/eval``.

HELD OUT: no detection method may be tuned on this set's strings, errors or numbers (see PROBE_V5.md); its
gold was committed before any detector ran on it.
Everything in the source is invented: no real person's data.

Usage: python bench/probe/build_probe_v5.py [--check]   (``--check``: fail if the JSONL is out of date)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

DOMAINS = frozenset(
    {
        "employment_tribunal",
        "dental_practice",
        "recruitment_agency",
        "charity_donor",
        "immigration_advice",
        "taxi_dispatch",
    }
)

_spec = importlib.util.spec_from_file_location(
    "probe_build_v2_for_v5", Path(__file__).resolve().parent / "build_probe_v2.py"
)
_V2 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_V2)
PROBE = _V2.LaterProbe(5, DOMAINS)
SRC, OUT, remark, render = PROBE.src, PROBE.out, _V2.remark, _V2.render
raw_docs, validate, build, main = PROBE.raw_docs, PROBE.validate, PROBE.build, PROBE.main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
