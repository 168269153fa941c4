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
_BATCH = 64


@dataclass(frozen=True, slots=True)
class NerResidual:
    entities: int
    chars: int
    scanned_chars: int


def mask_for_ner(text: str) -> str:
    """Tokens -> a pronoun, so sentences stay grammatical and tokens are never entities."""
    return TOKEN_RE.sub(FILLER, text)


def ner_pipes(nlp) -> list[str]:
    """``ner`` and the components it listens to (a shared ``tok2vec``); in en_core_web_sm the NER
    component embeds its own tok2vec, so running the shared one would only cost time."""
    feeding = [
        name
        for name in nlp.pipe_names
        if name != "ner" and "ner" in (getattr(nlp.get_pipe(name), "listening_components", None) or [])
    ]
    return [*feeding, "ner"] if "ner" in nlp.pipe_names else feeding


class NerScanner:
    """Heavy object: loads the spaCy model once (after verifying its pinned hashes)."""

    def __init__(self, model_name: str, hashes_file: str | None, labels: list[str]) -> None:
        import spacy

        from transforms.detection.offline import ensure_offline

        ensure_offline()
        self.model = verify_model(model_name, hashes_file)
        self.nlp = spacy.load(model_name)
        self.nlp.select_pipes(enable=ner_pipes(self.nlp))
        self.nlp.max_length = max(self.nlp.max_length, _MAX_CHARS + 1)
        self.labels = frozenset(labels)

    def scan_many(self, texts: list[str], n_process: int = 1) -> list[NerResidual]:
        """One result per text. ``n_process > 1``: spaCy worker processes (when the gate runs alone)."""
        masked = [mask_for_ner(t)[:_MAX_CHARS] for t in texts]
        out = []
        n_process = n_process if len(masked) >= 4 * _BATCH * n_process else 1
        docs = self.nlp.pipe(masked, batch_size=_BATCH, n_process=n_process)
        for text, doc in zip(masked, docs, strict=True):  # doc.text would rebuild the string token by token
            ents = [e for e in doc.ents if e.label_ in self.labels and e.text.strip() != FILLER]
            scanned = len(text) - text.count(FILLER) * len(FILLER)
            out.append(NerResidual(len(ents), sum(len(e.text) for e in ents), max(scanned, 0)))
        return out


@lru_cache(maxsize=2)
def shared_scanner(model_name: str, hashes_file: str | None, labels: tuple[str, ...]) -> NerScanner:
    """One scanner per process and configuration (the model is verified and loaded once)."""
    return NerScanner(model_name, hashes_file, list(labels))
