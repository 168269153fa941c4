"""What each code recognizer accepts (``recognizers.yaml`` entries whose ``type:`` is not ``pattern``).

The one table of the code recognizers' types, class names and options, Presidio-free: validating a
config (the launcher, ``redact config check``, every worker's ``RunConfig``) does not import Presidio or
spaCy. Each class in ``transforms.detection.recognizers`` names its ``KIND`` and checks its options here,
so the launcher and the worker apply the same rules with the same messages
(``tests/transforms/detection/test_recognizer_options.py`` holds the registry and this table together).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from transforms.detection.word_lists import load_list

OptionTypes = dict[str, type | tuple[type, ...]]


@dataclass(frozen=True)
class Kind:
    """One code recognizer type: its class's name and the options it takes (name -> expected type)."""

    class_name: str
    options: OptionTypes = field(default_factory=dict)


KINDS: dict[str, Kind] = {
    "address": Kind(
        "AddressRecognizer",
        {
            "street_words_after": list,
            "street_words_before": list,
            "street_word_endings": list,
            "unit_words": list,
            "score": float,
            "unit_score": float,
            "max_block_parts": int,
        },
    ),
    "spoken_email": Kind("SpokenEmailRecognizer", {"tlds": list, "score": float}),
    "spoken_number": Kind("SpokenNumberRecognizer", {"min_digits": int, "score": float}),
    "context_person": Kind(
        "ContextPersonRecognizer",
        {
            "triggers": list,
            "possessive_nouns": list,
            "stop_words": list,
            "rare_max_zipf": float,
            "name_max_zipf": float,
            "max_upper_ratio": float,
            "score": float,
        },
    ),
    "gazetteer_person": Kind(
        "GazetteerPersonRecognizer",
        {
            "stop_words": list,
            "rare_max_zipf": float,
            "name_max_zipf": float,
            "score": float,
            "single_max_zipf": float,
            "single_score": float,
        },
    ),
    "lexicon": Kind("LexiconRecognizer", {"file": str, "score": float}),
    "username": Kind("UsernameRecognizer", {"score": float, "rare_max_zipf": float}),
    "handle": Kind("HandleRecognizer", {"score": float, "cue_score": float, "rare_max_zipf": float, "repeat": bool}),
}


def check_options(kind: str, options: dict[str, Any]) -> None:
    """Raise ``ValueError`` (one line, no option values) for an unknown kind, option or option type, or a
    lexicon file that is not shipped."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown recognizer type {kind!r} (known: pattern, {', '.join(KINDS)})")
    for key, value in options.items():
        if key not in spec.options:
            raise ValueError(f"{spec.class_name}: unknown option {key!r}")
        if not isinstance(value, spec.options[key]):
            raise ValueError(f"{spec.class_name}: option {key!r} has the wrong type")
    if kind == "lexicon":
        load_list(options.get("file", "nrp.yaml"))
