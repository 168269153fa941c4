"""``redact model-hashes``: write the hash manifest of an installed spaCy model (to pin another model)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("model-hashes", help="write the sha256 manifest of an installed spaCy model")
    p.add_argument("--model", required=True, help="installed spaCy model package, e.g. en_core_web_lg")
    p.add_argument(
        "--output", required=True, metavar="FILE", help="where to write the manifest JSON (a file, not an output root)"
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from transforms.detection.model_integrity import build_manifest

    manifest = build_manifest(args.model)
    Path(args.output).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    print(f"{args.model} {manifest['version']} sha256 {manifest['sha256']} ({len(manifest['files'])} files)")
    print(f"review it, then set detection.nlp.name: {args.model} and detection.nlp.hashes_file: {args.output}")
    return 0
