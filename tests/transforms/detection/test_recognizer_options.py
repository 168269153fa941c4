"""``recognizer_options`` is the one table of the code recognizers' options: the launcher validates a config
with it without importing Presidio or spaCy, and every registered class checks its options through it."""

import subprocess
import sys
from pathlib import Path

import pytest

from transforms.detection.recognizer_options import KINDS, check_options
from transforms.detection.recognizers import REGISTRY

ROOT = Path(__file__).resolve().parents[3]


def test_the_table_and_the_registry_name_the_same_classes():
    assert set(KINDS) == set(REGISTRY)
    for kind, cls in REGISTRY.items():
        assert kind == cls.KIND
        assert cls.__name__ == KINDS[kind].class_name


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("spoken_number", {"digits": 3}, "SpokenNumberRecognizer: unknown option 'digits'"),
        ("spoken_number", {"min_digits": "3"}, "SpokenNumberRecognizer: option 'min_digits' has the wrong type"),
        ("handle", {"repeat": 1.5}, "HandleRecognizer: option 'repeat' has the wrong type"),
        ("lexicon", {"file": "../config.py"}, "lexicon file '../config.py' not found"),
        ("lexicon", {"file": "no_such_list.yaml"}, "lexicon file 'no_such_list.yaml' not found"),
        ("magic", {}, "unknown recognizer type 'magic'"),
    ],
)
def test_bad_options_fail_alike_in_the_table_and_in_the_class(kind, options, message):
    with pytest.raises(ValueError, match=message):
        check_options(kind, options)
    if kind in REGISTRY:
        with pytest.raises(ValueError, match=message):
            REGISTRY[kind]("X", "X", options)


@pytest.mark.parametrize(("kind", "options"), [("address", {"max_block_parts": 4}), ("lexicon", {"file": "nrp.yaml"})])
def test_good_options_pass(kind, options):
    check_options(kind, options)
    assert kind == REGISTRY[kind]("X", "X", options).KIND


def test_validating_a_config_imports_neither_presidio_nor_spacy():
    code = (
        "import sys\n"
        "from transforms.config import RunConfig\n"
        "RunConfig()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'presidio_analyzer', 'spacy', 'thinc'}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
