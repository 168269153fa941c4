"""The word-list files shipped under ``transforms/detection/data/`` (lexicon recognizer lists, places).

Presidio-free readers, cached per process: config validation checks a lexicon file exists without
importing the recognizers. Only shipped files are read (a name that leaves ``data/`` is refused).
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.lru_cache(maxsize=8)
def load_list(name: str) -> dict[str, list[str]]:
    """A lexicon file's ``any_case`` and ``capitalized`` words; ``ValueError`` if not shipped."""
    path = DATA_DIR / name
    if path.parent != DATA_DIR or not path.is_file():
        raise ValueError(f"lexicon file {name!r} not found in {DATA_DIR.name}/")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {k: [str(w) for w in data.get(k) or []] for k in ("any_case", "capitalized")}


@functools.lru_cache(maxsize=1)
def load_places() -> dict[str, list[str]]:
    """``data/places.yaml``: country and first-level region names (location policy)."""
    data = yaml.safe_load((DATA_DIR / "places.yaml").read_text(encoding="utf-8")) or {}
    return {k: [str(w) for w in data.get(k) or []] for k in ("countries", "regions")}
