"""Per-stage time of one ``redact`` process from a py-spy sampling profile (collapsed stacks).

Each sample is charged to the OUTERMOST frame that belongs to a pipeline stage (so a helper a stage
calls counts for that stage). Beam fuses stages, but a DoFn's generator frame is only on the stack
while that DoFn runs, so the split is exact up to sampling noise. Samples with no stage frame are
start-up imports (``import``) or runner/driver overhead (``other``). Seconds = share x wall time of the
profiled process (main-thread samples, idle ones included, when recorded with ``--idle --threads``).
"""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from pathlib import Path

STAGES = (
    "read",
    "canonicalize",
    "minimize",
    "detect",
    "tokenize",
    "lineage",
    "write",
    "manifest",
    "gate",
    "publish",
)

# (module path fragment, optional function name) -> stage; first match wins for a frame.
_RULES: list[tuple[str, str | None, str]] = [
    ("pipelines/dataset/manifest.py", "publish", "publish"),
    ("pipelines/gate.py", "publish_gated", "publish"),
    ("pipelines/dataset/manifest.py", None, "manifest"),
    ("pipelines/card.py", None, "manifest"),
    ("pipelines/gate.py", None, "gate"),
    ("transforms/gates/", None, "gate"),
    ("transforms/read.py", None, "read"),
    ("transforms/parsing/", None, "read"),
    ("transforms/canonicalize.py", None, "canonicalize"),
    ("transforms/minimize.py", None, "minimize"),
    ("transforms/detect.py", None, "detect"),
    ("transforms/detection/detector.py", None, "detect"),
    ("transforms/detection/offsets.py", None, "canonicalize"),
    ("transforms/canonical_text.py", None, "canonicalize"),
    ("pipelines/commands/detect.py", "_rows", "read"),
    ("transforms/tokenize.py", None, "tokenize"),
    ("transforms/vault.py", None, "tokenize"),
    ("transforms/lineage.py", None, "lineage"),
    ("transforms/write.py", None, "write"),
]
# Charged only when no stage frame is on the stack: `redact detect` writes spans in its main loop.
_FALLBACK = [("pipelines/commands/detect.py", "main", "write")]
_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^:()]*):\d+\)$")


def py_spy() -> str | None:
    """py-spy next to the running interpreter (a venv) or on PATH."""
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


def _is(func: str, name: str | None) -> bool:
    """py-spy names methods ``Class.method``; match on the last part."""
    return name is None or func == name or func.endswith("." + name)


def classify(stack: list[str]) -> str:
    """Stage of one sample (frames root first)."""
    importing, fallback = False, None
    for frame in stack:
        m = _FRAME.match(frame.strip())
        if not m:
            continue
        func, file = m.group("func"), m.group("file")
        if func == "<module>":  # importing a stage's module is start-up, not that stage's work
            continue
        for fragment, name, stage in _RULES:
            if fragment in file and _is(func, name):
                return stage
        for fragment, name, stage in _FALLBACK:
            if fragment in file and _is(func, name):
                fallback = fallback or stage
        if "importlib._bootstrap" in file:
            importing = True
    return "import" if importing else fallback or "other"


def _lines(raw_profile: Path) -> list[str]:
    """The profile's samples; of the main thread only when it was recorded per thread (``--threads``).

    ``perf.py`` records with ``--idle --threads``: the main thread runs the whole command (the local
    runner processes bundles on it), so its samples, waits included, cover the wall time once, and a
    stage's share of them is its share of the wall time even while the process waits for a child (the
    detection child, the gate's scan). Other threads (Beam's, the child's feeder) mostly wait."""
    lines = raw_profile.read_text().splitlines()
    if any(line.startswith("thread (") for line in lines):
        return [line for line in lines if line.split(";", 1)[0].endswith("MainThread")]
    return lines


def split(raw_profile: Path) -> dict[str, float]:
    """Share of samples per stage (sums to 1)."""
    counts: Counter[str] = Counter()
    for line in _lines(raw_profile):
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        frames = [f for f in stack.split(";") if not f.startswith("process ") and not f.startswith("thread ")]
        counts[classify(frames)] += int(n)
    total = sum(counts.values()) or 1
    return {k: round(v / total, 4) for k, v in sorted(counts.items(), key=lambda kv: -kv[1])}


HOTSPOTS = {
    "imports": ("importlib._bootstrap", "_find_and_load"),
    "spacy pipeline": ("spacy/language.py", "pipe"),
    "spacy (per text)": ("spacy/language.py", "__call__"),
    "presidio analyze": [
        ("presidio_analyzer/analyzer_engine.py", "analyze"),
        ("transforms/detection/lean.py", "analyze"),
    ],
    "phone recognizer": ("phone_recognizer.py", "analyze"),
    "phone recognizer (prefiltered)": ("transforms/detection/phone.py", "analyze"),
    "pattern recognizers": [
        ("presidio_analyzer/pattern_recognizer.py", "analyze"),
        ("transforms/detection/lean_patterns.py", "analyze"),  # Presidio's loop as the optimized path runs it
    ],
    "context enhancement": ("context_aware_enhancer", "enhance_using_context"),
    "tink encrypt": ("tink/", "encrypt_deterministically"),
    "parquet write": ("pyarrow/parquet", "write_table"),
    "great expectations": ("great_expectations/", None),
}


def hotspots(raw_profile: Path) -> dict[str, float]:
    """Share of samples whose stack passes through each known hot spot (inclusive time)."""
    counts: Counter[str] = Counter()
    total = 0
    for line in _lines(raw_profile):
        stack, _, k = line.rpartition(" ")
        if not k.isdigit():
            continue
        total += int(k)
        frames = [m.groups() for f in stack.split(";") if (m := _FRAME.match(f.strip()))]
        for label, where in HOTSPOTS.items():
            alternatives = where if isinstance(where, list) else [where]  # e.g. Presidio's analyze or ours
            if any(frag in file and _is(fn, func) for frag, func in alternatives for fn, file in frames):
                counts[label] += int(k)
    return {label: round(counts[label] / max(total, 1), 3) for label in HOTSPOTS}
