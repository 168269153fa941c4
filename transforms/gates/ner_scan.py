"""NER-based residual rate: spaCy entities (PERSON, GPE, ...) left in the text outside tokens.

Uses the same hash-verified spaCy model as detection, loaded here directly (no Presidio), on text
whose tokens are replaced by a neutral filler. The result is a count of entities and of characters
per record; the gate compares shares against thresholds. No entity text leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from transforms.detection.model_integrity import verify_model
from transforms.keys.tokens import TOKEN_RE

FILLER = "it"
_MAX_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class NerResidual:
    entities: int
    chars: int
    scanned_chars: int


def mask_for_ner(text: str) -> str:
    """Tokens -> a pronoun, so sentences stay grammatical and tokens are never entities."""
    return TOKEN_RE.sub(FILLER, text)


class NerScanner:
    """Heavy object: loads the spaCy model once (after verifying its pinned hashes)."""

    def __init__(self, model_name: str, hashes_file: str | None, labels: list[str]) -> None:
        import spacy

        from transforms.detection.offline import ensure_offline

        ensure_offline()
        self.model = verify_model(model_name, hashes_file)
        self.nlp = spacy.load(model_name)
        self.nlp.select_pipes(enable=[p for p in ("tok2vec", "ner") if p in self.nlp.pipe_names])
        self.nlp.max_length = max(self.nlp.max_length, _MAX_CHARS + 1)
        self.labels = frozenset(labels)

    def scan_many(self, texts: list[str]) -> list[NerResidual]:
        masked = [mask_for_ner(t)[:_MAX_CHARS] for t in texts]
        out = []
        for doc in self.nlp.pipe(masked, batch_size=64):
            ents = [e for e in doc.ents if e.label_ in self.labels and e.text.strip() != FILLER]
            scanned = len(doc.text) - doc.text.count(FILLER) * len(FILLER)
            out.append(NerResidual(len(ents), sum(len(e.text) for e in ents), max(scanned, 0)))
        return out


@lru_cache(maxsize=2)
def shared_scanner(model_name: str, hashes_file: str | None, labels: tuple[str, ...]) -> NerScanner:
    """One scanner per process and configuration (the model is verified and loaded once)."""
    return NerScanner(model_name, hashes_file, list(labels))
