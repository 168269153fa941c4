#!/usr/bin/env bash
# Score detection on the four development sets, side by side with vanilla Presidio.
# Usage: bench/eval_dev_sets.sh [SHARED_EVAL_DIR] [OUT_DIR] [extra `redact eval` options...]
#   e.g. bench/eval_dev_sets.sh ../shared/eval out/bench --limit 200 --no-baseline
# Env: SETS="presidio_synth_v2 ..." to choose sets; CONFIG=FILE for a run config (ablations).
# Writes OUT_DIR/<set>.json (default out/bench) and prints a summary table (markdown) to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL_DIR=${1:-${REDACT_SHARED_DIR:-../shared}/eval}
OUT=${2:-out/bench}
shift $(( $# > 2 ? 2 : $# ))
PY=${PYTHON:-.venv/bin/python}
SETS=${SETS:-presidio_synth_v2 slurp_devel resumes_dev crossner_dev}
BASELINE=(--baseline presidio)
EXTRA=()
for a in "$@"; do
  if [ "$a" = "--no-baseline" ]; then BASELINE=(); else EXTRA+=("$a"); fi
done
CFG=()
if [ -n "${CONFIG:-}" ]; then CFG=(--config "$CONFIG"); fi
mkdir -p "$OUT"
for set in $SETS; do
  PYTHONPATH=. nice "$PY" -m pipelines.cli -q eval --gold "$EVAL_DIR/$set.jsonl" "${BASELINE[@]}" "${CFG[@]}" \
    "${EXTRA[@]}" --kek-uri "local://$PWD/$OUT/bench-kek.json" --output "$OUT/$set.json" > /dev/null
done
"$PY" - "$OUT" $SETS <<'PY'
import json, sys
out, sets = sys.argv[1], sys.argv[2:]
print("| set | system | recall | precision | F2 | leak | entity recall | over-redaction | s |")
print("|---|---|---|---|---|---|---|---|---|")
labels = {}
for name in sets:
    d = json.load(open(f"{out}/{name}.json"))
    for k in ("redact", "presidio"):
        if k in d:
            m = d[k]
            print(f"| {name} | {k} | {m['recall']} | {m['precision']} | {m['f2']} | {m['leak_rate']} | "
                  f"{m['entity_recall']} | {m['over_redaction']} | {m['seconds']} |")
            labels[(name, k)] = m
print()
print("| set | system | per-label recall | over-redaction by predicted label (top 4) |")
print("|---|---|---|---|")
for (name, k), m in labels.items():
    plr = ", ".join(f"{a} {b}" for a, b in m["per_label_recall"].items())
    orl = ", ".join(f"{a} {b}" for a, b in list(m["over_redaction_by_label"].items())[:4])
    print(f"| {name} | {k} | {plr} | {orl} |")
PY
