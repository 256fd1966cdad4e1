# Trygghet: `make run` serves the app with demo data, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development serves with DEBUG on unless told otherwise.
export DJANGO_DEBUG ?= 1

.PHONY: run test install lint format clean bench

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 saknas: installera paketet python3.11 (Debian) och försök igen." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstalls when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
	@scripts/ensure-system-packages

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Trygghet körs på http://$(HOST):$(PORT)/ (avsluta med Ctrl+C)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	@scripts/ensure-system-packages --browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks (not part of make test): document rendering and download times, and the main
# pages at municipal scale on PostgreSQL (its own database trygghet_bench; needs wrk).
bench: install
	$(BIN)/python bench/decision_documents.py
	$(BIN)/python bench/render_documents.py
	$(BIN)/python bench/scale.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
