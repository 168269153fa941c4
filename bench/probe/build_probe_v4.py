"""Build ``probe_v4.jsonl`` (the held-out probe v4) from ``probe_v4.src.txt``; offsets computed, then validated.

The source format, the parser (``build_probe.py``) and the validator (``build_probe_v2.py``: offsets inside
the text, span texts reproducing the marked-up source, no overlaps, canonical labels, unique ids) are
imported unchanged, so all four probes follow one format. Only the set of domains differs: v4's six
domains, none of them in probe_v1, probe_v2, probe_v3 or ``../shared/eval``.

HELD OUT: no detection method may be tuned on this set's strings, errors or numbers (see PROBE_V4.md); its
gold was committed before any detector ran on it.
Everything in the source is invented: no real person's data.

Usage: python bench/probe/build_probe_v4.py [--check]   (``--check``: fail if the JSONL is out of date)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "probe_v4.src.txt"
OUT = HERE / "probe_v4.jsonl"
DOMAINS = frozenset(
    {"airline_travel", "vet_clinic", "telecom_support", "school_parent", "gym_membership", "council_services"}
)


def _module(name: str, filename: str):
    spec = importlib.util.spec_from_file_location(name, HERE / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_V1 = _module("probe_build_v1_for_v4", "build_probe.py")
_V2 = _module("probe_build_v2_for_v4", "build_probe_v2.py")
remark = _V2.remark
render = _V1.render


def raw_docs(src: Path = SRC) -> dict[str, str]:
    """Each document's marked-up body (v2's reader, on v4's source)."""
    return _V2.raw_docs(src)


def validate(docs: list[dict], raws: dict[str, str] | None = None) -> list[str]:
    """Problems found in the built documents (empty list: valid): v2's checks with v4's domains."""
    return _V2.validate(docs, raws, domains=DOMAINS)


def build(src: Path = SRC) -> list[dict]:
    docs = _V1.build(src)
    problems = validate(docs, raw_docs(src))
    if problems:
        raise ValueError("; ".join(problems))
    return docs


def main(argv: list[str]) -> int:
    return _V1.write_or_check(render(build()), OUT, "bench/probe/build_probe_v4.py", argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
