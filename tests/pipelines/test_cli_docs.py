"""docs/cli.md is generated from the argparse parsers: this fails when the two drift apart."""

from __future__ import annotations

from pipelines.cli_docs import render
from tests.conftest import REPO


def test_cli_reference_matches_the_parsers():
    on_disk = (REPO / "docs" / "cli.md").read_text()
    assert on_disk == render(), "docs/cli.md is stale: run `python scripts/gen_cli_docs.py`"


def test_cli_reference_covers_every_command():
    page = render()
    for name in (
        "run",
        "detect",
        "eval",
        "gate",
        "publish",
        "reveal",
        "keys create",
        "keys shred",
        "purge",
        "versions",
    ):
        assert f"## `redact {name}`" in page
    usage = [block.split("```", 1)[0] for block in page.split("```text")[1:]]
    assert usage and not any("--dataset" in u for u in usage)  # the deprecated alias is not advertised
