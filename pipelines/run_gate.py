"""The gate ``redact run`` calls on the version it wrote, with its NER scan's process started early.

``RunGate.start`` (called by ``pipelines.run.run`` once the inputs, model and keys have been checked,
just before the pipeline) starts the gate's NER check child (``NerJob.ready``): a fresh interpreter that
imports spaCy and loads the verified model while the pipeline runs, then waits for the sample. The gate
then only sends it the sample and overlaps its scan with the other frames and Great Expectations.
On a machine with one core and a one-worker run nothing starts early (the check runs inline later).

``close`` stops that child (its whole process group) on every path: a pipeline failure, a run that
stops before its gate, a gate that fails. Privacy contract: the child receives nothing before the gate
sends it the sample (see ``transforms/gates/ner_check.py``).
"""

from __future__ import annotations

from transforms.config import RunConfig
from transforms.gates.ner_check import NerJob


class RunGate:
    """``gate(layout, version, manifest) -> result`` for ``run``, usable once; also a context manager."""

    def __init__(self, cfg: RunConfig, n_process: int = 1) -> None:
        self._cfg = cfg
        self._n_process = n_process
        self._job: NerJob | None = None
        self._closed = False

    def start(self) -> None:
        """Start the NER check's child now (idempotent; nothing after ``close``)."""
        if self._job is None and not self._closed:
            self._job = NerJob.ready(self._cfg, processes=self._n_process)

    @property
    def started(self) -> bool:
        """Does a child started by ``start`` wait for the gate's sample?"""
        return self._job is not None and self._job.parallel

    def __call__(self, layout, version: str, manifest: dict) -> dict:
        from pipelines.gate import gate_version

        job, self._job = self._job, None  # the gate closes it, whatever happens
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
