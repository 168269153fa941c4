"""Parsers: one source file -> records, quarantine items and policy drops (Beam-free).

Each parser is ``parse(src: SourceFile, cfg: InputConfig) -> Iterator[Record | QuarantineItem | Drop]``
and is registered by content type in ``registry.py``. Parsers never raise for bad content: they yield a
``QuarantineItem`` with a reason code and the raw bytes (sealed later).
"""
