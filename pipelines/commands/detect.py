"""``redact detect``: detection only, same configuration and canonicalization as ``redact run``.

In: JSONL ``{"id", "text"}``. Out: JSONL ``{"id", "spans": [{"start", "end", "label", "score"}]}`` with
end-exclusive character offsets into the INPUT text. Runs in-process (no Beam): spaCy batches texts
through ``nlp.pipe``. A record whose detection fails is written with ``"spans": null`` and an
``"error"`` reason code, and the command exits non-zero (fail closed: no "no PII" answer for it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from pipelines.commands.common import add_config_options, config_from_args
from pipelines.commands.options import add_ner_child
from transforms.errors import InputError, PipelineFailure


def register(sub) -> None:
    p = sub.add_parser(
        "detect",
        help="detect PII spans in a JSONL file of texts",
        description="Detect PII with the same configuration as 'redact run'; write one JSON line of spans per "
        "input line (offsets into the input text, end-exclusive).",
    )
    p.add_argument("--input", required=True, metavar="FILE", help='JSONL with {"id", "text"} lines ("-" = stdin)')
    p.add_argument(
        "--output",
        required=True,
        metavar="FILE",
        help='JSONL file of spans ("-" = stdout); a file, not an output root (contract of DESIGN.md section 3)',
    )
    add_config_options(p)
    add_ner_child(
        p,
        auto="when the machine has another core",
        what="run spaCy's NER in a child process while the rest of detection runs",
    )
    p.set_defaults(func=main)


def read_texts(path: str, text_field: str = "text", id_field: str = "id") -> Iterator[tuple[str, str]]:
    """(id, text) pairs; a malformed line is an ``InputError`` naming the line, never its content."""
    fh = sys.stdin if path == "-" else _open(path)
    return _rows(fh, path, text_field, id_field)


def _rows(fh, path: str, text_field: str, id_field: str) -> Iterator[tuple[str, str]]:
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                raise InputError(f"{path}:{n}: not valid JSON") from None
            if not isinstance(row, dict) or not isinstance(row.get(text_field), str):
                raise InputError(f"{path}:{n}: expected an object with a string {text_field!r}")
            yield str(row.get(id_field, n)), row[text_field]


def _open(path: str):
    p = Path(path)
    if not p.is_file():
        raise InputError(f"input file not found: {path}")
    return p.open(encoding="utf-8")


def main(args: argparse.Namespace) -> int:
    from transforms.child_process import child_wanted
    from transforms.detection.service import DetectionService

    cfg = config_from_args(args)
    texts = read_texts(args.input, cfg.input.text_field, cfg.input.id_field)
    service = DetectionService(cfg, ner_child=child_wanted(args.ner_child))  # detect runs in this process
    if args.output == "-":  # stdout stays open (the entry point flushes it); logs go to stderr
        failed = _write_spans(service, texts, sys.stdout)
        sys.stdout.flush()
    else:
        with open(args.output, "w", encoding="utf-8") as out:
            failed = _write_spans(service, texts, out)
    if failed:
        raise PipelineFailure(f"detection failed for {failed} record(s); see their 'error' reason codes")
    return 0


def _write_spans(service, texts, out) -> int:
    """Write one JSON line per text; return how many failed detection."""
    failed = 0
    for det in service.detect_texts(texts):
        row: dict = {"id": det.doc_id}
        if det.spans is None:
            failed += 1
            row.update(spans=None, error=det.error)
        else:
            row["spans"] = [
                {"start": s.start, "end": s.end, "label": s.label, "score": round(s.score, 4)} for s in det.spans
            ]
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return failed
