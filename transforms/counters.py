"""Beam metric counters under one namespace. Names are reason codes / entity types, never values."""

from __future__ import annotations

from apache_beam.metrics import Metrics

NS = "redact"


def inc(name: str, n: int = 1) -> None:
    Metrics.counter(NS, name).inc(n)
