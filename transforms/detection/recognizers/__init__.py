"""Code recognizers configured from ``recognizers.yaml`` (``type:`` other than ``pattern``).

Each class names its ``KIND`` (its options: ``transforms.detection.recognizer_options.KINDS``, which config
validation checks without importing this package) and exposes ``from_spec(spec)``. Regexes run with a timeout; a timeout is logged like Presidio's own ("timed out"),
which the ``Detector`` turns into a quarantined record.
"""

from __future__ import annotations

from transforms.detection.recognizers.address import AddressRecognizer
from transforms.detection.recognizers.handles import HandleRecognizer
from transforms.detection.recognizers.lexicon import LexiconRecognizer
from transforms.detection.recognizers.persons import (
    ContextPersonRecognizer,
    GazetteerPersonRecognizer,
    UsernameRecognizer,
)
from transforms.detection.recognizers.spoken import SpokenEmailRecognizer, SpokenNumberRecognizer

REGISTRY = {
    "address": AddressRecognizer,
    "spoken_email": SpokenEmailRecognizer,
    "spoken_number": SpokenNumberRecognizer,
    "context_person": ContextPersonRecognizer,
    "gazetteer_person": GazetteerPersonRecognizer,
    "lexicon": LexiconRecognizer,
    "username": UsernameRecognizer,
    "handle": HandleRecognizer,
}
