# Trust Portal — `make run` starts it, `make test` tests it (see README.md).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-dev

.PHONY: run test test-fast test-service lint format messages install bench bench-trust bench-api bench-broker load chaos soak clean

# The virtual environment, with the locked dependencies (hash-checked).
$(STAMP): requirements/dev.txt requirements/pip.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/pip.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

# Web + Celery worker + Celery beat on the embedded defaults, with demo data (portal/devserver.py).
run: $(STAMP)
	DEBUG=1 PORT=$(PORT) $(BIN)/python -m portal.devserver

# Both lanes: fast tests on SQLite in parallel, then the service lane on
# PostgreSQL + Redis + a real Celery worker (skipped, visibly, if the servers
# are not reachable — unless PORTAL_REQUIRE_SERVICES=1).
test: test-fast test-service

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not service" -n auto

test-service: $(STAMP)
	PORTAL_TEST_LANE=service $(BIN)/python -m pytest -m service

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	DEBUG=1 PORTAL_VAR_DIR=$$(mktemp -d) $(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract and compile the translations (needs GNU gettext; the .mo files are committed).
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages -l de --add-location=file --ignore=.venv --ignore=tests --ignore=var
	DEBUG=1 $(BIN)/python manage.py compilemessages -l de --ignore=.venv

# The API's consent check under gunicorn on a throwaway PostgreSQL database, beside a
# trivial endpoint, with wrk (apt-get install wrk) or a Python client; only 127.0.0.1,
# bounded in time, stops what it starts. BENCH_ARGS="--seconds 20 --workers 4" to vary.
# The trust recompute against its floor on a throwaway PostgreSQL database (created, migrated, dropped);
# BENCH_ARGS="--customers 1000000 --entries-per-customer 20" for the README's figures.
bench-trust: $(STAMP)
	DEBUG=1 PORTAL_VAR_DIR=$$(mktemp -d) \
	  DATABASE_URL=$${PORTAL_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench_trust} \
	  $(BIN)/python manage.py trust_bench --throwaway $(BENCH_ARGS)

bench-api: $(STAMP)
	DEBUG=1 PORTAL_VAR_DIR=$$(mktemp -d) \
	  DATABASE_URL=$${PORTAL_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench_api} \
	  $(BIN)/python manage.py api_bench $(BENCH_ARGS)

# The embedded broker beside kombu's filesystem transport (put, drain, unreadable messages), and a real
# worker draining typical jobs on the embedded default. Throwaway folders; stops what it starts.
bench-broker: $(STAMP)
	DEBUG=1 PORTAL_VAR_DIR=$$(mktemp -d) $(BIN)/python manage.py broker_bench $(BENCH_ARGS)

# The portal as in production (gunicorn, Celery workers + beat, a private redis-server, mail to an
# SMTP sink) on a throwaway PostgreSQL database, driven by locust for a fixed time; prints figures
# per step beside a trivial endpoint's ceiling, then checks the invariants. Only 127.0.0.1, bounded,
# stops what it starts. LOAD_ARGS="--users 50 --seconds 60" to vary (see manage.py load_run --help).
LOCAL_PRODUCTION = DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=127.0.0.1 PORTAL_HTTPS=0 PORTAL_VAR_DIR=$$(mktemp -d)

load: $(STAMP)
	$(LOCAL_PRODUCTION) DATABASE_URL=$${PORTAL_LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_load} \
	  $(BIN)/python manage.py load_run $(LOAD_ARGS)

# The same load while Celery workers are killed (-9) mid-recompute and mid-mail-batch, Redis is
# restarted and PostgreSQL connections are terminated; exits non-zero if an invariant fails.
chaos: $(STAMP)
	$(LOCAL_PRODUCTION) DATABASE_URL=$${PORTAL_CHAOS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_chaos} \
	  $(BIN)/python manage.py chaos_run $(LOAD_ARGS)

# make run's processes on a fresh var/ (embedded defaults), used for a while by simulated customers,
# an agent and a privacy officer over HTTP, /healthz asked every 2 s; then figures and checks (exit 1 if
# one fails). Only 127.0.0.1, bounded, stops what it starts. SOAK_ARGS="--minutes 30" to vary.
soak: $(STAMP)
	DEBUG=1 PORTAL_VAR_DIR=$$(mktemp -d) $(BIN)/python manage.py soak_run $(SOAK_ARGS)

clean:
	rm -rf var staticfiles .pytest_cache .mypy_cache .ruff_cache
