"""The gate ``redact run`` calls on the version it wrote, with its NER scan's process started early.

``RunGate.start`` (called by ``pipelines.run.run`` once the inputs, model and keys have been checked,
just before the pipeline) starts the gate's NER check child (``NerJob.ready``): a fresh interpreter that
imports spaCy and loads the verified model while the pipeline runs, then waits for the sample. The gate
then only sends it the sample and overlaps its scan with the other frames and Great Expectations.
On a machine with one core and a one-worker run nothing starts early (the check runs inline later), nor
when ``early`` is false: the command passes ``early`` only for pipelines that run on this machine, since a
remote job (Dataflow, Flink) can run for hours while an idle child would hold the model in the launcher's
memory; there the child starts when the gate does. Where the run has a worker process per core, the
child loads its model at the lowest CPU priority (``NerJob``'s ``yield_cores``): it waits for an idle core
instead of slowing the workers.

``close`` stops that child (its whole process group) on every path: a pipeline failure, a run that
stops before its gate, a gate that fails. Privacy contract: the child receives nothing before the gate
sends it the sample (see ``transforms/gates/ner_check.py``).
"""

from __future__ import annotations

from transforms.child_process import usable_cores
from transforms.config import RunConfig
from transforms.gates.ner_check import NerJob, overlaps


class RunGate:
    """``gate(layout, version, manifest) -> result`` for ``run``, usable once; also a context manager."""

    def __init__(self, cfg: RunConfig, n_process: int = 1, early: bool = True) -> None:
        self._cfg = cfg
        self._n_process = n_process
        self._early = early
        self._job: NerJob | None = None
        self._closed = False

    def start(self) -> None:
        """Start the NER check's child now (idempotent; nothing after ``close`` or when not ``early``)."""
        if self._early and self._job is None and not self._closed:
            self._job = NerJob.ready(
                self._cfg,
                processes=self._n_process,
                child=overlaps(self._n_process),
                yield_cores=self._n_process >= usable_cores(),  # a worker process per core
            )

    @property
    def started(self) -> bool:
        """Does a child started by ``start`` wait for the gate's sample?"""
        return self._job is not None and self._job.parallel

    def __call__(self, layout, version: str, manifest: dict) -> dict:
        from pipelines.gate import gate_version

        job, self._job = self._job, None  # gate_version closes it, whatever fails (its manifest included)
        return gate_version(layout, version, manifest, self._cfg, n_process=self._n_process, job=job)

    def close(self) -> None:
        """Stop a child the gate did not take (the run stopped before its gate); idempotent."""
        self._closed = True
        job, self._job = self._job, None
        if job is not None:
            job.close()

    def __enter__(self) -> RunGate:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
