"""End to end through the CLI with an attacker's input folder: symlinks to the KEK and to a secret outside
the root, a FIFO, a hidden folder, broken links, PII given as ids. Nothing of them is published, every
listed path is counted under a reason, and the run does not hang."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_cli, write_jsonl

pytestmark = pytest.mark.slow

SECRET = "ghp_Zx81QvTt0Lmn4Kd9outsideSecretLine"
HIDDEN = "hidden-folder-line-must-not-appear"
PII_IDS = ["ines.varga@postbox-example.com", "212-09-4471", "4012 8888 8888 1881"]


def _every_byte(root: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    root, outside = base / "in", base / "outside"
    outside.mkdir()
    (outside / "token.txt").write_text(f"api token {SECRET}\n")
    kek_path = base / "cfg" / "dev-kek.json"
    write_jsonl(root / "docs.jsonl", [{"id": i, "text": f"Ticket {n} was closed."} for n, i in enumerate(PII_IDS)])
    (root / "kek.json").symlink_to(kek_path)
    (root / "notes.txt").symlink_to(outside / "token.txt")
    (root / "broken.txt").symlink_to(root / "nothing-here.txt")
    os.mkfifo(root / "pipe.jsonl")
    (root / ".config" / "redact").mkdir(parents=True)
    (root / ".config" / "redact" / "x.txt").write_text(HIDDEN + "\n")
    out = base / "out"
    proc = run_cli(
        "run",
        "--input",
        str(root),
        "--output",
        str(out),
        "--kek-uri",
        f"local://{kek_path}",
        "--summary-json",
        str(base / "s.json"),
        timeout=600,  # a FIFO that is opened hangs the run forever: the timeout turns that into a failure
    )
    assert proc.returncode == 0, proc.stderr
    return {"out": out, "kek": kek_path, "summary": json.loads((base / "s.json").read_text()), "proc": proc}


def test_nothing_hostile_is_published(hostile_run):
    kek_text = hostile_run["kek"].read_bytes()
    key_value = json.loads(kek_text)  # the dev KEK file is JSON: its key material must appear nowhere
    assert key_value
    needles = [SECRET.encode(), HIDDEN.encode(), kek_text.strip()] + [i.encode() for i in PII_IDS]
    needles += [i.replace(" ", "").replace("-", "").encode() for i in PII_IDS[1:]]
    for path, data in _every_byte(hostile_run["out"]):
        for needle in needles:
            assert needle not in data, f"{path.relative_to(hostile_run['out'])} holds a planted value"
    text = hostile_run["proc"].stdout + hostile_run["proc"].stderr
    assert not any(n.decode() in text for n in needles)


def test_every_listed_path_is_counted_and_reconciled(hostile_run):
    s = hostile_run["summary"]
    c = s["counts"]
    assert c["written"] == len(PII_IDS)
    assert c["dropped"] == {
        "input.broken_symlink": 1,
        "input.hidden": 1,
        "input.not_regular": 1,
        "input.symlink_escape": 2,
    }
    assert c["read"] == c["written"] + c["quarantined_total"] + c["dropped_total"]
    assert s["reconciliation"]["ok"] and s["published"]
