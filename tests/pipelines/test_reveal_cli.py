"""``redact reveal`` with the local development KEK: sources, output rules, audit, usage errors."""

from __future__ import annotations

import json

import pytest

from pipelines.audit import reason_fields
from tests.conftest import run_cli
from tests.pipelines.keys_e2e import (
    assert_audit_clean,
    audit_events,
    corpus,
    current_version,
    fails,
    file_mode,
    ok,
    person_token,
    reveal_values,
    training_texts,
)

pytestmark = pytest.mark.slow
REASON = "ticket 42: data subject access request"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One published version (scope ``r``) under a fresh local KEK."""
    tmp = tmp_path_factory.mktemp("reveal")
    env = {"XDG_CONFIG_HOME": str(tmp / "xdg")}
    kek = f"local://{tmp / 'kek.json'}"
    out = tmp / "out"
    common = ["--output", str(out), "--kek-uri", kek, "--scope", "r"]
    ok("run", "--input", str(corpus(tmp)), *common, env=env)
    texts = training_texts(out, current_version(out))
    return {"tmp": tmp, "env": env, "out": out, "common": common, "texts": texts}


def _reveal(pub, *args, expect_ok=True, code=None):
    argv = ("reveal", *args, *pub["common"])
    return ok(*argv, env=pub["env"]) if expect_ok else fails(*argv, env=pub["env"], code=code)


def test_reveal_one_list_and_file(published):
    texts = published["texts"]
    token = person_token(texts)
    email = next(t for t in sorted({w for v in texts.values() for w in v.split()}) if "<EMAIL_ADDRESS_" in t)
    email = email[email.index("<") : email.index(">") + 1]
    one = reveal_values(_reveal(published, token, "--reason", REASON).stdout)
    assert one[token] in {"emily carter", "rahul mehta"}
    many = reveal_values(_reveal(published, token, email, "--reason", REASON).stdout)
    assert many[token] == one[token] and many[email].endswith("@example.org")
    tokens_file = published["tmp"] / "tokens.txt"
    tokens_file.write_text(f"# tokens to check\n{token}\n\n{email}\n")
    from_file = reveal_values(_reveal(published, "--tokens-file", str(tokens_file), "--reason", REASON).stdout)
    assert from_file == many
    target = published["tmp"] / "values.tsv"
    quiet = _reveal(published, token, "--write", str(target), "--reason", REASON)
    assert one[token] not in quiet.stdout + quiet.stderr
    assert reveal_values(target.read_text()) == one and file_mode(target) == 0o600


def test_reveal_dataset_defaults_to_published_version(published):
    target = published["tmp"] / "dataset.jsonl"
    done = _reveal(published, "--whole-version", "--write", str(target), "--reason", REASON)
    assert current_version(published["out"]) in done.stdout
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert {r["doc_id"] for r in rows} == set(published["texts"])
    assert any("emily carter" in r["text"] for r in rows) and not any("<PERSON_" in r["text"] for r in rows)
    assert "emily carter" not in done.stdout + done.stderr
    again = _reveal(published, "--whole-version", "--write", str(target), "--reason", REASON, expect_ok=False, code=2)
    assert "already exists" in again.stderr
    inside = published["out"] / "training" / "x.jsonl"
    assert (
        "inside an output root"
        in _reveal(
            published, "--whole-version", "--write", str(inside), "--reason", REASON, expect_ok=False, code=2
        ).stderr
    )


def test_unknown_token_exits_non_zero(published):
    proc = run_cli(
        "reveal", "<PERSON_0000000000000000>", "--reason", REASON, *published["common"], env=published["env"]
    )
    assert proc.returncode == 1 and "(not in vault)" in proc.stdout and "1 of 1 tokens not in the vault" in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["<PERSON_0000000000000000>", "--reason", "  "], "--reason must not be empty"),
        (["not-a-token", "--reason", REASON], "must look like"),
        (["--reason", REASON], "exactly one of"),
        (["--whole-version", "--reason", REASON], "needs --write"),
        (["<PERSON_0000000000000000>", "--version", "v1", "--reason", REASON], "only applies with --whole-version"),
        (["--tokens-file", "/nonexistent/tokens.txt", "--reason", REASON], "tokens file not found"),
        (["--whole-version", "--version", "v0", "--write", "/tmp/never.jsonl", "--reason", REASON], "no manifest"),
    ],
)
def test_reveal_usage_errors_fail(published, args, message, capsys):
    from pipelines.cli import main  # in-process: usage errors are raised before any key is touched

    assert main(["reveal", *args, *published["common"]]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_reveal_without_reason_fails(published, capsys):
    from pipelines.cli import main

    before = len(audit_events(published["out"], "reveal"))
    assert main(["reveal", "<PERSON_0000000000000000>", *published["common"]]) == 2
    assert "--reason" in capsys.readouterr().err
    events = audit_events(published["out"], "reveal")  # the refused attempt is audited too
    assert len(events) == before + 1 and events[-1]["outcome"] == "refused" and events[-1]["reason_chars"] == 0


def test_reveal_wrong_scope_for_dataset_fails(published):
    argv = ["reveal", "--whole-version", "--write", str(published["tmp"] / "s.jsonl"), "--reason", REASON]
    proc = fails(*argv, *published["common"], "--scope", "other", env=published["env"], code=2)
    assert "tokenized in scope 'r'" in proc.stderr


def test_every_reveal_is_audited_without_values(published):
    before = len(audit_events(published["out"], "reveal"))
    _reveal(published, person_token(published["texts"]), "--reason", REASON)
    events = audit_events(published["out"], "reveal")
    assert len(events) == before + 1
    want = reason_fields(REASON)["reason_sha256"]
    assert events and all("reason" not in e for e in events) and events[-1]["scope"] == "r"
    assert events[-1]["reason_sha256"] == want and events[-1]["reason_chars"] == len(REASON)
    assert all({"operator", "at", "outcome", "mode", "reason_sha256"} <= e.keys() for e in events)
    assert_audit_clean(published["out"])
