# Two commands do all the set-up (README): `make demo` and `make test`.
# Each creates .venv on first use and reinstalls when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/policytrack report --register recommendations.csv --corpus corpus --out reports

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/bench_parse.py --write
	$(BIN)/python bench/bench_references.py --write
	$(BIN)/python bench/bench_tagging.py --write
	$(BIN)/python bench/bench_linking.py --write
	$(BIN)/python bench/bench_report.py --write

clean:
	rm -rf $(VENV) reports .pytest_cache
