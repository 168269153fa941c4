"""What the gate's NER check reads, collected in two streaming passes over the scan texts.

The samples of ``sampling`` are fixed before the model runs: the record sample by the row count and
the seed, the character positions by the seed and the records' scanned lengths. So the driver can
stream the training texts, keep only the texts of the sampled records and the windows around the
sampled positions (``ner_scan.window``), and hand ``ner_check`` that (``NerSample``) instead of every
text: memory and the pickled payload of the check's child process are bounded by
``gates.ner_sample_records``, not by the version's size. Small versions (no more records than the
sample) are scanned whole, as before: every text is kept, at most ``ner_sample_records`` of them.

The verdicts are those of the check over every text: the same sample, the same texts in the same
order given to the model, the same windows (computed by the same function on the same masked text).

Privacy contract: holds the scan texts of sampled records and windows of others in memory only
(``NerJob`` pickles them over a pipe); nothing is written.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from transforms.gates import sampling
from transforms.gates.ner_scan import scan_length, windows_at

Window = tuple[str, int]


@dataclass(frozen=True, slots=True)
class NerSample:
    """The texts and windows ``ner_check`` reads, and the sample they come from.

    ``rows``: the record sample in draw order (``None``: every row is scanned and ``texts`` holds them
    all). ``positions``: the character positions in draw order; ``windows``: the window of each one
    whose record is not in ``texts`` (the others are cut from that record's text when judged)."""

    total: int
    rows: list[int] | None
    texts: dict[int, str]
    total_chars: int = 0
    positions: list[tuple[int, int]] = field(default_factory=list)
    windows: dict[tuple[int, int], Window] = field(default_factory=dict)

    def all_texts(self) -> list[str]:
        """Every row's text, in row order (only when every row is scanned)."""
        if self.rows is not None:
            raise ValueError("a sampled check holds the sampled records' texts only")
        return [self.texts[i] for i in range(self.total)]

    def window(self, row: int, offset: int) -> Window:
        """The window judging scanned character ``offset`` of ``row`` on its own (``ner_scan.window``)."""
        return self.windows_of([(row, offset)])[0]

    def windows_of(self, positions: list[tuple[int, int]]) -> list[Window]:
        """``window`` of each position: held, or cut from its record's held text (masked once per record)."""
        cut = [p for p in positions if p not in self.windows]
        made = dict(zip(cut, windows_at(self.texts, cut), strict=True))
        return [self.windows[p] if p in self.windows else made[p] for p in positions]


def collect(total: int, sample_records: int, seed: str, scan_texts: Callable[[], Iterable[str]]) -> NerSample:
    """The ``NerSample`` of ``total`` rows whose scan texts ``scan_texts()`` yields in row order (called
    once, or twice when sampled: the second pass cuts the windows of positions in unsampled records)."""
    rows = sampling.sample_order(total, sample_records, seed)
    wanted = None if rows is None else set(rows)
    texts: dict[int, str] = {}
    lengths = array("q")
    seen = 0
    for i, text in enumerate(scan_texts()):
        seen += 1
        if wanted is None or i in wanted:
            texts[i] = text
        if wanted is not None:
            lengths.append(scan_length(text))
    if seen != total:
        raise ValueError(f"{seen} scan texts for {total} rows")
    if rows is None:
        return NerSample(total, None, texts)
    positions = sampling.position_order(lengths, sample_records, seed)
    needed: dict[int, list[int]] = {}
    for row, offset in positions:
        if row not in texts:
            needed.setdefault(row, []).append(offset)
    windows: dict[tuple[int, int], Window] = {}
    if needed:
        for i, text in enumerate(scan_texts()):
            if i in needed:
                at = [(i, off) for off in needed[i]]
                windows.update(zip(at, windows_at({i: text}, at), strict=True))
    return NerSample(total, rows, texts, sum(lengths), positions, windows)


def from_texts(texts: list[str], sample_records: int, seed: str) -> NerSample:
    """The ``NerSample`` of texts already in memory (tests, small callers)."""
    return collect(len(texts), sample_records, seed, lambda: iter(texts))
