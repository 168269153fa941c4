"""Per-document replacement state (Beam-free): what each mode writes into the text, and what the vault
must remember to reverse it.

One ``DocumentReplacements`` exists per document or conversation (all turns and speakers share it, so
``indexed`` numbers and surrogates stay coherent within a conversation). Identity always comes from the
scope key: the token ``<TYPE_hex>`` is the AES-SIV pseudonym of the normalized value, surrogate seeds are
derived from that token, and date offsets from a SIV pseudonym of the subject. Nothing is derived from
the raw value without the key.

Privacy contract per mode:
* ``token``: ``<PERSON_3f9a...>``; vault: token -> ciphertext. Reversible.
* ``typed``: ``<PERSON>``; no vault entry, not reversible (only the entity count is kept).
* ``indexed``: ``<PERSON_1>`` numbered per document in order of first appearance; vault: token ->
  ciphertext with the surface per document. Reversible.
* ``surrogate``: a realistic value of the same type and format (``surrogates``); vault as for indexed.
  Collision guard: a surrogate that equals any detected value of the document, occurs as a whole word
  anywhere in the document's raw text, or equals the surrogate of another value in the document is re-drawn (next draw
  number, still deterministic), and so is a person's surrogate that keeps a word of any detected value
  (a real first or last name); ``collisions`` counts re-draws. After ``MAX_DRAWS`` the token is used.
* ``date_shift``: the date moved by the subject's offset (``dates``); vault as for indexed. Values that do
  not parse as dates get the token.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from transforms.keys.scope_keys import ScopeKeys
from transforms.keys.tokens import format_token, normalize_value
from transforms.replacement.config import ReplacementConfig
from transforms.replacement.dates import shift_date
from transforms.replacement.surrogates import surrogate

MAX_DRAWS = 16
_WORD = re.compile(r"[^\W\d_]{2,}")  # a run of two or more letters
MAX_SHIFT_DAYS = 365


@dataclass(slots=True)
class Replaced:
    """One replaced value: ``surface`` is what the text now holds; ``ciphertext`` None when irreversible."""

    entity_type: str
    token: str
    surface: str
    ciphertext: bytes | None


@dataclass
class DocumentReplacements:
    keys: ScopeKeys
    cfg: ReplacementConfig
    subject: str  # raw subject id (or the doc id): only ever fed to the keyed PRF, never stored
    raw_texts: list[str]  # the document's raw text(s), casefolded: surrogates must not occur in them
    detected: set[str]  # casefolded detected values of the document
    replaced: list[Replaced] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    collisions: int = 0
    fallbacks: int = 0
    _index: dict[str, dict[str, int]] = field(default_factory=dict)
    _surfaces: dict[str, str] = field(default_factory=dict)  # token -> surface in this document
    _taken: dict[str, str] = field(default_factory=dict)  # casefolded surface -> token
    _offset: int | None = None
    _detected_words: set[str] | None = None  # words of the detected values (casefolded), made on first use

    def see(self, entity_type: str, value: str) -> None:
        """Register a value in document order before replacing (Presidio's engine replaces from the end):
        ``indexed`` numbers follow first appearance."""
        if self.cfg.mode_for(entity_type) == "indexed":
            token, _ = self._identity(entity_type, value)
            per_type = self._index.setdefault(entity_type, {})
            per_type.setdefault(token, len(per_type) + 1)

    def _identity(self, entity_type: str, value: str) -> tuple[str, bytes]:
        pseudonym, ct = self.keys.tokenize(entity_type, normalize_value(entity_type, value))
        return format_token(entity_type, pseudonym), ct

    def replace(self, entity_type: str, value: str, mode: str) -> str:
        """The replacement text for ``value`` under ``mode``; records the vault material of reversible modes."""
        self.counts[entity_type] += 1
        if mode == "typed":
            return f"<{entity_type}>"
        token, ct = self._identity(entity_type, value)
        surface = self._surfaces.get(token)
        if surface is None:
            surface = self._surface(mode, entity_type, value, token)
            self._surfaces[token] = surface
            self._taken.setdefault(surface.casefold(), token)
        self.replaced.append(Replaced(entity_type, token, surface, ct))
        return surface

    def _surface(self, mode: str, entity_type: str, value: str, token: str) -> str:
        if mode == "token":
            return token
        if mode == "indexed":
            per_type = self._index.setdefault(entity_type, {})
            return f"<{entity_type}_{per_type.setdefault(token, len(per_type) + 1)}>"
        if mode == "date_shift":
            shifted = shift_date(value, self.date_offset())
            if shifted is not None and self._free(shifted):
                return shifted
            self.fallbacks += 1
            return token
        for draw in range(MAX_DRAWS):
            candidate = surrogate(entity_type, value, token, draw)
            if candidate.strip() and self._free(candidate) and not self._shares_a_name(entity_type, candidate):
                return candidate
            self.collisions += 1
        self.fallbacks += 1
        return token

    def _free(self, candidate: str) -> bool:
        """The collision guard: not a real value of this document, not another value's stand-in."""
        c = candidate.casefold()
        if c in self.detected or c in self._taken:
            return False
        pattern = re.compile(r"(?<!\w)" + re.escape(c) + r"(?!\w)")  # as a whole word (not "ann" in "annual")
        return not any(c in t and pattern.search(t) for t in self.raw_texts)

    def _shares_a_name(self, entity_type: str, candidate: str) -> bool:
        """A person's surrogate must not keep a part of a real name: "Emily Bradford" for "Emily Carter"
        would leave the real first name in the text. True when a word of ``candidate`` (letters, two or
        more) is a word of any detected value of the document."""
        if entity_type != "PERSON":
            return False
        if self._detected_words is None:
            self._detected_words = {w for v in self.detected for w in _WORD.findall(v)}
        return any(w in self._detected_words for w in _WORD.findall(candidate.casefold()))

    def date_offset(self) -> int:
        """The subject's shift in days, in [-365, -1] or [1, 365]: a keyed PRF of the subject."""
        if self._offset is None:
            pseudonym, _ = self.keys.tokenize("DATE_SHIFT", self.subject)
            n = int(hashlib.sha256(pseudonym.encode()).hexdigest()[:8], 16) % (2 * MAX_SHIFT_DAYS)
            self._offset = n - MAX_SHIFT_DAYS if n < MAX_SHIFT_DAYS else n - MAX_SHIFT_DAYS + 1
        return self._offset
