"""In-process detection on input texts, offsets reported into the INPUT text (Beam-free).

Used by ``redact detect`` and ``redact eval``. Texts go through the same ``Canonicalizer`` (same config)
and the same ``Detector`` as ``redact run``; spans found on the canonical text are mapped back to input
offsets with ``offsets.canonicalize_mapped``. Nothing here logs or returns text, only offsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from transforms import reasons
from transforms.canonical_text import Canonicalizer
from transforms.config import RunConfig
from transforms.detection.ner_ahead import Held
from transforms.detection.offsets import canonicalize_mapped
from transforms.detection.spans import resolve_overlaps
from transforms.errors import RecordError
from transforms.record import Span


@dataclass(slots=True)
class Detected:
    """Spans in input offsets for one text, or the reason code when detection failed (fail closed)."""

    doc_id: str
    spans: list[Span] | None
    error: str | None = None


class DetectionService:
    """Canonicalize + detect + map back. Heavy (loads the model): build once."""

    def __init__(self, cfg: RunConfig, detector=None, ner_child: bool = False) -> None:
        """``ner_child``: spaCy runs in a child process, a batch ahead of the rest (same spans)."""
        from transforms.detection.detector import Detector

        self.canon = Canonicalizer(cfg.canonicalization.special_tokens)
        self.detector = detector or Detector(cfg.detection, ner_child=ner_child)
        self.engines = None
        if cfg.detection.engines:  # the same engines and handler code path as RunNerEngines
            from transforms.ner import NerModelHandler

            self.engines = NerModelHandler(cfg.detection.engines).load_model()

    def detect_texts(self, items: Iterable[tuple[str, str]], batch_size: int = 64) -> Iterator[Detected]:
        """``items`` = (id, input text). Yields one ``Detected`` per item, in order. With an NER child
        (``Detector.overlapped``) a batch's texts go to it before the previous batch is analysed."""
        held: Held = Held(1)  # (batch, mapped) sent to the NER child, analysed once the next one is sent
        for batch in _batches(items, batch_size):
            mapped = [canonicalize_mapped(self.canon, text) for _, text in batch]
            if not self.detector.overlapped:  # in process (or the child stopped: what it had is analysed here)
                for due in held.flush():
                    yield from self._run(*due)
                yield from self._run(batch, mapped)
                continue
            self.detector.send_ahead([canonical for canonical, _ in mapped], [])
            for due in held.push((batch, mapped)):
                yield from self._run(*due)
        for due in held.flush():
            yield from self._run(*due)

    def _run(self, batch: list[tuple[str, str]], mapped: list) -> Iterator[Detected]:
        texts = [canonical for canonical, _ in mapped]
        hits = self._ner_hits(texts)
        if hits is None:
            results = self.detector.detect_many(texts)
        else:
            results = self.detector.detect_many(texts, [h or [] for h in hits])
        for i, ((doc_id, _), (_, omap), res) in enumerate(zip(batch, mapped, results, strict=True)):
            if hits and hits[i] is None:  # the extra engines failed on this text: fail closed
                yield Detected(doc_id, None, reasons.DETECT_ERROR)
                continue
            if isinstance(res, RecordError):
                yield Detected(doc_id, None, res.reason)
                continue
            spans = []
            for s in res:
                start, end = omap.to_input(s.start, s.end)
                spans.append(Span(start, end, s.label, s.score))
            yield Detected(doc_id, resolve_overlaps(spans))  # mapping can make touching spans overlap

    def _ner_hits(self, texts: list[str]) -> list | None:
        """Hits of the extra engines per text (None for a text they failed on), or None without engines."""
        if self.engines is None:
            return None
        from transforms.ner import infer

        return [h[0] if h is not None else None for h in infer(self.engines, [[t] for t in texts])]


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
