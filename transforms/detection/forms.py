"""Last-step span forms (Beam-free): person-span boundaries, then numbers re-routed by cue.

One entry point for ``Detector._finish``, run after propagation and label unification so it sees the
spans of every step: ``person_bounds.trim_persons`` (method ``person_boundaries``) cuts titles, field
labels and next lines off PERSON spans; ``number_routes.route_numbers`` (method ``numeric_rerouting``)
adds AGE/ID/DATE_TIME spans for cued numbers that no span covers (a trimmed person span is the anchor
for "X Y (34)"). Privacy contract: see the two modules; only titles, field labels and next-line text are
removed, numbers are only added.
"""

from __future__ import annotations

from transforms.config import DetectionConfig
from transforms.detection.number_routes import route_numbers
from transforms.detection.person_bounds import trim_persons
from transforms.detection.recognizer_config import MethodsSpec
from transforms.detection.spans import filter_spans
from transforms.record import Span


def reshape_spans(text: str, spans: list[Span], methods: MethodsSpec, cfg: DetectionConfig | None = None) -> list[Span]:
    """``spans`` after the switched-on form steps (both on by default). The re-routed numbers pass the
    same thresholds as every other span (``detection.score_threshold``/``thresholds``, ``spans.filter_spans``);
    the allow-list is applied to all spans after this step by the detector."""
    if methods.person_boundaries:
        spans = trim_persons(text, spans)
    if methods.numeric_rerouting:
        routed = route_numbers(text, spans)[len(spans) :]
        if cfg is not None:
            routed = filter_spans(
                routed, text, default_threshold=cfg.score_threshold, thresholds=cfg.thresholds, allow_list=set()
            )
        spans = spans + routed
    return spans
