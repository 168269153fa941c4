"""infra/ stays valid: Terraform parses as HCL2, Kubernetes manifests validate against their schemas
(CRDs: structure checked), the Flex Template metadata matches the CLI, and images pin one Beam version."""

from __future__ import annotations

import json
from pathlib import Path

import hcl2
import kubernetes_validate
import pytest
import yaml

from pipelines.flex_main import translate
from tests.conftest import REPO

INFRA = REPO / "infra"
K8S_VERSION = "1.30.0"


def _k8s_docs() -> list[tuple[Path, dict]]:
    return [
        (path, doc)
        for path in sorted(INFRA.rglob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if isinstance(doc, dict) and "apiVersion" in doc
    ]


@pytest.mark.parametrize("path", sorted(INFRA.rglob("*.tf")), ids=lambda p: str(p.relative_to(INFRA)))
def test_terraform_parses(path):
    with path.open() as fh:
        assert hcl2.load(fh)


def test_kubernetes_manifests_validate():
    docs = _k8s_docs()
    assert docs
    for path, doc in docs:
        if doc["apiVersion"].startswith("flink.apache.org/"):
            assert {"image", "flinkVersion", "jobManager", "taskManager"} <= set(doc["spec"]), path
            continue
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_images_pin_the_beam_version_of_the_lock_file():
    lock = (REPO / "requirements.lock").read_text()
    beam = next(line.split("==")[1] for line in lock.splitlines() if line.startswith("apache-beam=="))
    texts = [p.read_text() for p in INFRA.rglob("*") if p.is_file()]
    pinned = [t for t in texts if "beam_" in t and ":2." in t]
    assert pinned and all(f":{beam}" in t for t in pinned)


def test_flex_template_parameters_map_to_cli_options():
    meta = json.loads((INFRA / "dataflow" / "metadata.json").read_text())
    argv = [f"--{p['name']}=x" for p in meta["parameters"]]
    from pipelines.cli import build_parser

    args, extra = build_parser().parse_known_args(translate(argv))
    assert args.command == "run" and args.input == ["x"] and args.kek_uri == "x" and not extra
