"""The interface every extra NER engine implements, and the hit type it returns.

Privacy contract: a ``NerHit`` holds only offsets, a canonical label and a score, never the text it
points at, so hits may travel on a ``Record`` (transient ``Record.ner_hits``) and appear in counters by
label; they are never written to any output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class NerHit:
    """One entity found by an extra engine: char offsets into the input text (end-exclusive)."""

    start: int
    end: int
    label: str
    score: float


@runtime_checkable
class NerEngine(Protocol):
    """A named NER model: one list of hits per input text, offsets into that exact text."""

    name: str

    def predict(self, texts: Sequence[str]) -> list[list[NerHit]]: ...
