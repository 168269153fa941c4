"""Plain text and Markdown: the whole file is one document.

Markdown keeps its structure (headings, tables, lists) but loses inline emphasis and link/image syntax,
which otherwise glue onto words and hide names from the NER model (``**Sofia Lindqvist**``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from transforms.config import InputConfig
from transforms.parsing.common import Item, build_record, decode_text
from transforms.parsing.source import SourceFile


def parse_text(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    """One ``document`` record; invalid UTF-8 raises ``RecordError`` (the registry quarantines the file)."""
    fmt = src.extension.lstrip(".") or "txt"
    text = decode_text(src.data)
    if fmt in ("md", "markdown"):
        text = markdown_text(text)
    yield build_record(src, cfg, content_type="document", text=text, candidates={"source_format": fmt})


_LINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\s]*)(?:\s+\"[^\"\n]*\")?\)")
_EMPHASIS = re.compile(r"(?<!\w)(\*\*|__|\*|_|~~|`)(?=\S)([^\n]*?\S)\1(?!\w)")


def markdown_text(text: str) -> str:
    """``[label](url)`` -> ``label (url)``; ``**x**``/``_x_``/``~~x~~``/`` `x` `` -> ``x``."""
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(2) else m.group(1), text)
    for _ in range(3):  # nested emphasis such as ***x***
        text = _EMPHASIS.sub(r"\2", text)
    return text
