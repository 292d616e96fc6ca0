# The commands the README names. `make run` and `make test` set up everything they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PORT ?= 5000
# The browser tests drive Debian's chromium (Playwright's own browser download cannot
# work offline); installed once, only where it is missing.
CHROMIUM := /usr/bin/chromium
APT_GET := $(if $(filter 0,$(shell id -u)),,sudo )apt-get
# The API docs pages' scripts, vendored from the npm registry (`make vendor-docs`).
SWAGGER_UI_VERSION := 5.35.0
REDOC_VERSION := 3.0.1
DOCS_ASSETS := jobhub/apidocs/static

.PHONY: install browser rum vendor-docs run test test-sqlite test-postgres fuzz lint audit pg-client worker beat migrate bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

$(CHROMIUM):
	$(APT_GET) update
	DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y --no-install-recommends chromium

## Debian's chromium, for the browser tests (Playwright from requirements-dev.txt drives it).
browser: $(CHROMIUM)

# The RUM extension for the local PostgreSQL (the job search ranks from its index where it
# exists, GIN otherwise); installed once, only where it is missing.
PG_MAJOR ?= 15
RUM := /usr/share/postgresql/$(PG_MAJOR)/extension/rum.control

$(RUM):
	$(APT_GET) update
	DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y --no-install-recommends postgresql-$(PG_MAJOR)-rum

## Debian's postgresql-15-rum (PG_MAJOR=15): the index relevance-sorted searches rank from.
rum: $(RUM)

## Refresh the vendored Swagger UI and ReDoc (needs npm; commit the result).
vendor-docs:
	rm -rf $(DOCS_ASSETS)/swagger-ui $(DOCS_ASSETS)/redoc
	mkdir -p $(DOCS_ASSETS)/swagger-ui $(DOCS_ASSETS)/redoc
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	npm pack --silent --pack-destination "$$tmp" \
		swagger-ui-dist@$(SWAGGER_UI_VERSION) redoc@$(REDOC_VERSION) >/dev/null && \
	tar -xzf "$$tmp/swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz" -C $(DOCS_ASSETS)/swagger-ui \
		--strip-components=1 package/LICENSE package/NOTICE package/swagger-ui.css \
		package/swagger-ui-bundle.js package/swagger-ui-bundle.js.LICENSE.txt && \
	tar -xzf "$$tmp/redoc-$(REDOC_VERSION).tgz" -C $(DOCS_ASSETS)/redoc \
		--strip-components=1 package/LICENSE package/bundles/redoc.standalone.js && \
	mv $(DOCS_ASSETS)/redoc/bundles/redoc.standalone.js $(DOCS_ASSETS)/redoc/ && \
	rmdir $(DOCS_ASSETS)/redoc/bundles
	cd $(DOCS_ASSETS) && { \
		echo "swagger-ui-dist $(SWAGGER_UI_VERSION) (Apache-2.0), redoc $(REDOC_VERSION) (MIT), from the npm registry"; \
		sha256sum swagger-ui/* redoc/*; } > VENDORED

## Serve the API and socket.io on http://127.0.0.1:$(PORT) (SQLite, in-process tasks).
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## Lint, check the architecture, audit the dependencies, then run the suite on SQLite and
## on PostgreSQL + Redis.
test: install browser lint audit test-sqlite test-postgres

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## Known vulnerabilities in the pinned and installed packages (PyPI's advisories), with the
## dated exceptions of dependency-audit.toml; then proves the audit still catches a
## known-vulnerable pin (exit 1 naming its advisory; exit 2, PyPI unreachable, fails).
AUDIT_FIXTURE := tests/tools/fixtures/vulnerable-requirements.txt
audit: install
	$(BIN)/python -m tools.dependency_audit requirements-dev.txt --installed
	@out=$$(mktemp); status=0; \
	$(BIN)/python -m tools.dependency_audit --no-exceptions $(AUDIT_FIXTURE) > $$out 2>&1 \
		|| status=$$?; \
	if [ $$status -eq 1 ] && grep -q PYSEC-2017-94 $$out; then rm -f $$out; \
		echo "audit self-check: the known-vulnerable pin in $(AUDIT_FIXTURE) was caught"; \
	else cat $$out; rm -f $$out; \
		echo "audit self-check FAILED: exit $$status, PYSEC-2017-94 not reported"; exit 1; fi

## pg_dump and pg_restore for `flask backup` (Debian's postgresql-client, if missing).
pg-client:
	@command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq postgresql-client; }

test-sqlite: install
	JOBHUB_TEST_BACKEND=sqlite $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install pg-client browser rum
	JOBHUB_TEST_BACKEND=postgres $(BIN)/python -m pytest $(PYTEST_ARGS)

## schemathesis per role against gunicorn in production mode (part of test-postgres with
## a ~10 minute budget); this runs it alone, longer: FUZZ_SECONDS per role.
FUZZ_SECONDS ?= 300
fuzz: install pg-client
	JOBHUB_TEST_BACKEND=postgres JOBHUB_FUZZ_SECONDS=$(FUZZ_SECONDS) \
		$(BIN)/python -m pytest tests/fuzz -p no:randomly -s $(PYTEST_ARGS)

worker: install
	$(BIN)/celery -A celery_worker:celery worker --loglevel=INFO

beat: install
	$(BIN)/celery -A celery_worker:celery beat --loglevel=INFO

migrate: install
	$(BIN)/flask db upgrade

bench: install rum
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
