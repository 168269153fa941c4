"""The purge schedules are valid YAML/HCL and run ``redact purge`` daily, one at a time."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from tests.conftest import REPO

INFRA = REPO / "infra" / "purge"


def test_cronjob_runs_purge_daily_without_overlap():
    docs = list(yaml.safe_load_all((INFRA / "cronjob.yaml").read_text()))
    cron = next(d for d in docs if d["kind"] == "CronJob")
    assert cron["apiVersion"] == "batch/v1"
    spec = cron["spec"]
    minute, hour, dom, month, dow = spec["schedule"].split()
    assert (dom, month, dow) == ("*", "*", "*") and minute.isdigit() and hour.isdigit()
    assert spec["concurrencyPolicy"] == "Forbid" and spec["timeZone"] == "Etc/UTC"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never" and pod["securityContext"]["runAsNonRoot"] is True
    args = pod["containers"][0]["args"]
    assert "purge" in args and args[args.index("--as-of") + 1] == "now" and "--output" in args
    mounts = {m["name"] for m in pod["containers"][0]["volumeMounts"]}
    assert {v["name"] for v in pod["volumes"]} == mounts
    config = next(d for d in docs if d["kind"] == "ConfigMap")
    assert yaml.safe_load(config["data"]["config.yaml"])["retention"]["policy_file"] == "/etc/redact/policy.yaml"


def test_scheduler_terraform_is_formatted_hcl():
    text = (INFRA / "scheduler.tf").read_text()
    assert 'resource "google_cloud_scheduler_job"' in text and 'resource "google_cloud_run_v2_job"' in text
    assert '"--as-of", "now"' in text and ":run" in text
    if shutil.which("terraform") is None:
        pytest.skip("terraform not installed: syntax not checked")
    r = subprocess.run(["terraform", "fmt", "-check", "-diff", str(INFRA)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
