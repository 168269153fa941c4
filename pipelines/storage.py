"""Object-store options for Beam's filesystems (``s3://`` via boto3, ``gs://`` via the GCS client).

Beam's S3 filesystem takes its endpoint, region and credentials from ``S3Options`` (``--s3_endpoint_url``,
``--s3_region_name``, ...). The standard AWS variables ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL`` and
``AWS_REGION`` / ``AWS_DEFAULT_REGION`` are mapped onto those options when the flags are not given, so a
MinIO/Ceph/moto endpoint works the same for the driver (listing inputs, manifest, CURRENT) and for
remote workers, which do not inherit the driver's environment. Credentials are never copied into
options: workers use their own credential chain (instance role, workload identity, env).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from transforms import fs, permissions

_ENV_FLAGS = (
    ("--s3_endpoint_url", ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")),
    ("--s3_region_name", ("AWS_REGION", "AWS_DEFAULT_REGION")),
)


def with_storage_env(beam_args: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """``beam_args`` plus S3 flags taken from the standard AWS environment variables (flags win)."""
    env = os.environ if environ is None else environ
    args = list(beam_args)
    for flag, names in _ENV_FLAGS:
        if any(a == flag or a.startswith(flag + "=") for a in args):
            continue
        value = next((env[n] for n in names if env.get(n)), None)
        if value:
            args.append(f"{flag}={value}")
    return args


def configure_filesystems(options: PipelineOptions) -> None:
    """Make the driver's own reads/writes (input listing, manifest, CURRENT) use the same options."""
    FileSystems.set_options(options)


def output_roots(layout) -> list[tuple[str, str]]:
    """``(kind, path)`` of every output root of ``layout`` (``pipelines.dataset.OUTPUT_KINDS``; kinds as in
    ``transforms.permissions.MODES``), plus the staging and lock folders. The canary vault lies inside
    the canary root and is handled by ``secure_outputs``."""
    from pipelines.dataset import CANARY_VAULT

    roots = [(kind, path) for kind, path in layout.roots().items() if kind != CANARY_VAULT]
    return [
        *roots,
        ("staging", fs.join(layout.out, ".runs")),
        ("staging", fs.join(layout.out, ".purge")),
        ("staging", layout.locks),
    ]


def prepare_roots(layout) -> None:
    """Before a pipeline writes: create every local root with its folder mode (restricted 0700, shared
    0750), so whatever Beam's sinks write inside them with the process umask is not reachable by
    others meanwhile."""
    for kind, path in output_roots(layout):
        permissions.ensure_dir(path, kind)


def secure_outputs(layout) -> None:
    """After the writers finished (files renamed into place): the permission rule on every local root.

    Canary vaults (``canaries/<version>/vault``) are restricted inside the otherwise shared canary root.
    Object stores are left to bucket policy and IAM (infra/terraform)."""
    for kind, path in output_roots(layout):
        permissions.apply_tree(path, kind)
    canaries = layout.canaries
    if not fs.is_remote(canaries) and os.path.isdir(canaries):
        for version in sorted(os.listdir(canaries)):
            permissions.apply_tree(layout.canary_vault_dir(version), "canary_vault")
