"""bench/ablation.py: its core on a tiny invented set with the real Detector (structure, a method that
matters changes its row), the NER cache gives the same spans as no cache, held-out probes are refused."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.bench.corpus_loader import bench_module
from transforms.config import load_config
from transforms.detection.recognizer_config import load_recognizers_file

ab = bench_module("ablation")

# Invented: a measurement range that the numeric validators refuse as a date or phone, a name, an e-mail.
TEXTS = [
    "Vitals today: BP 120/80, pulse range 110-125/60-70, weight 72.",
    "Please forward the minutes to Odile Brennagh before Friday.",
    "Reach the desk at kestrel.varn@example.org for a copy.",
]
GOLD = [[], [(30, 44, "PERSON")], [(18, 42, "EMAIL_ADDRESS")]]
# ALL-CAPS, lowercase and mixed lines: segment_casing changes what spaCy sees for these
CASED = ["MEETING NOTES\nATTENDEES: ODILE BRENNAGH, TOM ASHWORTH", "ok so i told marta pelling yesterday", *TEXTS]


@pytest.fixture(scope="module")
def cfg():
    return load_config(None)


def _docs(texts, gold):
    return [{"id": str(i), "text": t, "gold": g} for i, (t, g) in enumerate(zip(texts, gold, strict=True))]


def test_gold_offsets_are_the_invented_values():
    assert TEXTS[1][30:44] == "Odile Brennagh" and TEXTS[2][18:42] == "kestrel.varn@example.org"


def test_core_rows_and_a_method_that_matters(cfg):
    rules = load_recognizers_file(cfg.detection.recognizers_file)
    configs = ab.configurations(rules, ["numeric_validators", "one_label"])
    assert [c[0] for c in configs] == [ab.REFERENCE, "numeric_validators", "one_label"]
    lines: list[str] = []
    rows = ab.ablation(cfg, {"tiny": _docs(TEXTS, GOLD)}, configs, ab.NerCache(), progress=lines.append)
    assert len(lines) == 3 and all("CPU-s" in line for line in lines)
    assert [r["name"] for r in rows] == [ab.REFERENCE, "numeric_validators", "one_label"]
    ref = rows[0]["sets"]["tiny"]
    assert ref["docs"] == 3 and ref["recall"] > 0.9 and {"precision", "over_redaction"} <= set(ref)
    changes = ab.deltas(rows, threshold=0.01)
    nv = changes[0]["sets"]["tiny"]
    # off, the range "110-125/60-70" is redacted: the method LOWERS over-redaction (negative change)
    assert nv["over_redaction"] < 0 and nv["precision"] > 0
    assert rows[1]["sets"]["tiny"]["over_redaction"] > ref["over_redaction"]
    table = ab.markdown(rows, changes, 0.01)
    row = next(line for line in table.splitlines() if line.startswith("| `numeric_validators`"))
    assert "OR -" in row
    assert table.splitlines()[0].startswith("| method | tiny |")


def test_every_methods_key_is_a_configuration(cfg):
    rules = load_recognizers_file(cfg.detection.recognizers_file)
    names = [c[0] for c in ab.configurations(rules)]
    assert names[1:] == list(rules.methods.model_dump()) and len(names) > 30
    with_rec = ab.configurations(rules, [], [rules.recognizers[0].name])
    assert with_rec[1] == (rules.recognizers[0].name, "recognizer", [rules.recognizers[0].name])
    with pytest.raises(ab.AblationError, match="unknown method"):
        ab.configurations(rules, ["no_such_method"])
    with pytest.raises(ab.AblationError, match="unknown recognizer"):
        ab.configurations(rules, [], ["NoSuchRecognizer"])


@pytest.mark.parametrize("ablate", [[], ["segment_casing"], ["common_word_guard"]])
def test_ner_cache_gives_the_same_spans_as_a_fresh_detector(cfg, ablate):
    from pipelines.commands.eval import _ablated_config
    from transforms.detection.detector import Detector

    cache = ab.NerCache()
    warm = Detector(cfg.detection)  # fills the cache under the default configuration's spaCy inputs
    cache.install(warm.engine.nlp_engine)
    warm.detect_many(CASED)
    with tempfile.TemporaryDirectory() as tmp:
        c = _ablated_config(cfg, ablate, Path(tmp)) if ablate else cfg
        cached, fresh = Detector(c.detection), Detector(c.detection)
        cache.install(cached.engine.nlp_engine)
        hits = cache.hits
        got, want = cached.detect_many(CASED), fresh.detect_many(CASED)
    assert cache.hits > hits  # the cache was actually used
    assert [[(s.start, s.end, s.label, s.score) for s in d] for d in got] == [
        [(s.start, s.end, s.label, s.score) for s in d] for d in want
    ]


def test_cache_is_bounded():
    cache = ab.NerCache(max_chars=10)
    cache._put(("en", "short"), object())
    cache._put(("en", "much longer text"), object())
    assert list(cache.store) == [("en", "short")] and cache.chars == 5


@pytest.mark.parametrize("name", ["probe_v5", "probe_v6", "probe_v12"])
def test_held_out_probes_are_refused(name):
    with pytest.raises(ab.AblationError, match="held out"):
        ab.check_set(name)
    with pytest.raises(ab.AblationError, match="held out"):
        ab.parse_limits([f"{name}=3"])


def test_limits_and_sets():
    assert ab.parse_limits(["200", "resumes_dev=40"]) == (200, {"resumes_dev": 40})
    assert ab.check_set("probe_v4") == "probe_v4"
    for bad in (["0"], ["x=1"], ["slurp_devel=many"]):
        with pytest.raises(ab.AblationError):
            ab.parse_limits(bad)
    assert ab.main(["--sets", "probe_v5"]) == 2
