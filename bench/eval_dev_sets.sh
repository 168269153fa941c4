#!/usr/bin/env bash
# Score detection on the development sets, side by side with vanilla Presidio.
# Usage: bench/eval_dev_sets.sh [SHARED_EVAL_DIR] [OUT_DIR]
# Writes OUT_DIR/<set>.json (default out/bench) and prints a one-line summary per set.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL_DIR=${1:-${REDACT_SHARED_DIR:-../shared}/eval}
OUT=${2:-out/bench}
PY=${PYTHON:-.venv/bin/python}
mkdir -p "$OUT"
for set in presidio_synth_v2 slurp_devel; do
  PYTHONPATH=. "$PY" -m pipelines.cli -q eval --gold "$EVAL_DIR/$set.jsonl" --baseline presidio \
    --kek-uri "local://$PWD/$OUT/bench-kek.json" --output "$OUT/$set.json" > /dev/null
  "$PY" - "$OUT/$set.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("redact", "presidio"):
    m = d[k]
    print(f"{d['gold']:24} {k:9} recall {m['recall']} precision {m['precision']} f2 {m['f2']} "
          f"entity_recall {m['entity_recall']} ({m['seconds']} s)")
PY
done
