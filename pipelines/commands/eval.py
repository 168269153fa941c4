"""``redact eval``: score detection on a labelled JSONL set (metrics: ``shared/eval/README.md``).

Prints JSON: our detector's metrics and, with ``--baseline presidio``, vanilla Presidio's on the same
documents in the same run. Only counts and ratios are printed, never text.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from itertools import islice
from pathlib import Path

from pipelines.commands.common import add_config_options, config_from_args
from transforms.errors import InputError


def register(sub) -> None:
    p = sub.add_parser(
        "eval",
        help="score detection against gold spans",
        description="Recall, precision, F2, leak rate, entity recall and per-label recall (label-agnostic, over "
        "alphanumeric characters), printed as JSON.",
    )
    p.add_argument(
        "--gold", required=True, metavar="FILE", help='JSONL: {"id", "text", "spans": [{start, end, label}]}'
    )
    p.add_argument("--baseline", choices=["presidio"], help="also score vanilla Presidio on the same data")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N documents")
    p.add_argument("--output", metavar="FILE", help="also write the JSON here")
    p.add_argument(
        "--ablate",
        action="append",
        default=[],
        metavar="NAME",
        help="switch off a method (a key of the recognizer YAML's `methods`) or a recognizer by name; repeatable",
    )
    add_config_options(p)
    p.set_defaults(func=main)


def load_gold(path: str, limit: int | None = None) -> list[dict]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"gold file not found: {path}")
    docs = []
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(islice(fh, limit), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                docs.append(
                    {
                        "id": str(row.get("id", n)),
                        "text": row["text"],
                        "gold": [(int(s["start"]), int(s["end"]), str(s["label"])) for s in row.get("spans", [])],
                    }
                )
            except (ValueError, KeyError, TypeError):
                raise InputError(f"{path}:{n}: not a gold record with text and spans") from None
    return docs


def _ablated_config(cfg, names: list[str], tmp: Path):
    """The run config with a recognizer YAML copy that has the named methods/recognizers switched off."""
    import yaml

    from transforms.detection.recognizer_config import ablated, load_recognizers_file

    rules = ablated(load_recognizers_file(cfg.detection.recognizers_file), names)
    path = tmp / "recognizers.ablated.yaml"
    path.write_text(yaml.safe_dump(rules.model_dump(), sort_keys=False))
    detection = cfg.detection.model_copy(update={"recognizers_file": str(path)})
    return cfg.model_copy(update={"detection": detection})


def main(args: argparse.Namespace) -> int:
    from transforms.detection.eval_run import evaluate

    cfg = config_from_args(args)
    docs = load_gold(args.gold, args.limit)
    if args.ablate:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = _ablated_config(cfg, args.ablate, Path(tmp))
            result = {"gold": Path(args.gold).name, "ablate": args.ablate, **evaluate(cfg, docs, args.baseline)}
    else:
        result = {"gold": Path(args.gold).name, **evaluate(cfg, docs, baseline=args.baseline)}
    text = json.dumps(result, indent=2, sort_keys=False)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")
    return 0
