"""Replace detected spans (Beam-free core of ``TokenizeRecords``), in the configured replacement mode.

Privacy contract: the returned record holds no raw span text. Every value replaced in a mode that keeps
identity (token, indexed, surrogate, date_shift; see ``transforms/replacement/state.py``) yields one
``VaultEntry`` (token -> AES-SIV ciphertext of the normalized value, plus the surface the text holds when
it is not the token); ``typed`` replacements yield none and cannot be revealed. Speaker labels that are
not generic roles are treated as PERSON names and get the same replacement as that name in the text.
"""

from __future__ import annotations

from dataclasses import replace

from transforms.keys.scope_keys import ScopeKeys
from transforms.record import Record, Span, Turn, VaultEntry
from transforms.replacement.config import ReplacementConfig
from transforms.replacement.operators import anonymize_text, build_engine
from transforms.replacement.state import DocumentReplacements
from transforms.speakers import is_named_speaker
from transforms.subjects import normalize_subject, subject_token


class Redactor:
    """Applies spans to text using one scope's keys and one replacement configuration."""

    def __init__(self, keys: ScopeKeys, replacement: ReplacementConfig | None = None) -> None:
        self.keys = keys
        self.cfg = replacement or ReplacementConfig()
        self.engine = build_engine()

    def new_state(self, record: Record) -> DocumentReplacements:
        """The replacement state of one document or conversation."""
        texts = [record.text] if record.turns is None else [t.text for t in record.turns]
        spans = [record.spans] if record.turns is None else (record.turn_spans or [[] for _ in record.turns])
        detected = {t[s.start : s.end].casefold() for t, ss in zip(texts, spans, strict=True) for s in ss}
        speakers = [t.speaker for t in record.turns or [] if is_named_speaker(t.speaker)]
        detected |= {s.strip().casefold() for s in speakers} | {v.casefold() for _, v in record.known_pii}
        subject = f"subject|{normalize_subject(record.subject_raw)}" if record.subject_raw else f"doc|{record.doc_id}"
        raw = [t.casefold() for t in (*texts, *speakers)]
        return DocumentReplacements(self.keys, self.cfg, subject, raw, detected)

    def redact_text(self, text: str, spans: list[Span], state: DocumentReplacements) -> str:
        pos = 0
        for s in sorted(spans, key=lambda s: s.start):
            if s.start < pos:  # resolve_overlaps guarantees none; skipping one could leave text readable
                raise ValueError("overlapping spans reached the redactor")
            pos = s.end
        return anonymize_text(self.engine, text, spans, state)

    def redact_speaker(self, speaker: str, state: DocumentReplacements) -> str:
        if not is_named_speaker(speaker):
            return speaker
        return state.replace("PERSON", speaker, self.cfg.mode_for("PERSON"))

    def redact_record(self, record: Record) -> tuple[Record, list[VaultEntry]]:
        """A redacted copy of ``record`` and its vault entries; ``record`` itself is left untouched."""
        state = self.new_state(record)
        turns = None
        if record.turns is not None:
            spans_per_turn = record.turn_spans or [[] for _ in record.turns]
            for t, spans in zip(record.turns, spans_per_turn, strict=True):  # document order for indexed
                if is_named_speaker(t.speaker):
                    state.see("PERSON", t.speaker)
                for s in sorted(spans, key=lambda s: s.start):
                    state.see(s.label, t.text[s.start : s.end])
            turns = [
                replace(
                    t,
                    speaker=self.redact_speaker(t.speaker, state),
                    text=self.redact_text(t.text, spans, state),
                )
                for t, spans in zip(record.turns, spans_per_turn, strict=True)
            ]
            text = render_turns(turns)
        else:
            for s in sorted(record.spans, key=lambda s: s.start):
                state.see(s.label, record.text[s.start : s.end])
            text = self.redact_text(record.text, record.spans, state)
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
            entity_counts=dict(state.counts),
            redacted=True,
            lineage=replace(record.lineage, key_scope=self.keys.scope, key_id=self.keys.key_id),
        )
        entries = [
            VaultEntry(
                token=r.token,
                entity_type=r.entity_type,
                ciphertext=r.ciphertext,
                key_scope=self.keys.scope,
                key_id=self.keys.key_id,
                doc_id=record.doc_id,
                subject_ref=subject_ref,
                canary=record.canary,
                surface=None if r.surface == r.token else r.surface,
            )
            for r in state.replaced
            if r.ciphertext is not None
        ]
        self.last_state = state  # for the stage's counters (collisions, fallbacks): numbers only
        return out, entries


def render_turns(turns: list[Turn]) -> str:
    """Flat text view of a conversation: one "speaker: text" line per turn."""
    return "\n".join(f"{t.speaker}: {t.text}" for t in turns)
