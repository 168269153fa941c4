"""CLI conventions: mistyped options are refused before anything changes (exit 2, one line naming the
likely intended option), one name for the output root (``--output``, ``--dataset`` deprecated), and a CLI
that starts without importing Beam."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipelines.cli import build_parser
from pipelines.commands.options import UsageError, check_extra_args, suggest
from pipelines.dataset import publish
from tests.conftest import REPO, run_cli
from tests.pipelines import gate_data as D
from tests.pipelines.purge_helpers import tree_digest
from transforms import PIPELINE_VERSION


@pytest.fixture
def published(tmp_path):
    c = D.Crafted(tmp_path / "out").write()
    publish(c.layout, c.version)
    return c


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        (["--dryrun"], "--dry-run"),
        (["--dry_run", "true"], "--dry-run"),  # Beam has its own --dry_run: it must not swallow ours
        (["--dry_run=true"], "--dry-run"),
        (["--dry-run", "true"], None),  # stray value
    ],
)
def test_purge_with_mistyped_option_changes_nothing_and_exits_2(published, typo, meant):
    before = tree_digest(published.out)
    proc = run_cli("purge", "--output", str(published.out), "--as-of", "2100-01-01", *typo)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("redact purge: error:"), proc.stderr
    if meant:
        assert typo[0].split("=")[0] in lines[0] and f"did you mean {meant}?" in lines[0]
    else:
        assert "'true'" in lines[0]
    assert "nothing was changed" in lines[0]
    assert tree_digest(published.out) == before


def test_run_with_no_publish_typo_is_refused_before_reading(tmp_path):
    proc = run_cli("run", "--input", str(tmp_path / "missing"), "--output", str(tmp_path / "o"), "--no_publish")
    assert proc.returncode == 2
    assert "unknown option --no_publish (did you mean --no-publish?)" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_unknown_beam_option_names_the_closest_beam_option(tmp_path):
    proc = run_cli("run", "--input", "x", "--output", str(tmp_path / "o"), "--runer", "DirectRunner")
    assert proc.returncode == 2 and "did you mean --runner?" in proc.stderr


def test_known_beam_options_are_accepted():
    check_extra_args(["--runner", "DirectRunner", "--direct_num_workers=2"], ["--output"], beam=True)


def test_beam_options_are_refused_where_no_beam_pipeline_runs():
    with pytest.raises(UsageError, match="unknown option --runner"):
        check_extra_args(["--runner", "DirectRunner"], ["--output"], beam=False)


@pytest.mark.parametrize(
    "args",
    [
        ["--runner=PrismRunner"],
        ["--runner", "prism"],
        ["--runner=PrismRunner", "--prism_location=https://github.com/apache/beam/releases/x.zip"],
    ],
)
def test_a_runner_that_would_download_prism_is_refused(args):
    with pytest.raises(UsageError, match="downloads Beam's Prism binary from GitHub"):
        check_extra_args(args, ["--output"], beam=True)


def test_prism_with_a_local_binary_is_accepted():
    check_extra_args(["--runner=PrismRunner", "--prism_location=/opt/beam/prism"], ["--output"], beam=True)


def test_run_refuses_prism_before_reading(tmp_path):
    proc = run_cli("run", "--input", str(tmp_path / "missing"), "--output", str(tmp_path / "o"), "--runner=prism")
    assert proc.returncode == 2 and "--prism_location" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "o").exists()


def test_bad_value_of_a_beam_option_is_refused():
    with pytest.raises(UsageError, match="direct_num_workers"):
        check_extra_args(["--direct_num_workers", "many"], [], beam=True)


@pytest.mark.parametrize(
    ("typo", "expected"),
    [("--no_publish", "--no-publish"), ("--dryrun", "--dry-run"), ("--outptu", "--output"), ("--zzz", None)],
)
def test_suggest(typo, expected):
    assert suggest(typo, ["--no-publish", "--dry-run", "--output", "--as-of"]) == expected


def test_no_abbreviations():
    with pytest.raises(SystemExit):
        build_parser().parse_args(["gate", "--out", "x"])


@pytest.mark.parametrize("command", ["gate", "publish", "purge"])
def test_dataset_is_a_deprecated_alias_of_output(command, capsys):
    extra = {"publish": ["--version", "v1"], "purge": ["--as-of", "now"]}.get(command, [])
    args = build_parser().parse_args([command, "--dataset", "ROOT", *extra])
    assert args.output == "ROOT"
    assert "--dataset is deprecated" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["run", "gate", "publish", "purge", "reveal"])
def test_every_command_names_the_root_output(command):
    extra = {
        "run": ["--input", "x"],
        "publish": ["--version", "v1"],
        "purge": ["--as-of", "now"],
        "reveal": ["--reason", "r", "<PERSON_0000000000000000>"],
    }.get(command, [])
    assert build_parser().parse_args([command, "--output", "ROOT", *extra]).output == "ROOT"


def test_keys_commands_take_output():
    assert build_parser().parse_args(["keys", "info", "--output", "ROOT"]).output == "ROOT"


def test_reveal_whole_version_switch_and_its_old_spelling(capsys):
    new = build_parser().parse_args(["reveal", "--output", "R", "--whole-version", "--write", "f", "--reason", "r"])
    assert new.whole_version is True and new.output == "R"
    old = build_parser().parse_args(["reveal", "--output", "R", "--dataset", "--write", "f", "--reason", "r"])
    assert old.whole_version is True
    assert "--dataset is deprecated" in capsys.readouterr().err


def test_version_prints_the_package_version():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"redact {PIPELINE_VERSION}"


def test_global_options_go_before_or_after_the_command():
    assert build_parser().parse_args(["--log-format", "json", "gate", "--output", "R"]).log_format == "json"
    assert build_parser().parse_args(["gate", "--output", "R", "--log-format", "json"]).log_format == "json"
    assert build_parser().parse_args(["gate", "--output", "R"]).log_format == "text"


def test_building_the_cli_imports_nothing_heavy():
    code = (
        "import sys; from pipelines.cli import build_parser; build_parser().format_help(); "
        "heavy = ['apache_beam', 'presidio_analyzer', 'great_expectations', 'tink', 'pyarrow', 'pandas', "
        "'spacy', 'rich.progress']; print(','.join(m for m in heavy if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


@pytest.mark.parametrize(
    ("argv", "typo"),
    [
        (["run", "--input", "x", "--outptu", "o"], "--outptu"),
        (["gate", "--ouput=o"], "--ouput"),  # required through a mutually exclusive group (--dataset alias)
        (["keys", "rotate", "--otuput", "o"], "--otuput"),
    ],
)
def test_mistyped_required_option_names_the_option_meant(argv, typo, capsys):
    from pipelines.cli import main

    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        f"redact {' '.join(argv[: 2 if argv[0] == 'keys' else 1])}: error: unknown option {typo} "
        "(did you mean --output?); nothing was changed"
    ]


def test_missing_required_option_without_a_typo_keeps_argparse_usage(capsys):
    from pipelines.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["gate", "--zzz"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.startswith("usage: redact gate") and "--output is required" in err
