# Tandem. `make run` and `make test` are the two set-up commands; both install first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
TANDEM := $(VENV)/bin/tandem
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= true

.PHONY: install install-production run test test-fast audit bench lint format lock clean

install: $(STAMP) node_modules/.installed chromium .env

# A developer's settings, written once and never committed (.gitignore): DEBUG and a generated
# SECRET_KEY, so every .venv/bin/tandem command works in this folder. Real environment variables win.
.env:
	@if [ "$${TANDEM_DOTENV:-true}" = false ]; then echo "TANDEM_DOTENV=false: no .env written"; exit 0; fi; \
	printf '# Written once by make install for this checkout (git-ignored). Environment variables override it.\nDEBUG=true\nSECRET_KEY=%s\n' \
	  "$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@; \
	echo "Wrote .env (DEBUG=true and a new SECRET_KEY) for local commands"

# Python: production's whole tree in requirements.lock and the development and test tools in
# requirements-dev.lock, every file checked against its hash; reinstalled only when a lock changes.
# Production installs requirements.lock alone (docs/deployment.md).
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# Production: requirements.lock alone (no test or development tool), the NHS.UK frontend; no Chromium.
install-production: node_modules/.installed
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .

# Regenerate both locks from requirements.in and requirements-dev.in (pip-tools, with hashes).
lock:
	@test -x .lockvenv/bin/pip-compile || (python3 -m venv .lockvenv && .lockvenv/bin/pip install --quiet pip-tools==7.6.2)
	.lockvenv/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-header \
	  --no-emit-index-url --no-emit-find-links --output-file requirements.lock requirements.in
	.lockvenv/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-header \
	  --no-emit-index-url --no-emit-find-links --output-file requirements-dev.lock requirements-dev.in

# nhsuk-frontend and axe-core from the npm registry, pinned by package-lock.json, never committed.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is not installed: browser tests will be skipped (sudo apt-get install chromium)"; \
	  fi; \
	fi

run: install
	$(TANDEM) migrate --no-input
	$(TANDEM) createcachetable
	@$(TANDEM) shell -c "from tandem.core.models import College; import sys; sys.exit(0 if College.objects.exists() else 1)" \
	  || $(TANDEM) demo
	@echo
	@echo "Tandem is at http://$(HOST):$(PORT)/  Demo logins (password: tandem-demo):"
	@echo "  admin (College admin)  qi (QI team)  tutor (staff tutor)  peer (peer tutor)  manager (line manager)  leader (Trust leader)"
	@echo
	@trap 'kill 0' EXIT INT TERM; \
	  $(TANDEM) db_worker & \
	  $(TANDEM) runserver $(HOST):$(PORT)

# The suite runs in parallel (pytest-xdist): one worker per core, each with its own test database
# (SQLite in memory, or test_<name>_gw0, _gw1, ... on PostgreSQL). --dist loadfile keeps each test
# file on one worker, so a module's fixtures (the demo College, the backup) are built once; files
# are handed out heaviest first (tandem/tests/ordering.py), not by their number of tests.
# Override with e.g. `make test PYTEST_WORKERS=0` (serial) or `make test PYTEST_ARGS=--durations=25`.
PYTEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

test: install
	$(PYTEST)

# The quick loop while working: no browser tests, none of the slow ones (marked `slow`).
test-fast: install
	$(PYTEST) -m "not browser and not slow"

# Security: known vulnerabilities in the pinned dependencies (pip-audit; reports, without failing,
# when PyPI's vulnerability data cannot be reached) and static analysis (bandit, medium and up).
audit: install
	$(PY) .ci/audit-dependencies
	$(VENV)/bin/bandit -ll -q -r tandem spc planner

# Lint and format (ruff, configured in pyproject.toml); CI runs `make lint` before the tests.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The web benchmark on SQLite by default; BENCH_DATABASE_URL=postgres://…/an_empty_database for PostgreSQL.
bench: install
	$(PY) benchmarks/bench_spc.py
	$(PY) benchmarks/bench_planner.py
	$(PY) benchmarks/bench_web.py $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))

clean:
	rm -rf $(VENV) .lockvenv node_modules staticfiles tandem.sqlite3
