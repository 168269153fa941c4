"""``Detector``: text -> spans, fail-closed.

Presidio skips a regex that times out and only logs a warning; here that warning turns into a
``RecordError(DETECT_REGEX_TIMEOUT)`` so the record is quarantined instead of passing half-scanned.
Texts longer than ``chunk_chars`` are analysed in overlapping chunks so entities on a boundary are
still caught. Errors carry reason codes only, never text.
"""

from __future__ import annotations

import logging
import threading

from transforms import reasons
from transforms.config import DetectionConfig
from transforms.detection.analyzer import build_analyzer
from transforms.detection.model_integrity import ModelInfo
from transforms.detection.spans import filter_spans, resolve_overlaps
from transforms.errors import RecordError
from transforms.record import Span


class _TimeoutWatch(logging.Handler):
    """Notes Presidio's "timed out" warnings raised on the current thread."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if "timed out" in str(record.msg):
            self.local.hit = True

    def reset(self) -> None:
        self.local.hit = False

    @property
    def hit(self) -> bool:
        return getattr(self.local, "hit", False)


class Detector:
    """Heavy object (spaCy + Presidio): build once per worker, e.g. in ``DoFn.setup()``."""

    def __init__(self, cfg: DetectionConfig) -> None:
        self.cfg = cfg
        self.engine, self.model_info = build_analyzer(cfg)
        self._allow = {w.casefold() for w in cfg.allow_list}
        self._watch = _TimeoutWatch()
        logging.getLogger("presidio-analyzer").addHandler(self._watch)

    @property
    def model(self) -> ModelInfo:
        return self.model_info

    def detect(self, text: str) -> list[Span]:
        """Spans in ``text`` after thresholds, allow-list and the overlap policy."""
        if not text.strip():
            return []
        raw: list[Span] = []
        for offset, chunk in self._chunks(text):
            raw.extend(Span(r.start + offset, r.end + offset, r.entity_type, r.score) for r in self._analyze(chunk))
        kept = filter_spans(
            raw,
            text,
            default_threshold=self.cfg.score_threshold,
            thresholds=self.cfg.thresholds,
            allow_list=self._allow,
        )
        return resolve_overlaps(kept)

    def detect_turns(self, texts: list[str]) -> list[list[Span]]:
        return [self.detect(t) for t in texts]

    def _analyze(self, chunk: str):
        self._watch.reset()
        try:
            results = self.engine.analyze(text=chunk, language="en", entities=self.cfg.entities)
        except Exception as exc:  # foreign errors may echo input: keep the type only
            raise RecordError(reasons.DETECT_ERROR, f"detection failed: {type(exc).__name__}") from None
        if self._watch.hit:
            raise RecordError(reasons.DETECT_REGEX_TIMEOUT, "a recognizer regex timed out")
        return results

    def _chunks(self, text: str):
        size, overlap = self.cfg.chunk_chars, self.cfg.chunk_overlap_chars
        if len(text) <= size:
            yield 0, text
            return
        step = max(1, size - overlap)
        for start in range(0, len(text), step):
            yield start, text[start : start + size]
            if start + size >= len(text):
                break
