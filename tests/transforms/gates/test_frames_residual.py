"""``frames.other_residual`` scans each string value alone (remembered per value): the same counts as
one scan of the row's values joined by NUL, which is what it did before."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.gates import frames as F
from transforms.gates import pii_scan

# Characters the patterns care about at a value's edges: separators, digits, @ and dots (ASCII and
# full-width), brackets, token parts, a combining mark and a zero-width space, NUL itself
TRICKY = "ab.@ 0123456789-+()<>_:/\u3002\uff0e\u0301\u200b\x00ATDOat"
PARTS = st.lists(st.text(alphabet=TRICKY, max_size=24), max_size=6)
VALUES = [
    "mail jane.doe@example.com now",
    "jane.doe",
    "@example.com",
    "555",
    "123 4567",
    "+44 20 7946 0958",
    "4111 1111 1111 1111",
    "GB82 WEST 1234 5698 7654 32",
    "078-05-1120",
    "192.168.10.20",
    "2001:db8::8a2e:370:7334",
    "x (at) host (dot) org",
    "<PERSON_0123456789abcdef>",
    "file://sha256-0123456789abcdef.jsonl",
]


def _joined(parts: list[str]) -> int:
    return sum(pii_scan.scan("\x00".join(F._HASHED_PATH.sub("sha256-", p) for p in parts)).values())


@settings(max_examples=400, deadline=None)
@given(PARTS)
def test_values_alone_count_what_the_joined_row_counts(parts):
    assert sum(F.value_residual(p) for p in parts) == _joined(parts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VALUES), min_size=1, max_size=5), PARTS)
def test_real_findings_next_to_tricky_values(values, noise):
    parts = [x for pair in zip(values, noise + [""] * len(values), strict=False) for x in pair]
    assert sum(F.value_residual(p) for p in parts) == _joined(parts)


def test_other_residual_counts_findings_in_nested_values_and_skips_derived_ids():
    row = {
        "doc_id": "0123456789abcdef",
        "lineage": {"source_uri": "file://sha256-0123456789abcdef.jsonl", "note": "call 555-867-5309"},
        "entity_counts": [{"key": "EMAIL", "value": 1}],
        "metadata": [{"key": "k", "value": "jane.doe@example.com"}],
        "text": "ignored@example.com",
    }
    assert F.other_residual(row, skip=("text",)) == 2  # the phone and the e-mail; the derived id skipped
    assert F.other_residual(row, skip=("text",), id_ok=lambda s: False) >= 2
