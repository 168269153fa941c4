"""``redact reveal`` of an indexed (``<PERSON_1>``) or typed (``<PERSON>``) placeholder: one clear line
saying what to pass instead, exit 2, audited as refused, before any key is touched."""

from __future__ import annotations

import json

import pytest

from pipelines.dataset import Layout
from pipelines.reveal import reveal
from tests.conftest import run_cli
from transforms.errors import ConfigError

REASON = "ticket 7: access request"


@pytest.mark.parametrize(
    ("placeholder", "says"),
    [("<PERSON_1>", "--whole-version --write FILE"), ("<EMAIL_ADDRESS>", "typed placeholder")],
    ids=["indexed", "typed"],
)
def test_a_placeholder_is_refused_with_what_to_pass_instead(tmp_path, kek_uri, placeholder, says):
    layout = Layout.build(str(tmp_path / "out"))
    with pytest.raises(ConfigError, match=says):
        reveal(layout, "default", kek_uri, ["<PERSON_3f9a1c7b2d4e5f60>", placeholder], REASON)
    assert not (tmp_path / "kek").exists()  # refused before any key was opened (the dev KEK is made on first use)
    (event,) = [json.loads(p.read_text()) for p in (tmp_path / "out" / "audit" / "reveal").glob("*.json")]
    assert event["outcome"] == "refused" and placeholder not in json.dumps(event)


def test_reveal_cli_indexed_placeholder_one_line_exit_2(tmp_path, kek_uri):
    proc = run_cli("reveal", "<PERSON_1>", "--output", str(tmp_path / "out"), "--reason", REASON, "--kek-uri", kek_uri)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert lines[0].startswith("redact: error: an argument is an indexed placeholder") and "--whole-version" in lines[0]
    assert "<PERSON_1>" not in proc.stderr


def test_a_malformed_argument_is_not_echoed(tmp_path, kek_uri):
    raw = "Marisol Quintanilla"  # someone pasted a value instead of a token
    proc = run_cli("reveal", raw, "--output", str(tmp_path / "out"), "--reason", REASON, "--kek-uri", kek_uri)
    assert proc.returncode == 2 and raw not in proc.stdout + proc.stderr


@pytest.mark.parametrize("arg", ["<ACCOUNT_123456789>", "<SSN078051120>"], ids=["indexed", "typed"])
def test_a_placeholder_shaped_argument_is_not_echoed(tmp_path, kek_uri, arg):
    """Placeholder-shaped, yet it can carry an account or social security number: never echoed."""
    layout = Layout.build(str(tmp_path / "out"))
    with pytest.raises(ConfigError, match="placeholder") as info:
        reveal(layout, "default", kek_uri, [arg], REASON)
    digits = "".join(c for c in arg if c.isdigit())
    assert digits not in str(info.value) and arg not in str(info.value)
