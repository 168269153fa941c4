"""Gate configuration and canary definitions: edge cases that must raise, and leak detection."""

from __future__ import annotations

import pytest

from transforms.config import GatesConfig, load_config
from transforms.errors import ConfigError
from transforms.gates.canaries import DEFAULT_CANARIES, canary_record, leaked_values, load_canaries


def test_defaults_load_and_are_valid():
    cfg = load_config(None)
    canaries = load_canaries(cfg.gates)
    assert [c.id for c in canaries] == [c.id for c in DEFAULT_CANARIES]
    rec = canary_record(canaries[0])
    assert rec.canary is True and rec.doc_id == "canary-contact"
    assert rec.lineage.source_uri.startswith("canary://sha256-")


@pytest.mark.parametrize(
    ("override", "where"),
    [
        ({"gates.max_ner_char_fraction": 1.5}, "gates.max_ner_char_fraction"),
        ({"gates.min_canary_recall": -0.1}, "gates.min_canary_recall"),
        ({"gates.min_text_chars": -1}, "gates.min_text_chars"),
        ({"gates.unknown_threshold": 1}, "gates.unknown_threshold"),
        ({"gates.canaries": [{"id": "x", "text": "hello Bob", "values": ["Alice"]}]}, "gates.canaries"),
        ({"gates.canaries": [{"id": "bad id!", "text": "hi Bob", "values": ["Bob"]}]}, "gates.canaries"),
        ({"gates.canaries": [{"id": "x", "text": "hi Bob", "values": []}]}, "gates.canaries"),
    ],
)
def test_bad_gate_config_raises(override, where):
    with pytest.raises(ConfigError, match=where):
        load_config(None, **override)


def test_canaries_file(tmp_path):
    path = tmp_path / "canaries.yaml"
    path.write_text(
        "- id: one\n  text: 'Ping Zed Quill at zq@example.org now.'\n  values: ['Zed Quill', 'zq@example.org']\n"
    )
    canaries = load_canaries(GatesConfig(canaries_file=str(path)))
    assert [c.id for c in canaries] == ["one"]
    path.write_text("- id: one\n  text: 'x'\n")
    with pytest.raises(ConfigError, match="canaries_file"):
        load_canaries(GatesConfig(canaries_file=str(path)))
    with pytest.raises(ConfigError, match="not found"):
        load_canaries(GatesConfig(canaries_file=str(tmp_path / "missing.yaml")))


def test_duplicate_ids_and_ambiguous_fragments_fail():
    c = {"id": "a", "text": "Ping Zed Quill now.", "values": ["Zed Quill"]}
    with pytest.raises(ConfigError, match="unique"):
        load_canaries(GatesConfig(canaries=[c, c]))
    ambiguous = {"id": "b", "text": "Quill says: ping Zed Quill now.", "values": ["Zed Quill"]}
    with pytest.raises(ConfigError, match="fragment"):
        load_canaries(GatesConfig(canaries=[ambiguous]))


@pytest.mark.parametrize(
    ("output", "leaked"),
    [
        ("Canary record 1: please write to <PERSON_0000000000000001> at <EMAIL_ADDRESS_0000000000000002> "
         "or call <PHONE_NUMBER_0000000000000003> today.", 0),
        ("Canary record 1: please write to Emily <PERSON_0000000000000001> at <EMAIL_ADDRESS_0000000000000002> "
         "or call <PHONE_NUMBER_0000000000000003> today.", 1),  # partial name left: a leak
        ("Canary record 1: please write to <PERSON_0000000000000001> at e.carter@example.com "
         "or call +1 415-555-0198 today.", 3),  # the e-mail also shows the surname: the name leaks too
    ],
)  # fmt: skip
def test_leaked_values_counts_whole_and_partial_values(output, leaked):
    assert leaked_values(output, DEFAULT_CANARIES[0]) == leaked
