# permis2d — two commands on a fresh Debian machine: `make run` and `make test`.
# Both install what is missing: Debian packages (as root), a virtual environment at .venv/,
# and the Python packages of pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_DEBS := libdmtx0b fonts-dejavu-core
TEST_DEBS := libdmtx0b poppler-utils chromium fonts-dejavu-core

.PHONY: run test lint bench system-deps run-deps test-deps node-deps clean

run: run-deps $(STAMP) node-deps
	$(BIN)/permis2d demo

test: test-deps $(STAMP) node-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/pip install -q -e '.[bench]' || true
	for b in bench/bench_*.py; do $(BIN)/python $$b; done

# Debian packages: installed only when missing, and only when we are root (otherwise a clear hint).
define install_debs
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing Debian packages:$$missing (run as root, or: sudo apt-get install$$missing)"; \
	  fi; \
	fi
endef

run-deps:
	$(call install_debs,$(RUN_DEBS))

test-deps:
	$(call install_debs,$(TEST_DEBS))

system-deps: test-deps

# Node programs (the local FranceConnect): Debian's nodejs/npm when no npm is on the PATH, then
# `npm ci` from the committed lockfile (pinned versions, integrity hashes), only when it changed.
FCSIM := franceconnect-sim
node-deps: $(FCSIM)/node_modules/.package-lock.json

$(FCSIM)/node_modules/.package-lock.json: $(FCSIM)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	  else echo "Missing Node.js (run as root, or: sudo apt-get install nodejs npm)"; exit 1; fi; }
	cd $(FCSIM) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
