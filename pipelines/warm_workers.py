"""Local multi-processing workers forked from one warm process instead of each starting cold.

A cold local worker (``python -m pipelines.beam_worker``) spends about 4 CPU-seconds before its first
record: Beam's harness, our transforms, Presidio and spaCy imported, the model loaded. With two workers
on two cores that is paid twice, on the critical path. Here the launcher starts Python's own fork server
(``multiprocessing`` "forkserver" context) as its first step, while it is still parsing options and
building the graph; the server imports those modules once (``PRELOAD``), and each worker is then a
``fork()`` of it: same code, already imported, ready in milliseconds.

The server is one process that forks on request and nothing else: no thread of ours and no gRPC
channel exist in it before a fork (the allocator's own background thread does). A worker gets exactly
the environment Beam gives a subprocess worker (the launcher's environment plus the control/logging
endpoints and pipeline options) and runs the same entry point (``pipelines.beam_worker.main``). Only runs that asked for it (``start()``) use it: every other
run, and every other runner, starts its workers as before; so does a worker the server fails to fork
(the server could not import its modules, or was killed): Beam's own spawn, with a warning.

Privacy contract: nothing is logged or written here; the server's socket lies in a private (0700) temp
folder of ``multiprocessing``'s own, named at random; environments travel over OS pipes only.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading

from pipelines import runner_names

log = logging.getLogger(__name__)

URN = "redact:env:forked_subprocess:v1"  # our environment: Beam's subprocess worker, forked warm

# What a worker of the main job imports before its first record (module names only; a missing one is
# skipped by the server, and the worker then imports it as usual).
PRELOAD = [
    "apache_beam.runners.worker.sdk_worker_main",
    "pipelines.beam_worker",
    "pipelines.graph",
    "transforms.detection.detector",
    "presidio_analyzer",
    "spacy",
    "pyarrow.parquet",
    "tink.daead",
    "pipelines.warm_detector",  # last: builds the default detector (spaCy model, recognizers) in the server
]

_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None
_registered = False  # URN's worker handler registered with Beam (``register``)


def wanted(beam_args: list[str]) -> bool:
    """Will the run have several local worker processes? Read from the three Beam options that decide it,
    without importing Beam (a second of the launcher's start-up, which the server's start overlaps); it
    agrees with ``pipelines.beam_runner.local_workers(beam_args) > 1`` (a test holds them together)."""
    import argparse

    p = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    p.add_argument("--runner")
    p.add_argument("--direct_running_mode")
    p.add_argument("--direct_num_workers", type=int, default=1)
    try:
        known, _ = p.parse_known_args(beam_args)
    except SystemExit:  # a malformed value: Beam reports it, in its own words
        return False
    if not runner_names.is_direct(known.runner) or known.direct_running_mode != "multi_processing":
        return False
    cores = os.cpu_count() or 1
    return min(known.direct_num_workers or cores, cores) > 1


def start() -> None:
    """Start the fork server now (its imports run beside the launcher's own start-up). Idempotent. Where
    the platform has no fork server (Windows), or its socket would not be a private file (Pythons before
    the fix of CVE-2022-42919), nothing starts and workers are spawned as before."""
    global _context
    with _lock:
        if _context is not None:
            return
        try:
            ctx = multiprocessing.get_context("forkserver")
        except ValueError:
            return
        from multiprocessing import connection

        if connection.arbitrary_address("AF_UNIX").startswith("\0"):
            return  # an abstract socket has no file permissions: any local user could reach it (CVE-2022-42919)
        ctx.set_forkserver_preload(PRELOAD)
        from multiprocessing import forkserver

        forkserver.ensure_running()
        _context = ctx


def stop(kill: bool = False) -> None:
    """Stop the server (once its workers have exited; at once with ``kill``) and the resource tracker
    ``multiprocessing`` started beside it, and remove their temp folder; later runs in this process spawn their workers cold
    unless ``start()`` runs again. The CLI calls it when the pipeline is done, so the gate does not stack
    on the server's memory, and when the command ends early (a bad config, a held lock), so the server does
    not go on importing for seconds after the launcher has gone; both with ``kill``: SIGKILL rather than
    its clean exit, which only frees its memory (a loaded model: seconds of CPU the caller would wait for;
    it holds no file to flush, and its workers have exited or are killed with the run)."""
    global _context
    with _lock:
        if _context is None:
            return
        _context = None
        from multiprocessing import forkserver, process, resource_tracker, util

        # multiprocessing's own stop methods (what its tests use); both wait for their process to exit
        server = forkserver._forkserver
        if kill and server._forkserver_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(server._forkserver_pid, signal.SIGKILL)
        with contextlib.suppress(OSError):  # ChildProcessError: a dead server already reaped by a restart
            server._stop()
        with contextlib.suppress(OSError):
            resource_tracker._resource_tracker._stop()
        # the launcher ends with os._exit, which skips multiprocessing's clean-up of its temp folder: run
        # that clean-up (a registered finalizer) now; a later start makes a new folder
        for finalizer in list(util._finalizer_registry.values()):
            if getattr(finalizer, "_callback", None) is util._remove_temp_dir:
                finalizer()
        process.current_process()._config.pop("tempdir", None)


def started() -> bool:
    return _context is not None


def use_forked_workers(pipeline_proto, worker_module: str) -> int:
    """Switch the subprocess environments that run ``worker_module`` to ``URN`` (same payload), so their
    workers are forked from the warm server. Returns how many were switched; none unless ``start()`` ran."""
    from apache_beam.portability import python_urns

    if _context is None:
        return 0
    changed = 0
    for env in pipeline_proto.components.environments.values():
        if env.urn == python_urns.SUBPROCESS_SDK and env.payload.endswith(f" -m {worker_module}".encode()):
            env.urn = URN
            changed += 1
    return changed


def _worker_main(env: dict[str, str]) -> None:
    """In the forked worker: Beam's environment, then the usual entry point (exits the process)."""
    os.environ.clear()
    os.environ.update(env)
    from pipelines import beam_worker

    beam_worker.main(["pipelines.beam_worker"])


class ForkedProcess:
    """The little of ``subprocess.Popen`` that Beam's worker runner uses, for a forked worker."""

    def __init__(self, env: dict[str, str]) -> None:
        assert _context is not None, "warm_workers.start() was not called"
        self._proc = _context.Process(target=_worker_main, args=(env,), name="beam-worker", daemon=False)
        self._proc.start()

    @property
    def returncode(self) -> int | None:
        return self._proc.exitcode

    def poll(self) -> int | None:
        return self._proc.exitcode

    def wait(self) -> int | None:
        self._proc.join()
        return self._proc.exitcode

    def kill(self) -> None:
        self._proc.kill()
        self._proc.join(5)


def register() -> None:
    """Register ``URN``'s worker handler with Beam's FnApiRunner (once; imports Beam's runner modules)."""
    global _registered
    with _lock:
        if _registered:
            return
        _register_handler()
        _registered = True


def _register_handler() -> None:
    import grpc
    from apache_beam.portability.api import beam_fn_api_pb2_grpc, endpoints_pb2
    from apache_beam.runners.portability import local_job_service
    from apache_beam.runners.portability.fn_api_runner import worker_handlers
    from apache_beam.utils import thread_pool_executor
    from google.protobuf import json_format, text_format

    class ForkedSdkWorker(local_job_service.SubprocessSdkWorker):
        """Beam's ``SubprocessSdkWorker.run`` with the process forked from the warm server, not spawned."""

        def run(self) -> None:
            options = [("grpc.http2.max_pings_without_data", 0), ("grpc.http2.max_ping_strikes", 0)]
            logging_server = grpc.server(thread_pool_executor.shared_unbounded_instance(), options=options)
            logging_port = logging_server.add_insecure_port("localhost:0")
            logging_server.start()
            beam_fn_api_pb2_grpc.add_BeamFnLoggingServicer_to_server(
                local_job_service.BeamFnLoggingServicer(), logging_server
            )
            env = dict(
                os.environ,
                CONTROL_API_SERVICE_DESCRIPTOR=text_format.MessageToString(
                    endpoints_pb2.ApiServiceDescriptor(url=self._control_address)
                ),
                LOGGING_API_SERVICE_DESCRIPTOR=text_format.MessageToString(
                    endpoints_pb2.ApiServiceDescriptor(url=f"localhost:{logging_port}")
                ),
                PIPELINE_OPTIONS=json_format.MessageToJson(self._provision_info.provision_info.pipeline_options),
            )
            if self._worker_id:
                env["WORKER_ID"] = self._worker_id
            try:
                with worker_handlers.SUBPROCESS_LOCK:
                    p = ForkedProcess(env)
            except Exception as exc:  # the server died or cannot start (a preload module failed): spawn cold
                logging_server.stop(0)
                log.warning("the warm worker server could not fork a worker (%s); starting it cold", type(exc).__name__)
                super().run()
                return
            try:
                p.wait()
                if p.returncode:
                    raise RuntimeError(f"Worker subprocess exited with return code {p.returncode}")
            finally:
                if p.poll() is None:
                    p.kill()
                logging_server.stop(0)

    @worker_handlers.WorkerHandler.register_environment(URN, bytes)
    class ForkedSdkWorkerHandler(worker_handlers.SubprocessSdkWorkerHandler):
        def start_worker(self) -> None:
            self.worker = ForkedSdkWorker(
                self._worker_command_line, self.control_address, self.provision_info, self.worker_id
            )
            self.worker_thread = threading.Thread(name="run_worker", target=self.worker.run)
            self.worker_thread.start()

    del ForkedSdkWorkerHandler  # registered; nothing refers to it by name
