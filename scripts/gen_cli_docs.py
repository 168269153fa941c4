"""Write docs/cli.md from the argparse parsers: ``python scripts/gen_cli_docs.py``."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.cli_docs import render  # noqa: E402

if __name__ == "__main__":
    (REPO / "docs" / "cli.md").write_text(render())
    print(f"wrote {REPO / 'docs' / 'cli.md'}")
