# The two commands of the README's quick start. Each creates .venv when it is missing
# (with the extras the whole test suite needs: the notebook and docs tests run too).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench docs clean

$(BIN)/aiotrace: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,notebook,docs,probes,data,web]'
	touch $(BIN)/aiotrace

demo: $(BIN)/aiotrace
	$(BIN)/aiotrace run -f -- sh -c 'ls / | wc -l'

test: $(BIN)/aiotrace
	$(BIN)/mypy aiotrace
	$(BIN)/ruff check aiotrace tests benchmarks
	$(BIN)/python -m pytest -q

docs: $(BIN)/aiotrace
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict -d site

bench: $(BIN)/aiotrace
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build site *.egg-info
