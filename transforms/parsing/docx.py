"""DOCX (python-docx): body paragraphs and tables in document order, then headers and footers.

Table rows become ``cell | cell`` lines (merged cells once), nested tables are walked. Headers/footers of
every section (default, first-page, even-page) are read once each. Text boxes, footnotes and comments
are not extracted (so nothing of them reaches the output). A corrupt package or a zip whose declared
unpacked size exceeds ``max_unpacked_bytes`` is quarantined.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from transforms import reasons
from transforms.config import InputConfig
from transforms.parsing.common import Item, build_record, quarantine
from transforms.parsing.source import SourceFile

_CORE = ("title", "category", "language", "created", "modified", "revision", "version")
_MAX_TABLE_DEPTH = 8


def parse_docx(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    try:
        with zipfile.ZipFile(io.BytesIO(src.data)) as z:
            if sum(i.file_size for i in z.infolist()) > cfg.max_unpacked_bytes:
                yield quarantine(src, reasons.PARSE_TOO_LARGE)
                return
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        yield quarantine(src, reasons.PARSE_CORRUPT)
        return
    try:
        import docx

        doc = docx.Document(io.BytesIO(src.data))
        lines = _blocks(doc, 0)
        lines += _headers_footers(doc)
        props = _core(doc)
    except Exception:  # python-docx raises many types (KeyError, lxml errors, PackageNotFoundError...)
        yield quarantine(src, reasons.PARSE_CORRUPT)
        return
    text = "\n".join(line for line in lines if line.strip())
    yield build_record(src, cfg, content_type="document", text=text, candidates={"source_format": "docx", **props})


def _blocks(container, depth: int) -> list[str]:
    from docx.table import Table

    out: list[str] = []
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            out.extend(_table(block, depth))
        else:
            out.append(block.text)
    return out


def _table(table, depth: int) -> list[str]:
    if depth >= _MAX_TABLE_DEPTH:
        return []
    out: list[str] = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is returned once per grid column it spans
                continue
            seen.add(id(cell._tc))
            inner = _blocks(cell, depth + 1)
            cells.append(" ".join(x.strip() for x in inner if x.strip()))
        out.append(" | ".join(cells))
    return out


def _headers_footers(doc) -> list[str]:
    out: list[str] = []
    seen: set[int] = set()
    for section in doc.sections:
        for hf in (
            section.header,
            section.first_page_header,
            section.even_page_header,
            section.footer,
            section.first_page_footer,
            section.even_page_footer,
        ):
            if hf.is_linked_to_previous:
                continue
            part = id(hf.part)
            if part in seen:
                continue
            seen.add(part)
            out.extend(_blocks(hf, 0))
    return out


def _core(doc) -> dict[str, str]:
    """Core properties offered to the allow-list; author/last_modified_by are never offered."""
    props = doc.core_properties
    out = {}
    for name in _CORE:
        value = getattr(props, name, None)
        if value not in (None, ""):
            out[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return out
