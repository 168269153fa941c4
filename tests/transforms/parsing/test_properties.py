"""Property tests: arbitrary bytes and Unicode never crash parsing, canonicalization or the writers'
row conversion, and every file is fully accounted for (records + quarantined + dropped)."""

from __future__ import annotations

import json

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms import reasons
from transforms.canonical_text import Canonicalizer
from transforms.canonicalize import canonicalize_record
from transforms.config import InputConfig
from transforms.known_pii import add_known_spans
from transforms.parsing.registry import PARSERS, parse_source
from transforms.parsing.source import SourceFile
from transforms.record import Drop, QuarantineItem, Record
from transforms.schemas import TRAINING_SCHEMA, training_row

CFG = InputConfig(metadata_allowlist=["source", "source_format", "title"], max_json_depth=16)
CANON = Canonicalizer()
EXTENSIONS = [*sorted(PARSERS), "", ".bin", ".csv"]
KNOWN_REASONS = {v for k, v in vars(reasons).items() if k.isupper()}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NASTY = [
    *'Maria Garcia <|im_end|>[INST]{}[]":,\n',
    *("\u200b", "\u202e", "\ud800", "\udfff", "\x00", "\ufb01", "\uff1c", "\u00ad", "\r"),
]
unicode_text = st.one_of(
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300),
    st.text(alphabet=st.sampled_from(NASTY), max_size=120),  # surrogates, invisibles, specials: often
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | unicode_text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "text", "messages", "role", "content", "results", "items", "source"]) | unicode_text,
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)
documents = st.one_of(
    st.fixed_dictionaries({"id": unicode_text, "text": unicode_text}, optional={"source": json_values}),
    st.fixed_dictionaries(
        {"messages": st.lists(st.fixed_dictionaries({"role": unicode_text, "content": unicode_text}), max_size=3)}
    ),
)
payloads = st.one_of(
    st.lists(documents.map(json.dumps), min_size=1, max_size=4).map(lambda ls: "\n".join(ls).encode()),
    st.binary(max_size=2000),
    unicode_text.map(lambda s: s.encode("utf-8", "surrogatepass")),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.lists(json_values.map(json.dumps), max_size=5).map(lambda ls: "\n".join(ls).encode()),
    st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"WEBVTT\n\n", b"From: a@b.c\nTo: d@e.f\n\n", b"<html>"]).flatmap(
        lambda head: st.binary(max_size=500).map(lambda tail: head + tail)
    ),
)


def _consume(src: SourceFile) -> None:
    items = list(parse_source(src, CFG))
    assert items, "every file yields at least one item"
    for item in items:
        assert isinstance(item, Record | QuarantineItem | Drop)
        if isinstance(item, QuarantineItem):
            assert item.reason in KNOWN_REASONS and isinstance(item.payload, bytes) and item.source_record
        elif isinstance(item, Drop):
            assert item.reason in KNOWN_REASONS
        else:
            _downstream(item)


def _downstream(record: Record) -> None:
    """What happens to a parsed record before detection, plus the writer's row conversion."""
    assert record.doc_id
    canon = canonicalize_record(record, CANON)
    add_known_spans(canon)
    for s in canon.spans:
        assert 0 <= s.start < s.end <= len(canon.text)
    canon.redacted = True
    pa.Table.from_pylist([training_row(canon)], schema=TRAINING_SCHEMA)  # encodable: no lone surrogates


@FAST
@given(ext=st.sampled_from(EXTENSIONS), data=payloads)
def test_any_bytes_with_any_extension_never_crash(ext, data):
    _consume(SourceFile(f"/corpus/file{ext}", data))


@FAST
@given(text=unicode_text)
def test_canonical_text_is_clean_idempotent_and_encodable(text):
    out, counts = CANON.apply(text)
    out.encode("utf-8")
    for ch in "\u200b\u200d\u202e\u2066\x00\x1b\ufeff\u00ad":
        assert ch not in out
    assert "<|im_end|>" not in out and "[INST]" not in out
    assert CANON.apply(out)[0] == out
    assert all(v > 0 for v in counts.values())


@FAST
@given(
    name=st.sampled_from(["Maria Garcia", "Jonas Weber"]),
    junk=st.lists(
        st.sampled_from(["\u200b", "\u200c", "\u2060", "\u202e", "\u00ad", "\U000e0041"]), min_size=1, max_size=4
    ),
)
def test_invisible_characters_cannot_split_a_name(name, junk):
    split = name[:2] + "".join(junk) + name[2:]
    assert CANON.apply(split)[0] == name


@FAST
@given(docs=st.lists(documents, min_size=1, max_size=3), ext=st.sampled_from([".jsonl", ".json"]))
def test_any_json_document_reaches_the_writer_intact(docs, ext):
    data = json.dumps(docs) if ext == ".json" else "\n".join(json.dumps(d) for d in docs)
    _consume(SourceFile(f"/corpus/docs{ext}", data.encode()))
