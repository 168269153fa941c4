"""Replace detected spans with deterministic tokens (Beam-free core of ``TokenizeRecords``).

Privacy contract: the returned record holds no raw span text; each replaced value yields one
``VaultEntry`` (token -> AES-SIV ciphertext of the normalized value). Speaker labels that are not
generic roles are treated as PERSON names and get the same token as that name inside the text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from transforms.keys.scope_keys import ScopeKeys
from transforms.keys.tokens import format_token, normalize_value
from transforms.record import Record, Span, Turn, VaultEntry
from transforms.speakers import is_named_speaker
from transforms.subjects import subject_token


class Redactor:
    """Applies spans to text using one scope's keys; collects vault entries per record."""

    def __init__(self, keys: ScopeKeys) -> None:
        self.keys = keys

    def redact_text(self, text: str, spans: list[Span], sink: list[tuple[str, str, bytes]]) -> str:
        out, pos = [], 0
        for s in sorted(spans, key=lambda s: s.start):
            if s.start < pos:  # resolve_overlaps guarantees none; skipping one could leave text readable
                raise ValueError("overlapping spans reached the redactor")
            out.append(text[pos : s.start])
            out.append(self._token(s.label, text[s.start : s.end], sink))
            pos = s.end
        out.append(text[pos:])
        return "".join(out)

    def redact_speaker(self, speaker: str, sink: list[tuple[str, str, bytes]]) -> str:
        if not is_named_speaker(speaker):
            return speaker
        return self._token("PERSON", speaker, sink)

    def redact_record(self, record: Record) -> tuple[Record, list[VaultEntry]]:
        """A redacted copy of ``record`` and its vault entries; ``record`` itself is left untouched."""
        sink: list[tuple[str, str, bytes]] = []
        turns = None
        if record.turns is not None:
            spans_per_turn = record.turn_spans or [[] for _ in record.turns]
            turns = [
                replace(
                    t,
                    speaker=self.redact_speaker(t.speaker, sink),
                    text=self.redact_text(t.text, spans, sink),
                )
                for t, spans in zip(record.turns, spans_per_turn, strict=True)
            ]
            text = render_turns(turns)
        else:
            text = self.redact_text(record.text, record.spans, sink)
        subject_ref = None
        if record.subject_raw:
            subject_ref = subject_token(self.keys, record.subject_raw)
        out = replace(
            record,
            text=text,
            subject_raw=None,
            subject_ref=subject_ref,
            turns=turns,
            spans=[],
            turn_spans=None,
            known_pii=[],
            entity_counts=dict(Counter(entity for _, entity, _ in sink)),
            redacted=True,
            lineage=replace(record.lineage, key_scope=self.keys.scope, key_id=self.keys.key_id),
        )
        entries = [
            VaultEntry(
                token=tok,
                entity_type=entity,
                ciphertext=ct,
                key_scope=self.keys.scope,
                key_id=self.keys.key_id,
                doc_id=record.doc_id,
                subject_ref=subject_ref,
                canary=record.canary,
            )
            for tok, entity, ct in sink
        ]
        return out, entries

    def _token(self, entity: str, value: str, sink: list[tuple[str, str, bytes]]) -> str:
        pseudonym, ct = self.keys.tokenize(entity, normalize_value(entity, value))
        token = format_token(entity, pseudonym)
        sink.append((token, entity, ct))
        return token


def render_turns(turns: list[Turn]) -> str:
    """Flat text view of a conversation: one "speaker: text" line per turn."""
    return "\n".join(f"{t.speaker}: {t.text}" for t in turns)
