"""``redact model-hashes``: write the hash manifest of a model, to pin it in the config.

``--model NAME``: an installed spaCy package (``detection.nlp.hashes_file``). ``--model-dir PATH``: a local
model folder of an extra NER engine, every file hashed (``detection.engines[].hashes_file``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("model-hashes", help="write the sha256 manifest of a spaCy model or a local model folder")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--model", help="installed spaCy model package, e.g. en_core_web_lg")
    which.add_argument("--model-dir", metavar="PATH", help="local model folder of an extra NER engine (ONNX)")
    p.add_argument(
        "--output", required=True, metavar="FILE", help="where to write the manifest JSON (a file, not an output root)"
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from transforms.detection.model_integrity import build_folder_manifest, build_manifest
    from transforms.errors import ConfigError

    if args.model_dir:
        out, folder = Path(args.output).resolve(), Path(args.model_dir).resolve()
        if folder == out or folder in out.parents:
            raise ConfigError("--output must lie outside --model-dir (the manifest would hash itself)")
        manifest = build_folder_manifest(args.model_dir)
        what, hint = args.model_dir, f"model_dir: {args.model_dir} and hashes_file: {args.output} in detection.engines"
    else:
        manifest = build_manifest(args.model)
        what = f"{args.model} {manifest['version']}"
        hint = f"detection.nlp.name: {args.model} and detection.nlp.hashes_file: {args.output}"
    Path(args.output).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    print(f"{what} sha256 {manifest['sha256']} ({len(manifest['files'])} files)")
    print(f"review it, then set {hint}")
    return 0
