"""NER-based residual rate: spaCy entities (PERSON, GPE, ...) left in the text outside tokens.

Uses the same hash-verified spaCy model as detection, loaded here directly (no Presidio), on text
whose tokens are replaced by a neutral filler. The result is a count of entities and of characters
per record; the gate compares shares against thresholds. No entity text leaves this module.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from transforms.detection.model_integrity import verify_model
from transforms.keys.tokens import TOKEN_RE

FILLER = "it"
_MAX_CHARS = 200_000
_BATCH = 64
WINDOW_CHARS = 64  # context on each side of a sampled character position (``window``)


@dataclass(frozen=True, slots=True)
class NerResidual:
    """Per record: entities counted, scanned characters inside them, scanned characters, and the
    entities' extents in scanned-character coordinates (offsets only, no text)."""

    entities: int
    chars: int
    scanned_chars: int
    spans: tuple[tuple[int, int], ...] = ()

    def covers(self, offset: int) -> bool:
        """Is scanned character ``offset`` inside a counted entity?"""
        return any(s <= offset < e for s, e in self.spans)


def mask_for_ner(text: str) -> str:
    """Tokens -> a pronoun, so sentences stay grammatical and tokens are never entities."""
    return TOKEN_RE.sub(FILLER, text)


def _masked(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text the model reads (tokens replaced by the filler, truncated) and the fillers' extents in it.

    *Scanned characters* are the characters of that text outside the fillers: one definition for the
    full scan (``NerResidual.scanned_chars``) and the sampled one (``scan_length``)."""
    parts, fillers, last, pos = [], [], 0, 0
    for m in TOKEN_RE.finditer(text):
        parts.append(text[last : m.start()])
        pos += m.start() - last
        parts.append(FILLER)
        fillers.append((pos, pos + len(FILLER)))
        pos += len(FILLER)
        last = m.end()
    parts.append(text[last:])
    masked = "".join(parts)[:_MAX_CHARS]
    return masked, [(s, min(e, _MAX_CHARS)) for s, e in fillers if s < _MAX_CHARS]


def scan_length(text: str) -> int:
    """Scanned characters of ``text`` (what the scan would read outside fillers), without the model."""
    masked, fillers = _masked(text)
    return len(masked) - sum(e - s for s, e in fillers)


def window(text: str, offset: int, margin: int = WINDOW_CHARS) -> tuple[str, int]:
    """The text the model reads to judge scanned character ``offset`` of ``text`` alone, and the offset's
    place in it.

    Rule (``WINDOW_CHARS``): the masked text (``_masked``) from ``margin`` characters before the position
    to ``margin`` after it, each end widened to the nearest whitespace (or the text's end) so no word is
    cut: spaCy splits on whitespace first, so the window's tokens are the whole text's tokens there, and
    the pinned model's entity decision at a token depends on a few tokens around it."""
    return _window_in(*_masked(text), offset, margin)


def windows_at(texts: Mapping[int, str] | Sequence[str], positions: list[tuple[int, int]]) -> list[tuple[str, int]]:
    """``window`` of each ``(text index, scanned offset)``, each text masked once for all its positions."""
    layouts = {i: _masked(texts[i]) for i in dict.fromkeys(i for i, _ in positions)}
    return [_window_in(*layouts[i], off, WINDOW_CHARS) for i, off in positions]


def _window_in(masked: str, fillers: list[tuple[int, int]], offset: int, margin: int) -> tuple[str, int]:
    """``window`` on an already masked text (``_masked``'s result), so each record is masked once."""
    pos = offset
    for s, e in fillers:  # scanned -> masked: add the filler characters before the position
        if s <= pos:
            pos += e - s
        else:
            break
    lo, hi = max(0, pos - margin), min(len(masked), pos + margin + 1)
    while lo > 0 and not masked[lo - 1].isspace():
        lo -= 1
    while hi < len(masked) and not masked[hi].isspace():
        hi += 1
    return masked[lo:hi], pos - lo


def _to_scanned(fillers: list[tuple[int, int]]):
    """Masked-text offset -> scanned-character offset (filler characters before it left out)."""
    starts, before, acc = [s for s, _ in fillers], [], 0
    for s, e in fillers:
        before.append(acc)
        acc += e - s

    def convert(pos: int) -> int:
        i = bisect.bisect_left(starts, pos) - 1  # the last filler starting before pos
        if i < 0:
            return pos
        s, e = fillers[i]
        return pos - before[i] - (min(e, pos) - s)

    return convert


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
        layouts = [_masked(t) for t in texts]
        out = []
        n_process = n_process if len(layouts) >= 4 * _BATCH * n_process else 1
        docs = self.nlp.pipe([m for m, _ in layouts], batch_size=_BATCH, n_process=n_process)
        for (text, fillers), doc in zip(layouts, docs, strict=True):  # doc.text would rebuild the string
            convert = _to_scanned(fillers)
            ents = [e for e in doc.ents if self._counted(e)]
            spans = tuple((convert(e.start_char), convert(e.end_char)) for e in ents)
            scanned = len(text) - sum(e - s for s, e in fillers)
            out.append(NerResidual(len(ents), sum(e - s for s, e in spans), scanned, spans))
        return out

    def hits_at(self, texts: list[str], positions: list[tuple[int, int]], n_process: int = 1) -> list[bool]:
        """Per ``(text index, scanned offset)``: is that character inside a counted entity, judged on its
        own ``window`` (one model call per position, whatever other positions fall nearby)?"""
        return self.hits_in(windows_at(texts, positions), n_process)

    def hits_in(self, windows: list[tuple[str, int]], n_process: int = 1) -> list[bool]:
        """Per ``(window text, offset in it)`` (``window``'s result): is that character inside a counted
        entity of the window's scan?"""
        n_process = n_process if len(windows) >= 4 * _BATCH * n_process else 1
        docs = self.nlp.pipe([w for w, _ in windows], batch_size=_BATCH, n_process=n_process)
        return [
            any(e.start_char <= at < e.end_char for e in doc.ents if self._counted(e))
            for (_, at), doc in zip(windows, docs, strict=True)
        ]

    def _counted(self, ent) -> bool:
        return ent.label_ in self.labels and ent.text.strip() != FILLER


@lru_cache(maxsize=2)
def shared_scanner(model_name: str, hashes_file: str | None, labels: tuple[str, ...]) -> NerScanner:
    """One scanner per process and configuration (the model is verified and loaded once)."""
    return NerScanner(model_name, hashes_file, list(labels))
