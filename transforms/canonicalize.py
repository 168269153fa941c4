"""``CanonicalizeRecords``: canonical text (see ``canonical_text``) with counts recorded in lineage."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import apache_beam as beam

from transforms.canonical_text import Canonicalizer
from transforms.record import Record


def canonicalize_record(record: Record, canon: Canonicalizer) -> Record:
    """Beam-free core: canonical text/turns/speakers; the counts add up in ``lineage.canonicalization``.

    Known-PII values are canonicalized the same way (not counted) so they still match the canonical text.
    """
    total: Counter[str] = Counter(record.lineage.canonicalization)
    if record.known_pii:
        record = replace(record, known_pii=[(label, canon.apply(v)[0]) for label, v in record.known_pii])
    if record.turns is not None:
        turns = []
        for t in record.turns:
            text, c1 = canon.apply(t.text)
            speaker, c2 = canon.apply(t.speaker)
            total.update(c1)
            total.update(c2)
            turns.append(replace(t, text=text, speaker=speaker))
        return replace(record, turns=turns, lineage=replace(record.lineage, canonicalization=dict(total)))
    text, counts = canon.apply(record.text)
    total.update(counts)
    return replace(record, text=text, lineage=replace(record.lineage, canonicalization=dict(total)))


class CanonicalizeRecords(beam.PTransform):
    def __init__(self, special_tokens: list[str]) -> None:
        super().__init__()
        self.special_tokens = list(special_tokens)

    def expand(self, records):
        return records | "Canonicalize" >> beam.ParDo(_CanonicalizeFn(self.special_tokens))


class _CanonicalizeFn(beam.DoFn):
    def __init__(self, special_tokens: list[str]) -> None:
        self.special_tokens = special_tokens

    def setup(self) -> None:
        self.canon = Canonicalizer(self.special_tokens)

    def process(self, record: Record):
        # canaries (synthetic, injected by the reader) pass untouched, as if they joined after this stage
        yield record if record.canary else canonicalize_record(record, self.canon)
