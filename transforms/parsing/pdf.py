"""PDF: the text layer, page by page (pypdf). No OCR: a PDF without a text layer is an empty document.

Encrypted PDFs that need a password and truncated PDFs (no ``%%EOF`` at the end) are quarantined rather
than partially read: a salvaged fragment would silently lose the rest of the document. pypdf's own log
lines are silenced below ERROR: they can quote object contents.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from transforms import reasons
from transforms.config import InputConfig
from transforms.errors import RecordError
from transforms.parsing.common import Item, build_record, quarantine
from transforms.parsing.source import SourceFile

logging.getLogger("pypdf").setLevel(logging.ERROR)

PAGE_BREAK = "\n\n"
_META = {"/Title": "title", "/Creator": "creator", "/Producer": "producer", "/CreationDate": "created"}


def parse_pdf(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    data = src.data
    if b"%PDF-" not in data[:1024]:
        yield quarantine(src, reasons.PARSE_CORRUPT)
        return
    if b"%%EOF" not in data[-2048:]:
        yield quarantine(src, reasons.PARSE_TRUNCATED)
        return
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _open_without_password(reader):
            yield quarantine(src, reasons.PARSE_ENCRYPTED)
            return
        pages = reader.pages
        n_pages = len(pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        yield quarantine(src, reasons.PARSE_CORRUPT)
        return
    texts = []
    for i in range(n_pages):
        try:
            texts.append(pages[i].extract_text() or "")
        except Exception:  # one unreadable page fails the document: no silent partial text
            yield quarantine(src, reasons.PARSE_CORRUPT, f"page:{i + 1}")
            return
        if sum(len(t) for t in texts) > cfg.max_record_chars:
            raise RecordError(reasons.PARSE_TOO_LARGE)
    candidates = {"source_format": "pdf", "pages": n_pages, **_metadata(reader)}
    yield build_record(
        src, cfg, content_type="document", text=PAGE_BREAK.join(t.strip() for t in texts), candidates=candidates
    )


def _open_without_password(reader) -> bool:
    """Many PDFs are "encrypted" with an empty user password (permissions only): those are readable."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


def _metadata(reader) -> dict[str, str]:
    """Document properties offered to the allow-list. Author fields are never offered: they name people."""
    try:
        info = reader.metadata or {}
        return {name: str(info[key]) for key, name in _META.items() if info.get(key) is not None}
    except Exception:
        return {}
