"""Build ``probe_v2.jsonl`` (the held-out probe) from ``probe_v2.src.txt``; offsets computed, then validated.

Same source format and parser as probe_v1 (``build_probe.py``: a document starts with ``=== <id> <source>``,
gold values are marked inline as ``[[LABEL:value]]`` or ``[[LABEL/ORIG_LABEL:value]]``). After building,
``validate`` checks every document on its own terms: offsets inside the text, each span's text equal to
the value marked in the source (re-inserting the markup reproduces the source exactly), no overlapping
spans, canonical labels (``metrics.GOLD_LABELS``), unique ids, the six held-out domains.

HELD OUT: no detection method may be tuned on this set's strings or error lists (see PROBE_V2.md).
Everything in the source is invented: no real person's data.

Usage: python bench/probe/build_probe_v2.py [--check]   (``--check``: fail if the JSONL is out of date)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from transforms.detection.metrics import GOLD_LABELS

HERE = Path(__file__).resolve().parent
SRC = HERE / "probe_v2.src.txt"
OUT = HERE / "probe_v2.jsonl"
DOMAINS = frozenset(
    {"insurance_claim", "hr_helpdesk", "lease_contract", "bank_chat", "police_report", "meeting_minutes"}
)


def _v1_builder():
    """The probe_v1 builder module (its parser is reused unchanged, so both sets follow one format)."""
    spec = importlib.util.spec_from_file_location("probe_build_v1", HERE / "build_probe.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def remark(doc: dict) -> str:
    """The document's text with its spans written back as inline markup (inverse of ``parse_doc``)."""
    text, out, pos = doc["text"], [], 0
    for s in sorted(doc["spans"], key=lambda s: s["start"]):
        label = s["label"] if s["orig_label"] == s["label"] else f"{s['label']}/{s['orig_label']}"
        out += [text[pos : s["start"]], f"[[{label}:{text[s['start'] : s['end']]}]]"]
        pos = s["end"]
    return "".join(out) + text[pos:]


def raw_docs(src: Path = SRC) -> dict[str, str]:
    """Each document's marked-up body, as ``build`` reads it (for the round-trip check)."""
    header = _v1_builder().HEADER
    docs, cur, body = {}, None, []
    for line in [*src.read_text(encoding="utf-8").splitlines(), "=== _end _end"]:
        m = header.match(line)
        if m:
            if cur is not None:
                docs[cur] = "\n".join(body).strip("\n")
            cur, body = m.group(1), []
        elif cur is not None:
            body.append(line)
    return docs


def validate(docs: list[dict], raws: dict[str, str] | None = None, domains: frozenset[str] = DOMAINS) -> list[str]:
    """Problems found in the built documents (empty list: valid); ``domains``: the set's allowed sources."""
    problems = []
    ids = [d["id"] for d in docs]
    if len(ids) != len(set(ids)):
        problems.append("duplicate document ids")
    for d in docs:
        if set(d) != {"id", "text", "spans", "source"}:
            problems.append(f"{d['id']}: keys {sorted(d)}")
        if d["source"] not in domains:
            problems.append(f"{d['id']}: unknown source {d['source']!r}")
        end = 0
        for s in sorted(d["spans"], key=lambda s: (s["start"], s["end"])):
            if not 0 <= s["start"] < s["end"] <= len(d["text"]):
                problems.append(f"{d['id']}: span {s['start']}-{s['end']} outside the text")
                continue
            value = d["text"][s["start"] : s["end"]]
            if value != value.strip():
                problems.append(f"{d['id']}: span {s['start']}-{s['end']} has outer whitespace")
            if s["label"] not in GOLD_LABELS or not s.get("orig_label"):
                problems.append(f"{d['id']}: label {s['label']!r}/{s.get('orig_label')!r} not canonical")
            if s["start"] < end:
                problems.append(f"{d['id']}: overlapping spans at {s['start']}")
            end = max(end, s["end"])
        if raws is not None and remark(d) != raws.get(d["id"]):
            problems.append(f"{d['id']}: span texts do not reproduce the marked-up source")
    return problems


def build(src: Path = SRC) -> list[dict]:
    docs = _v1_builder().build(src)
    problems = validate(docs, raw_docs(src))
    if problems:
        raise ValueError("; ".join(problems))
    return docs


def render(docs: list[dict]) -> str:
    return _v1_builder().render(docs)


def main(argv: list[str]) -> int:
    return _v1_builder().write_or_check(render(build()), OUT, "bench/probe/build_probe_v2.py", argv)


class LaterProbe:
    """A later probe (v3, v4, ...): v2's reader, validator and build on its own source, with its own
    domains; its builder script is a few lines (``build_probe_v3.py``)."""

    def __init__(self, version: int, domains: frozenset[str]) -> None:
        self.src, self.out = HERE / f"probe_v{version}.src.txt", HERE / f"probe_v{version}.jsonl"
        self.domains, self.script = domains, f"bench/probe/build_probe_v{version}.py"

    def raw_docs(self, src: Path | None = None) -> dict[str, str]:
        """Each document's marked-up body."""
        return raw_docs(src or self.src)

    def validate(self, docs: list[dict], raws: dict[str, str] | None = None) -> list[str]:
        """Problems found in the built documents (empty list: valid): v2's checks with this set's domains."""
        return validate(docs, raws, domains=self.domains)

    def build(self, src: Path | None = None) -> list[dict]:
        src = src or self.src
        docs = _v1_builder().build(src)
        problems = self.validate(docs, self.raw_docs(src))
        if problems:
            raise ValueError("; ".join(problems))
        return docs

    def main(self, argv: list[str]) -> int:
        return _v1_builder().write_or_check(render(self.build()), self.out, self.script, argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
