"""``LexiconRecognizer`` skips tokens that begin no entry: the same results as trying every n-gram."""

from __future__ import annotations

import random

from transforms.detection.recognizer_config import load_recognizers_file
from transforms.detection.recognizers.lexicon import LexiconRecognizer
from transforms.detection.recognizers.patterns import build

FILLER = ["the", "a", "met", "Norway", "green", "Green", "party", "and", "of", "x-ray", "St.", "O'Neil", "-", ".", "  "]


def _every_ngram(rec: LexiconRecognizer, text: str) -> list[tuple[int, int]]:
    """The recognizer's loop without the first-word check (the form before it)."""
    toks = [(m.start(), m.end()) for m in rec_word_re().finditer(text)]
    toks = [(s, e - (text[e - 1] in ".-")) for s, e in toks]
    out, i = [], 0
    while i < len(toks):
        hit = 0
        for n in range(min(rec.max_words, len(toks) - i), 0, -1):
            start, end = toks[i][0], toks[i + n - 1][1]
            if n > 1 and not all(text[toks[j][1] : toks[j + 1][0]] == " " for j in range(i, i + n - 1)):
                continue
            value = text[start:end]
            if value.casefold() in rec.any_case or value in rec.capitalized:
                out.append((start, end))
                hit = n
                break
        i += hit or 1
    return out


def rec_word_re():
    from transforms.detection.recognizers.lexicon import WORD_RE

    return WORD_RE


def test_same_matches_as_every_ngram():
    spec = next(r for r in load_recognizers_file(None).recognizers if r.type == "lexicon")
    rec = build(spec)
    entries = sorted(rec.any_case | rec.capitalized)
    multi = [e for e in entries if " " in e]
    rng = random.Random(11)
    texts = []
    for _ in range(400):
        words = []
        for _ in range(rng.randint(1, 14)):
            pick = rng.random()
            if pick < 0.35:
                w = rng.choice(entries)
                w = w.upper() if rng.random() < 0.2 else w.title() if rng.random() < 0.4 else w
            elif pick < 0.45 and multi:
                w = rng.choice(multi)
            else:
                w = rng.choice(FILLER)
            words.append(w)
        texts.append(rng.choice([" ", "  ", ", "]).join(words) if rng.random() < 0.3 else " ".join(words))
    found = 0
    for text in texts:
        got = [(r.start, r.end) for r in rec.analyze(text, rec.supported_entities, None)]
        assert got == _every_ngram(rec, text), text
        found += len(got)
    assert found > 300
