"""``pipelines/flex_main.py``: the command line Dataflow's launcher builds reaches ``redact run`` whole.

The launcher runs the template's Python file with the job's pipeline options (``--runner``, ``--project``,
``--region``, ``--temp_location``, ``--staging_location``, ``--service_account_email``,
``--sdk_container_image``, ``--job_name`` ...) and the template parameters of
``infra/dataflow/metadata.json`` as ``--name=value``: none may be refused by the strict option check, and
each pipeline option must arrive in Beam's ``PipelineOptions``. A Flex launch also passes
``--template_location=<staging>/template_launches/<id>/job_object``, which makes Beam stage the job graph
and return without running it; ``redact run`` waits for its job (manifest, gate and publish follow it), so
that option is refused with one line before anything is written instead of going on as if an empty job
had succeeded."""

from __future__ import annotations

import json

import pytest
from apache_beam.options.pipeline_options import GoogleCloudOptions, StandardOptions, WorkerOptions

from pipelines import cli
from pipelines.beam_runner import pipeline_options
from pipelines.flex_main import translate
from tests.conftest import REPO
from transforms.errors import PipelineFailure

KEK = "gcp-kms://projects/p-1/locations/europe-west1/keyRings/redact/cryptoKeys/kek"
PIPELINE_OPTIONS = [
    "--runner=DataflowRunner",
    "--project=p-1",
    "--region=europe-west1",
    "--temp_location=gs://p-1-dataflow/tmp",
    "--staging_location=gs://p-1-dataflow/staging",
    "--service_account_email=redact-run@p-1.iam.gserviceaccount.com",
    "--sdk_container_image=europe-west1-docker.pkg.dev/p-1/redact/redact-launcher:1.0",
    "--job_name=redact-run-20300101",
    "--labels=goog-dataflow-provided-template-type=flex",
    "--max_num_workers=8",
    "--worker_machine_type=n2-standard-4",
    "--subnetwork=regions/europe-west1/subnetworks/redact",
    "--no_use_public_ips",
    "--dataflow_kms_key=projects/p-1/locations/europe-west1/keyRings/redact/cryptoKeys/cmek",
    "--experiments=use_runner_v2",
]
JOB_OBJECT = "--template_location=gs://p-1-dataflow/staging/template_launches/2030-01-01_00_00_00-1/job_object"


class _Stop(PipelineFailure):
    """Raised by the stubbed driver once it has the request (nothing is run)."""


def _params(tmp_path) -> dict[str, str]:
    """One value per template parameter of metadata.json (local paths: nothing leaves the machine)."""
    for name in ("a", "b"):
        (tmp_path / "in" / name).mkdir(parents=True)
    config = tmp_path / "config.yaml"
    config.write_text("progress_every: 1000\n")
    values = {
        "input": f"{tmp_path / 'in' / 'a'},{tmp_path / 'in' / 'b'}",
        "output": str(tmp_path / "out"),
        "config": str(config),
        "kek_uri": KEK,
        "scope": "tenant-a",
    }
    meta = json.loads((REPO / "infra" / "dataflow" / "metadata.json").read_text())
    assert sorted(p["name"] for p in meta["parameters"]) == sorted(values)  # a new parameter needs a value here
    return values


def _stub_run(monkeypatch) -> list:
    import pipelines.run

    seen = []

    def stub_run(req, gate=None):
        seen.append(req)
        raise _Stop("stub: stopped before the pipeline")

    monkeypatch.setattr(pipelines.run, "run", stub_run)
    return seen


def test_the_launchers_command_line_reaches_the_pipeline(tmp_path, monkeypatch, capsys):
    seen = _stub_run(monkeypatch)
    params = _params(tmp_path)
    argv = PIPELINE_OPTIONS + [f"--{k}={v}" for k, v in params.items()]  # the launcher's shape: --name=value

    code = cli.main(translate(argv))

    err = capsys.readouterr().err
    assert seen, f"refused before the pipeline (exit {code}): {err}"
    assert code == _Stop.exit_code and "stub: stopped" in err
    req = seen[0]
    assert req.inputs == params["input"].split(",") and req.output == params["output"]
    assert req.config.keys.kek_uri == KEK and req.config.keys.scope == "tenant-a"
    assert req.beam_args == PIPELINE_OPTIONS  # every pipeline option, unchanged, and nothing else
    opts = pipeline_options(req.beam_args)
    gcp = opts.view_as(GoogleCloudOptions)
    assert opts.view_as(StandardOptions).runner == "DataflowRunner"
    assert (gcp.project, gcp.region, gcp.job_name) == ("p-1", "europe-west1", "redact-run-20300101")
    assert gcp.temp_location == "gs://p-1-dataflow/tmp" and gcp.staging_location == "gs://p-1-dataflow/staging"
    assert gcp.dataflow_kms_key.endswith("/cmek")
    assert gcp.service_account_email == "redact-run@p-1.iam.gserviceaccount.com"
    assert opts.view_as(WorkerOptions).sdk_container_image.endswith("redact-launcher:1.0")
    assert opts.view_as(WorkerOptions).max_num_workers == 8


def test_a_staged_template_launch_is_refused_in_one_line_before_anything_is_written(tmp_path, monkeypatch, capsys):
    seen = _stub_run(monkeypatch)
    params = _params(tmp_path)
    argv = [*PIPELINE_OPTIONS, JOB_OBJECT] + [f"--{k}={v}" for k, v in params.items()]
    assert cli.main(translate(argv)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("redact run: error: --template_location stages"), err
    assert seen == [] and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "bad",
    ["--kek_urii=x", "--temp_locaton=gs://b/t", "--no_publish"],
    ids=["misspelled parameter", "misspelled beam option", "unknown parameter"],
)
def test_a_misspelled_launcher_option_is_still_refused(tmp_path, bad, capsys):
    params = _params(tmp_path)
    argv = PIPELINE_OPTIONS + [f"--{k}={v}" for k, v in params.items()] + [bad]
    assert cli.main(translate(argv)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown option" in err[0] and "nothing was changed" in err[0]
