"""Running a Beam graph for ``run`` and ``purge``: options, run to completion, error mapping, counters.

Our own errors surface as they are (their messages hold ids only); foreign runner errors become a
one-line ``PipelineFailure`` naming the cause in fixed words (``pipelines/failures.py``), never a message
that could echo a value.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import DirectOptions, PipelineOptions, StandardOptions
from apache_beam.runners.runner import PipelineRunner

from pipelines import runner_names
from pipelines.failures import explain_runner_failure
from pipelines.storage import with_storage_env
from transforms.counters import NS
from transforms.errors import PipelineFailure, RedactError

log = logging.getLogger(__name__)

WORKER_MODULE = "pipelines.beam_worker"  # a local multi-processing worker's entry point (exits promptly)
_BEAM_HARNESS = "apache_beam.runners.worker.sdk_worker_main"


def pipeline_options(beam_args: list[str]) -> PipelineOptions:
    options = PipelineOptions(with_storage_env(beam_args))
    std = options.view_as(StandardOptions)
    if not std.runner:
        std.runner = "DirectRunner"
    return options


def local_workers(beam_args: list[str]) -> int:
    """Worker processes of a local DirectRunner run (``--direct_num_workers``, 0 = every core); 1 otherwise.

    Steps that run alone on the launcher after the pipeline (the gate's NER scan) may use as many."""
    options = pipeline_options(beam_args)
    if not _is_local(options):
        return 1
    direct = options.view_as(DirectOptions)
    if direct.direct_running_mode != "multi_processing":
        return 1
    cores = os.cpu_count() or 1
    return max(1, min(direct.direct_num_workers or cores, cores))


def runs_locally(beam_args: list[str]) -> bool:
    """Does the pipeline run on this machine (a DirectRunner), not on a remote service (Dataflow, Flink)?"""
    return _is_local(pipeline_options(beam_args))


def dofns_run_here(beam_args: list[str]) -> bool:
    """Do the pipeline's DoFns run in this process (the DirectRunner with one worker, in-process or in
    threads; the PortableRunner with LOOPBACK workers)? Then their live counts (``transforms.progress``)
    are seen here; with worker processes or a remote runner only Beam's metrics at the end are."""
    from apache_beam.options.pipeline_options import PortableOptions

    options = pipeline_options(beam_args)
    if _is_local(options):
        return local_workers(beam_args) == 1
    return (options.view_as(PortableOptions).environment_type or "").upper() == "LOOPBACK"


def ner_child_wanted(choice: str, beam_args: list[str]) -> bool:
    """``--ner-child``: ``on``/``off`` as said; ``auto``: yes where the runner does not parallelise and a
    core would stay idle: the pipeline runs here, with one worker (or in-process threads, which share one
    core's worth of Python), on a machine with another core. Remote runners run a worker per core."""
    from transforms.child_process import child_wanted

    return child_wanted(choice, helps=runs_locally(beam_args) and local_workers(beam_args) == 1)


# Runners that hold a GroupByKey's data in their own memory: Beam's FnApiRunner behind the DirectRunner
# family, and Prism (Beam's local runner in Go). The PortableRunner too when its job service is embedded.
_IN_MEMORY_RUNNERS = (*runner_names.DIRECT, runner_names.PRISM)


def shuffles_in_memory(beam_args: list[str]) -> bool:
    """Would a ``GroupByKey`` be held in one process's memory? True for the local runners (the DirectRunner
    family, Prism) and for the PortableRunner with an embedded job service (``--job_endpoint=embed``, or
    none); False for everything else (Dataflow, Flink, Spark, a portable job service elsewhere): those
    shuffle outside the workers, and a single-process step would be a bottleneck there."""
    from apache_beam.options.pipeline_options import PortableOptions

    options = pipeline_options(beam_args)
    name = runner_names.runner_key(options.view_as(StandardOptions).runner)
    if name in _IN_MEMORY_RUNNERS:
        return True
    if name == runner_names.PORTABLE:
        return options.view_as(PortableOptions).job_endpoint in (None, "", "embed")
    return False


def _is_local(options) -> bool:
    return runner_names.is_direct(options.view_as(StandardOptions).runner)


class LocalRunner(PipelineRunner):
    """Beam's ``DirectRunner`` for batch graphs, minus its first attempt: since Beam 2.6x the DirectRunner
    tries the Prism runner first, and Prism is a Go binary the runner downloads from GitHub when it is not
    cached. A run must make no network call besides the configured KMS and storage, and must not change
    engines silently, so local runs go straight to the FnApiRunner, exactly as the DirectRunner does when
    Prism is unavailable (same provision info, same ``--direct_num_workers``/``--direct_running_mode``)."""

    def run_pipeline(self, pipeline, options):
        from apache_beam.portability.api import beam_provision_api_pb2
        from apache_beam.runners.portability.fn_api_runner import fn_runner
        from apache_beam.runners.portability.portable_runner import JobServiceHandle

        encoded = JobServiceHandle.encode_pipeline_options(options.get_all_options())
        info = fn_runner.ExtendedProvisionInfo(beam_provision_api_pb2.ProvisionInfo(pipeline_options=encoded))
        return _fn_api_runner()(provision_info=info).run_pipeline(pipeline, options)


@functools.cache
def _fn_api_runner() -> type:
    """Beam's FnApiRunner, starting subprocess workers through ``WORKER_MODULE`` (imported on first use)."""
    from apache_beam.runners.portability.fn_api_runner import fn_runner

    class _FnApiRunner(fn_runner.FnApiRunner):
        def run_via_runner_api(self, pipeline_proto, options):
            from pipelines import warm_workers

            use_prompt_exit_workers(pipeline_proto)
            if warm_workers.use_forked_workers(pipeline_proto, WORKER_MODULE):
                warm_workers.register()
            return super().run_via_runner_api(pipeline_proto, options)

    return _FnApiRunner


def use_prompt_exit_workers(pipeline_proto) -> int:
    """Point the subprocess environments that run Beam's default worker command (``python -m
    apache_beam.runners.worker.sdk_worker_main``, what multi_processing mode sets) at ``WORKER_MODULE``
    instead; any other environment is left alone. Returns how many were changed."""
    from apache_beam.portability import python_urns

    beam_default = f"{sys.executable} -m {_BEAM_HARNESS}".encode()
    changed = 0
    for env in pipeline_proto.components.environments.values():
        if env.urn == python_urns.SUBPROCESS_SDK and env.payload == beam_default:
            env.payload = f"{sys.executable} -m {WORKER_MODULE}".encode()
            changed += 1
    return changed


def make_pipeline(beam_args: list[str]) -> beam.Pipeline:
    """A ``beam.Pipeline`` for ``beam_args``; the (default) DirectRunner, however spelled (``direct``),
    becomes ``LocalRunner``: Beam's own would first try Prism, downloading it from GitHub."""
    options = pipeline_options(beam_args)
    if runner_names.runner_key(options.view_as(StandardOptions).runner) in runner_names.TRIES_PRISM_FIRST:
        return beam.Pipeline(runner=LocalRunner(), options=options)
    return beam.Pipeline(options=options)


def run_beam(build: Callable[[beam.Pipeline], None], beam_args: list[str], what: str) -> dict[str, int]:
    """Build a graph with ``build(pipeline)``, run it to completion, return the ``redact`` counters."""
    p = make_pipeline(beam_args)
    build(p)
    try:
        result = p.run()
        result.wait_until_finish()
    except RedactError:
        raise
    except Exception as exc:
        cause = redact_cause(exc)
        if cause is not None:
            raise cause from None
        log.debug("%s failed; the runner's traceback (may quote library messages):", what, exc_info=True)
        raise PipelineFailure(f"{what} failed: {explain_runner_failure(exc)}; nothing was published") from None
    return collect_counters(result)


def redact_cause(exc: BaseException) -> RedactError | None:
    """Runners wrap DoFn errors; surface ours (messages hold ids only) and drop foreign ones. No message
    text is parsed: outcomes the driver must act on (token collisions) travel as counters instead."""
    seen = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, RedactError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def collect_counters(result) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for c in result.metrics().query(MetricsFilter().with_namespace(NS))["counters"]:
        value = c.committed if c.committed is not None else c.attempted
        counts[c.key.metric.name] += int(value or 0)
    return dict(counts)
