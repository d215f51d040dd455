# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
DOCS_STAMP := $(VENV)/.installed-docs

.PHONY: run test golden bench docs install clean
GOLDEN_TESTS := tests/cli/test_golden.py tests/cli/test_resources.py tests/experiments/test_report.py tests/cli/test_demo.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP)

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $@ $(STAMP) $(TEST_STAMP)

$(DOCS_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $@ $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/qbnn reproduce --out results/

test: $(TEST_STAMP)
	@start=$$(date +%s); $(BIN)/python -m qbnn.simulator.precompile && \
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q --durations=10; status=$$?; \
	echo "make test: the suite took $$(( $$(date +%s) - start )) s (2 workers, numba's kernels compiled first)"; exit $$status

# After a deliberate change to a command's output: rewrite tests/golden/ and review the diff.
golden: $(TEST_STAMP)
	$(BIN)/python -m pytest -q $(GOLDEN_TESTS) --regen-golden

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.large
	$(BIN)/python -m benchmarks.sat
	$(BIN)/python -m benchmarks.distributed
	$(BIN)/python -m benchmarks.noise
	$(BIN)/python -m benchmarks.noise --meta-run
	$(BIN)/python -m benchmarks.block
	$(BIN)/python -m benchmarks.mnist

# the site, with the tutorial notebooks executed, into site/
docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) results build site .cache *.egg-info
