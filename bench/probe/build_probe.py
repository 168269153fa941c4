"""Build ``probe_v1.jsonl`` from the marked-up source ``probe_v1.src.txt`` (offsets computed, never typed).

Source format: a document starts with a line ``=== <id> <source>``; its text is every following line up
to the next header (surrounding blank lines trimmed). Gold values are marked inline as
``[[LABEL:value]]`` or ``[[LABEL/ORIG_LABEL:value]]``; the builder removes the markup and records the
value's character offsets in the clean text. Lines before the first header starting with ``#`` are
comments. Everything in the source is invented (see README.md): no real person's data.

Usage: python bench/probe/build_probe.py [--check]   (``--check``: fail if the JSONL is out of date)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from transforms.detection.metrics import GOLD_LABELS

HERE = Path(__file__).resolve().parent
SRC = HERE / "probe_v1.src.txt"
OUT = HERE / "probe_v1.jsonl"
LABELS = GOLD_LABELS
MARK = re.compile(r"\[\[([A-Z_]+)(?:/([A-Z_]+))?:(.+?)\]\]", re.S)
HEADER = re.compile(r"^=== (\S+) (\S+)\s*$")


def parse_doc(raw: str) -> tuple[str, list[dict]]:
    """Clean text and spans of one marked-up document."""
    out, spans, pos = [], [], 0
    length = 0
    for m in MARK.finditer(raw):
        before = raw[pos : m.start()]
        out.append(before)
        length += len(before)
        label, orig, value = m.group(1), m.group(2) or m.group(1), m.group(3)
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}")
        if value != value.strip() or "[[" in value:
            raise ValueError(f"bad marked value {value!r}")
        spans.append({"start": length, "end": length + len(value), "label": label, "orig_label": orig})
        out.append(value)
        length += len(value)
        pos = m.end()
    out.append(raw[pos:])
    text = "".join(out)
    if "[[" in text or "]]" in text:
        raise ValueError("unbalanced markup")
    return text, spans


def build(src: Path = SRC) -> list[dict]:
    docs, cur, body = [], None, []

    def flush() -> None:
        if cur is not None:
            text, spans = parse_doc("\n".join(body).strip("\n"))
            docs.append({"id": cur[0], "text": text, "spans": spans, "source": cur[1]})

    for line in src.read_text(encoding="utf-8").splitlines():
        m = HEADER.match(line)
        if m:
            flush()
            cur, body = (m.group(1), m.group(2)), []
        elif cur is not None:
            body.append(line)
    flush()
    ids = [d["id"] for d in docs]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate document ids")
    return docs


def render(docs: list[dict]) -> str:
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)


def write_or_check(text: str, out: Path, script: str, argv: list[str]) -> int:
    """Write the rendered JSONL ``text`` to ``out``, or with ``--check`` in ``argv`` only compare: exit code 1
    and a one-line message naming ``script`` when the file is missing or out of date. Shared by the builders."""
    if "--check" in argv:
        if not out.is_file() or out.read_text(encoding="utf-8") != text:
            print(f"{out.name} is out of date: run {script}", file=sys.stderr)
            return 1
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out.name}: {text.count(chr(10))} documents")
    return 0


def main(argv: list[str]) -> int:
    return write_or_check(render(build()), OUT, "bench/probe/build_probe.py", argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
