"""Run our detector (and optionally vanilla Presidio) over gold documents and score both (Beam-free)."""

from __future__ import annotations

import time

from transforms.config import RunConfig
from transforms.detection.metrics import Tally


def evaluate(cfg: RunConfig, docs: list[dict], baseline: str | None = None, detector=None) -> dict:
    """``docs``: dicts with ``id``, ``text``, ``gold`` [(start, end, label)]. Returns metrics per system."""
    from transforms.detection.service import DetectionService

    out: dict = {}
    started = time.monotonic()
    service = DetectionService(cfg, detector=detector)
    tally, errors = Tally(), 0
    items = ((d["id"], d["text"]) for d in docs)
    for doc, det in zip(docs, service.detect_texts(items), strict=True):
        if det.spans is None:
            errors += 1
        tally.add(doc["text"], doc["gold"], [(s.start, s.end, s.label) for s in det.spans or []])
    out["redact"] = {**tally.report(), "errors": errors, "seconds": round(time.monotonic() - started, 1)}
    if baseline == "presidio":
        from transforms.detection.baseline import VanillaPresidio

        started = time.monotonic()
        vanilla = VanillaPresidio(cfg.detection.nlp.name, cfg.detection.nlp.hashes_file)
        tally = Tally()
        for doc, pred in zip(docs, vanilla.detect_texts(d["text"] for d in docs), strict=True):
            tally.add(doc["text"], doc["gold"], [(s, e, label) for s, e, label, _ in pred])
        out["presidio"] = {**tally.report(), "seconds": round(time.monotonic() - started, 1)}
    return out
