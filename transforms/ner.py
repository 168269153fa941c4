"""``RunNerEngines``: extra NER engines (``detection.engines``) through Beam's ``RunInference``.

Inserted before ``DetectPII`` only when extra engines are configured. Each record's texts (the
document, or every turn of a conversation) go through the engines in batches; the hits are attached to
the transient ``Record.ner_hits`` (one list per text), which ``DetectPII`` consumes like spaCy's own
NER results. A record whose inference fails is quarantined (reason ``detect.error``, stage ``ner``):
it never reaches detection without the engines' hits. Models are loaded once per worker by the model
handler (hash-verified before loading); nothing but counts is logged (``ner_hits.<LABEL>`` counters).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.ml.inference.base import ModelHandler, PredictionResult, RunInference

from transforms import reasons
from transforms.counters import NS
from transforms.detection.engines.base import NerHit
from transforms.detection.engines.config import EngineConfig
from transforms.record import Record, to_quarantine


class RunNerEngines(beam.PTransform):
    """records -> ``records`` (``ner_hits`` attached) and ``quarantine``."""

    def __init__(self, engines: Sequence[EngineConfig]) -> None:
        super().__init__()
        self.handler = NerModelHandler(engines)

    def expand(self, records):
        return (
            records
            | "RunInference" >> RunInference(self.handler)
            | "AttachHits" >> beam.ParDo(_AttachHitsFn()).with_outputs("quarantine", main="records")
        )


def texts_of(record: Record) -> list[str]:
    return [t.text for t in record.turns] if record.turns is not None else [record.text]


def infer(ensemble, texts: Sequence[list[str]]) -> list[list[list[NerHit]] | None]:
    """Hits per text for each item (a record's texts; None: the engines failed on it). One engine call
    per batch; after a failure each item is retried alone, so one bad record fails alone."""
    try:
        flat = ensemble.predict([t for ts in texts for t in ts])
    except Exception:  # retry one by one below; no detail: a library message could echo text
        return [_one(ensemble, ts) for ts in texts]
    out, k = [], 0
    for ts in texts:
        out.append(flat[k : k + len(ts)])
        k += len(ts)
    return out


def _one(ensemble, texts: list[str]) -> list[list[NerHit]] | None:
    try:
        return ensemble.predict(texts)
    except Exception:
        return None


class NerModelHandler(ModelHandler[Record, list, object]):
    """Beam model handler: ``load_model`` builds (and hash-verifies) the engines once per worker;
    ``run_inference`` returns ``PredictionResult(record, hits per text | None)``. Picklable: config only."""

    def __init__(self, engines: Sequence[EngineConfig]) -> None:
        self.engines = list(engines)
        size = max(e.batch_size for e in self.engines)
        super().__init__(min_batch_size=1, max_batch_size=size)

    def load_model(self):
        from transforms.detection.engines.registry import Ensemble, load_engines

        return Ensemble(load_engines(self.engines))

    def run_inference(self, batch: Sequence[Record], model, inference_args=None) -> Iterable[PredictionResult]:
        hits = infer(model, [texts_of(r) for r in batch])
        return [PredictionResult(r, h) for r, h in zip(batch, hits, strict=True)]

    def get_num_bytes(self, batch: Sequence[Record]) -> int:
        return sum(len(t) for r in batch for t in texts_of(r))

    def get_metrics_namespace(self) -> str:
        return f"{NS}.ner"


class _AttachHitsFn(beam.DoFn):
    def __init__(self) -> None:
        self.failed = Metrics.counter(NS, f"quarantined.{reasons.DETECT_ERROR}")

    def process(self, result: PredictionResult):
        record, hits = result.example, result.inference
        if hits is None:
            self.failed.inc()
            yield beam.pvalue.TaggedOutput("quarantine", to_quarantine(record, reasons.DETECT_ERROR, "ner"))
            return
        for per_text in hits:
            for h in per_text:
                Metrics.counter(NS, f"ner_hits.{h.label}").inc()  # labels only, never values
        yield replace(record, ner_hits=hits)  # a copy: Beam inputs must not be mutated
