#!/usr/bin/env bash
# Policy as code: run checkov over infra/ with zero failed checks allowed.
# checkov lives in its own venv (.venv-checkov): its dependencies clash with the main lock, so it is
# pinned here and never added to requirements.lock. Idempotent: a second run only checks the pin.
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKOV_VERSION=3.3.30
PY=${PYTHON:-python3}
VENV=.venv-checkov
if [ ! -x "$VENV/bin/checkov" ] || [ "$(cat "$VENV/.checkov-version" 2>/dev/null)" != "$CHECKOV_VERSION" ]; then
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION"
  echo "$CHECKOV_VERSION" > "$VENV/.checkov-version"
fi
# --skip-download: no call to the vendor API (offline, no egress); --compact: findings without code
# blocks; --quiet: failed checks only. Exit code non-zero on any failed check.
exec "$VENV/bin/checkov" -d infra/ --skip-download --compact --quiet "$@"
