"""Detection metrics exactly as defined in ``shared/eval/README.md`` (Beam-free, label-agnostic).

All counts are over alphanumeric characters only (``str.isalnum``), so punctuation and spaces inside or
around a span never change a score:

- recall = gold alnum chars covered by any predicted span / all gold alnum chars; leak_rate = 1 - recall
- precision = predicted alnum chars that lie inside gold spans / all predicted alnum chars
- f2 = 5PR / (4P + R)
- entity_recall = share of gold spans with at least half of their alnum chars covered
- per_label_recall = recall restricted to the gold spans of each canonical label
- over_redaction = non-gold alnum chars covered by a prediction / all non-gold alnum chars, in total and
  by predicted label (``over_redaction_by_label``: the share each predicted label replaced). Where gold is
  partial (SLURP, CVs, CrossNER) it is an upper bound, like precision there is a lower bound.

Only offsets and counts are handled here; no text leaves this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class Tally:
    """Running character and entity counts; ``add`` one document at a time, ``report`` at the end."""

    gold_chars: int = 0
    gold_covered: int = 0
    pred_chars: int = 0
    pred_in_gold: int = 0
    entities: int = 0
    entities_found: int = 0
    docs: int = 0
    label_gold: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    label_covered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    other_chars: int = 0
    other_pred: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, text: str, gold: Iterable[tuple[int, int, str]], pred: Iterable[tuple]) -> None:
        """Score one document. ``gold`` = (start, end, label), ``pred`` = (start, end[, label]); end-exclusive."""
        self.docs += 1
        gold, pred = list(gold), list(pred)
        in_pred = _mask(len(text), ((p[0], p[1]) for p in pred))
        pred_label = _label_mask(len(text), pred)
        in_gold = _mask(len(text), ((s, e) for s, e, _ in gold))
        alnum = [c.isalnum() for c in text]
        for i, is_alnum in enumerate(alnum):
            if not is_alnum:
                continue
            if in_gold[i]:
                self.gold_chars += 1
                self.gold_covered += in_pred[i]
            if in_pred[i]:
                self.pred_chars += 1
                self.pred_in_gold += in_gold[i]
            if not in_gold[i]:
                self.other_chars += 1
                if in_pred[i]:
                    self.other_pred[pred_label[i]] += 1
        for s, e, label in gold:
            idx = [i for i in range(max(0, s), min(e, len(text))) if alnum[i]]
            if not idx:
                continue
            covered = sum(in_pred[i] for i in idx)
            self.entities += 1
            self.entities_found += 2 * covered >= len(idx)
            self.label_gold[label] += len(idx)
            self.label_covered[label] += covered

    def report(self) -> dict:
        recall = _ratio(self.gold_covered, self.gold_chars)
        precision = _ratio(self.pred_in_gold, self.pred_chars)
        return {
            "docs": self.docs,
            "recall": _round(recall),
            "precision": _round(precision),
            "f2": _round(f_beta(precision, recall, 2.0)),
            "leak_rate": _round(None if recall is None else 1.0 - recall),
            "entity_recall": _round(_ratio(self.entities_found, self.entities)),
            "per_label_recall": {
                k: _round(_ratio(self.label_covered[k], v)) for k, v in sorted(self.label_gold.items())
            },
            "over_redaction": _round(_ratio(sum(self.other_pred.values()), self.other_chars)),
            "over_redaction_by_label": {
                k: _round(_ratio(v, self.other_chars)) for k, v in sorted(self.other_pred.items(), key=lambda x: -x[1])
            },
            "gold_alnum_chars": self.gold_chars,
            "predicted_alnum_chars": self.pred_chars,
            "gold_entities": self.entities,
        }


# The canonical gold labels of the evaluation format (shared/eval/README.md), for tools that write gold.
GOLD_LABELS = frozenset(
    {
        "PERSON", "LOCATION", "ORGANIZATION", "DATE_TIME", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD",
        "US_SSN", "IBAN_CODE", "IP_ADDRESS", "URL", "AGE", "NRP", "ID",
    }
)  # fmt: skip


def f_beta(precision: float | None, recall: float | None, beta: float) -> float | None:
    if precision is None or recall is None:
        return None
    b2 = beta * beta
    denom = b2 * precision + recall
    return 0.0 if denom == 0 else (1 + b2) * precision * recall / denom


def score(docs: Iterable[tuple[str, Sequence[tuple[int, int, str]], Sequence[tuple[int, int]]]]) -> dict:
    """Convenience: metrics over (text, gold spans, predicted spans) triples."""
    tally = Tally()
    for text, gold, pred in docs:
        tally.add(text, gold, pred)
    return tally.report()


def _mask(n: int, spans: Iterable[tuple[int, int]]) -> list[int]:
    m = [0] * n
    for s, e in spans:
        for i in range(max(0, s), min(e, n)):
            m[i] = 1
    return m


def _label_mask(n: int, pred: list[tuple]) -> list[str]:
    """Predicted label per character (first prediction wins; ``?`` when predictions carry no label)."""
    m = [""] * n
    for p in pred:
        label = str(p[2]) if len(p) > 2 else "?"
        for i in range(max(0, p[0]), min(p[1], n)):
            m[i] = m[i] or label
    return m


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)
