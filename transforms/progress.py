"""``ReportProgress``: live record and file counts of a run, for the CLI's progress display.

Counts go to a tracker in the process that runs the DoFns. With in-process runners (DirectRunner in its
default in-memory or multi-threaded mode, PortableRunner with LOOPBACK workers) that is the CLI's own
process, which shows them; with remote or multi-process workers the driver's tracker stays at zero and
the CLI shows elapsed time only (Beam's own metrics still count every record).

Privacy contract: numbers only; the elements are looked at for nothing but their count.
"""

from __future__ import annotations

import threading

import apache_beam as beam


class Tracker:
    """Thread-safe counters of records read and input files finished, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.records = 0
        self.files = 0

    def reset(self) -> None:
        with self._lock:
            self.records = self.files = 0

    def add(self, records: int = 0, files: int = 0) -> None:
        with self._lock:
            self.records += records
            self.files += files

    def snapshot(self) -> tuple[int, int]:
        """(records, files)."""
        with self._lock:
            return self.records, self.files


TRACKER = Tracker()


class _Tick(beam.DoFn):
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def process(self, element):
        if not getattr(element, "canary", False):  # canaries are injected, not read
            TRACKER.add(**{self.kind: 1})
        return ()


class ReportProgress(beam.PTransform):
    """Input: ``(sources, records, quarantine, drops)`` of ``ReadRecords``: one source element marks one
    finished file; every record, quarantined item and drop is one record read. Outputs nothing."""

    def expand(self, pcolls):
        sources, *read = pcolls
        sources | "CountFiles" >> beam.ParDo(_Tick("files"))
        # one counter per input, no Flatten: the DirectRunner would materialize every record read
        return tuple(pc | f"CountRecords{i}" >> beam.ParDo(_Tick("records")) for i, pc in enumerate(read))
