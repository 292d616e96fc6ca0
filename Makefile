# The commands the README names. `make run` and `make test` set up everything they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PORT ?= 5000

.PHONY: install run test test-sqlite test-postgres lint worker beat migrate bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## Serve the API and socket.io on http://127.0.0.1:$(PORT) (SQLite, in-process tasks).
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## Lint, check the architecture, then run the suite on SQLite and on PostgreSQL + Redis.
test: install lint test-sqlite test-postgres

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test-sqlite: install
	JOBHUB_TEST_BACKEND=sqlite $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install
	JOBHUB_TEST_BACKEND=postgres $(BIN)/python -m pytest $(PYTEST_ARGS)

worker: install
	$(BIN)/celery -A celery_worker:celery worker --loglevel=INFO

beat: install
	$(BIN)/celery -A celery_worker:celery beat --loglevel=INFO

migrate: install
	$(BIN)/flask db upgrade

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
