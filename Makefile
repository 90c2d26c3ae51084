# The two commands of the README's quick start. Each creates .venv when it is missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench clean

$(BIN)/aiotrace: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,data]'
	touch $(BIN)/aiotrace

demo: $(BIN)/aiotrace
	$(BIN)/aiotrace run -f -- sh -c 'ls / | wc -l'

test: $(BIN)/aiotrace
	$(BIN)/mypy aiotrace
	$(BIN)/ruff check aiotrace tests benchmarks
	$(BIN)/python -m pytest -q

bench: $(BIN)/aiotrace
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
