# Two commands: `make run` (set up, demo data, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint format bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed
	mkdir -p var/staticfiles var/private

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "altprov is at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
ifdef REDIS_URL
	$(VENV)/bin/honcho start -f Procfile.dev
else
	$(PY) manage.py runserver $(HOST):$(PORT)
endif

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) bench/attendance.py

clean:
	rm -rf $(VENV) var db.sqlite3
