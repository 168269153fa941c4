"""The replacement modes as presidio-anonymizer operators (Presidio's extension point for replacements).

Each operator is a thin adapter: ``operate`` receives the detected value and, in ``params``, the
document's ``DocumentReplacements`` (``state``) and the ``entity_type`` Presidio adds; the state decides
the replacement and records the vault material. ``anonymize_text`` runs Presidio's ``AnonymizerEngine``
with these operators configured per entity type and whitespace merging off (conflict resolution is a no-op):
spans reach it already resolved (``resolve_overlaps``), and merging two adjacent names into one would
change tokens.
"""

from __future__ import annotations

import logging

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import (
    ConflictResolutionStrategy,
    InvalidParamError,
    OperatorConfig,
    RecognizerResult,
)
from presidio_anonymizer.operators import Operator, OperatorType

from transforms.record import Span
from transforms.replacement.config import ReplacementConfig
from transforms.replacement.state import DocumentReplacements


class _ModeOperator(Operator):
    mode = ""

    def operate(self, text: str, params: dict | None = None) -> str:
        return params["state"].replace(params["entity_type"], text, self.mode)

    def validate(self, params: dict | None = None) -> None:
        if not isinstance((params or {}).get("state"), DocumentReplacements):
            raise InvalidParamError(f"operator redact_{self.mode} needs the document's replacement state")

    def operator_name(self) -> str:
        return f"redact_{self.mode}"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


class TokenOperator(_ModeOperator):
    """``<PERSON_3f9a1c7b2d4e5f60>``: deterministic keyed pseudonym; reversible through the vault."""

    mode = "token"


class TypedOperator(_ModeOperator):
    """``<PERSON>``: the type only; irreversible, no vault entry."""

    mode = "typed"


class IndexedOperator(_ModeOperator):
    """``<PERSON_1>``: numbered per document by first appearance; reversible through the vault."""

    mode = "indexed"


class SurrogateOperator(_ModeOperator):
    """A realistic value of the same type and format, seeded by the token; reversible through the vault."""

    mode = "surrogate"


class DateShiftOperator(_ModeOperator):
    """The date moved by the subject's keyed offset; reversible through the vault."""

    mode = "date_shift"


OPERATORS = (TokenOperator, TypedOperator, IndexedOperator, SurrogateOperator, DateShiftOperator)


def build_engine() -> AnonymizerEngine:
    engine = AnonymizerEngine()
    quiet = logging.getLogger("presidio-anonymizer")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # one INFO line per operator and worker otherwise
    try:
        for op in OPERATORS:
            engine.add_anonymizer(op)
    finally:
        quiet.setLevel(level)
    return engine


def operator_configs(cfg: ReplacementConfig, state: DocumentReplacements) -> dict[str, OperatorConfig]:
    """Presidio's per-entity operator map: ``DEFAULT`` is the run's mode, overrides per entity type."""
    params = {"state": state}
    out = {"DEFAULT": OperatorConfig(f"redact_{cfg.mode}", params)}
    out.update({entity: OperatorConfig(f"redact_{mode}", params) for entity, mode in cfg.per_entity.items()})
    return out


def anonymize_text(engine: AnonymizerEngine, text: str, spans: list[Span], state: DocumentReplacements) -> str:
    """``text`` with every span replaced by its mode's replacement (spans must not overlap)."""
    if not spans:
        return text
    results = [RecognizerResult(s.label, s.start, s.end, s.score) for s in spans]
    result = engine.anonymize(
        text,
        results,
        operators=operator_configs(state.cfg, state),
        conflict_resolution=ConflictResolutionStrategy.MERGE_SIMILAR_OR_CONTAINED,  # no-op: spans do not overlap
        merge_entities_with_spaces=False,
    )
    if len(result.items) != len(spans):  # fail closed: a dropped span would leave its value readable
        raise ValueError("the anonymizer did not replace every span")
    return result.text
