"""The recognizer YAML is validated at construction; bad files fail with one clear ConfigError."""

from pathlib import Path

import pytest
import yaml

from transforms.config import load_config
from transforms.detection.recognizer_config import DEFAULT_FILE, load_recognizers_file
from transforms.errors import ConfigError


def _write(tmp_path: Path, mutate) -> str:
    data = yaml.safe_load(DEFAULT_FILE.read_text())
    mutate(data)
    p = tmp_path / "rec.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True))
    return str(p)


def _add(rec):
    return lambda d: d["recognizers"].append(rec)


BAD = {
    "bad_regex": _add({"name": "X", "supported_entity": "X", "patterns": [{"name": "p", "regex": "(", "score": 0.5}]}),
    "unknown_type": _add({"name": "X", "type": "magic", "supported_entity": "X"}),
    "bad_validator": _add(
        {
            "name": "X",
            "supported_entity": "X",
            "validator": "crc",
            "patterns": [{"name": "p", "regex": "a", "score": 0.5}],
        }
    ),
    "unknown_option": _add({"name": "X", "type": "spoken_number", "supported_entity": "X", "options": {"digits": 3}}),
    "lowercase_entity": _add({"name": "X", "supported_entity": "x", "deny_list": ["a"]}),
    "duplicate_name": lambda d: d["recognizers"].append(dict(d["recognizers"][-1])),
    "score_out_of_range": lambda d: d["propagation"].update(min_score=2),
    "unknown_key": lambda d: d.update(surprise=True),
    "no_patterns": _add({"name": "X", "supported_entity": "X"}),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_recognizer_files_fail(tmp_path, case):
    path = _write(tmp_path, BAD[case])
    with pytest.raises(ConfigError):
        load_recognizers_file(path)


def test_bad_recognizer_file_fails_at_config_load(tmp_path):
    path = _write(tmp_path, BAD["bad_regex"])
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"detection": {"recognizers_file": path}}))
    with pytest.raises(ConfigError, match="recognizers"):
        load_config(str(cfg))


def test_stdnum_validator_and_packaged_file_load(tmp_path):
    rec = {
        "name": "X",
        "supported_entity": "X",
        "validator": "stdnum:isbn",
        "patterns": [{"name": "p", "regex": r"\d{13}", "score": 0.5}],
    }
    assert load_recognizers_file(_write(tmp_path, _add(rec))).recognizers[-1].validator == "stdnum:isbn"
    assert load_recognizers_file(None).ner.model_to_presidio_entity_mapping["ORG"] == "ORGANIZATION"


def test_detector_config_hash_covers_recognizer_file(tmp_path):
    a = load_config(None).detection.sha256()
    path = _write(tmp_path, lambda d: d["propagation"].update(score=0.61))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"detection": {"recognizers_file": path}}))
    assert load_config(str(cfg)).detection.sha256() != a
