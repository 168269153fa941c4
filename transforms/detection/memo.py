"""Per-worker memory of recent analyses: a text seen again is not re-analysed (same results).

Chats and tickets repeat short texts verbatim ("Thanks, that fixed it!", a support agent's closing
line). ``Detector`` analyses a text in two steps whose outputs depend on nothing but their inputs: spaCy
(artifacts of the analysis text) and Presidio's recognizers (results for the text, its spaCy artifacts
and the context words of the previous turn). ``AnalysisMemo`` remembers both for short texts:

- ``results``: (text, context words) -> the recognizer results ``Detector._analyze`` returned (only for
  an analysis that completed: a timed-out or failed one raises before it is stored);
- ``artifacts``: analysis text -> its spaCy artifacts (the ``Doc`` with Presidio's view of it), so a
  text repeated with other context words is not run through spaCy again.

Everything after these steps (guards, thresholds, propagation, overlap policy) runs per text as before,
so a repeated text gets exactly the spans it would get alone. Results are stored as tuples and read,
never changed, by the Detector.

Privacy: like spaCy's own vocabulary and the phone memo (``phone.py``), this holds recent short texts of
the worker's own input in memory only; it is bounded (first in, first out), never written, logged or
returned, and dropped with the Detector.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

MAX_CHARS = 300  # longer texts rarely repeat verbatim and their Docs are larger: not remembered
RESULT_ENTRIES = 4096  # (text, context) -> results
ARTIFACT_ENTRIES = 512  # text -> spaCy artifacts (a Doc of a short text each: about 10 MB when full)


class BoundedMemo:
    """A bounded dict evicting its oldest entry; a lock keeps it consistent across threads. The per-worker
    memories of detection use it (this module's ``AnalysisMemo``, the phone recognizer's outcomes). An
    ``OrderedDict``: evicting from a plain dict's front (``next(iter(d))``) walks the deleted slots, about
    12 us a put at 65,536 entries against 0.4 us here."""

    def __init__(self, size: int) -> None:
        self.size, self.data, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        return self.data.get(key)

    def put(self, key, value) -> None:
        with self.lock:
            if key not in self.data and len(self.data) >= self.size:
                self.data.popitem(last=False)
            self.data[key] = value

    def __contains__(self, key) -> bool:
        return key in self.data

    def __len__(self) -> int:
        return len(self.data)


class AnalysisMemo:
    def __init__(
        self, max_chars: int = MAX_CHARS, results: int = RESULT_ENTRIES, artifacts: int = ARTIFACT_ENTRIES
    ) -> None:
        self.max_chars = max_chars
        self.results, self.artifacts = BoundedMemo(results), BoundedMemo(artifacts)

    def key(self, text: str, context) -> tuple | None:
        """Results key of ``text`` analysed with ``context`` (None: not remembered, too long)."""
        if len(text) > self.max_chars:
            return None
        return text, tuple(context) if context else None

    def has_results(self, text: str, context) -> bool:
        key = self.key(text, context)
        return key is not None and key in self.results

    def artifacts_of(self, text: str):
        return self.artifacts.get(text) if len(text) <= self.max_chars else None

    def keep_artifacts(self, text: str, artifacts) -> None:
        if len(text) <= self.max_chars:
            self.artifacts.put(text, artifacts)
