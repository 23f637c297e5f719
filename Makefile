# permis2d — two commands on a fresh Debian machine: `make run` and `make test`.
# Both install what is missing: Debian packages (as root), a virtual environment at .venv/,
# and the Python packages of pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_DEBS := python3 python3-venv libdmtx0b fonts-dejavu-core fontconfig
TEST_DEBS := python3 python3-venv libdmtx0b poppler-utils chromium fonts-dejavu-core fontconfig
# Browser assets (web-assets/package-lock.json: pinned versions and integrity hashes), vendored
# by `npm ci` then a copy: zxing-wasm into the verifier's static files, axe-core for the tests.
VENDOR := verifier/static/vendor/zxing-wasm
WEB_STAMP := $(VENDOR)/.installed
# The local FranceConnect (demo and tests only): its npm packages, from its lockfile.
FCSIM_STAMP := franceconnect-sim/node_modules/.package-lock.json

.PHONY: run test lint bench system-deps run-deps test-deps clean web-assets node fcsim-deps

run: run-deps $(STAMP) $(WEB_STAMP) $(FCSIM_STAMP)
	$(BIN)/permis2d demo

test: test-deps $(STAMP) $(WEB_STAMP) $(FCSIM_STAMP)
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

# Node and npm: Debian's `nodejs` and `npm` when no npm is on the PATH. Checked by command, not by
# `dpkg -s npm`: a nodejs package that bundles npm (and conflicts with Debian's npm) is fine.
node:
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages: nodejs npm"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	  else echo "Missing Node.js (run as root, or: sudo apt-get install nodejs npm)"; exit 1; fi; }

# The local FranceConnect (franceconnect-sim/, demo and tests only): `npm ci` from its lockfile.
fcsim-deps: $(FCSIM_STAMP)

$(FCSIM_STAMP): franceconnect-sim/package.json franceconnect-sim/package-lock.json | node
	cd franceconnect-sim && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

web-assets: $(WEB_STAMP)

$(WEB_STAMP): web-assets/package.json web-assets/package-lock.json | node
	cd web-assets && npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p $(VENDOR) tests/e2e/vendor
	cp web-assets/node_modules/zxing-wasm/dist/iife/reader/index.js $(VENDOR)/zxing-reader.js
	cp web-assets/node_modules/zxing-wasm/dist/reader/zxing_reader.wasm $(VENDOR)/
	cp web-assets/node_modules/zxing-wasm/LICENSE $(VENDOR)/LICENSE
	cp web-assets/node_modules/axe-core/axe.min.js tests/e2e/vendor/axe.min.js
	touch $@

# The verifier alone is `pip install permis2d`; make installs the issuer and the tools too.
# xmlsec and lxml only as wheels: both bundle the same libxml2 (a source build of xmlsec would
# link Debian's, and xmlsec refuses at import a libxml2 that differs from lxml's), so no -dev
# package is needed.
$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --only-binary=xmlsec,lxml -e '.[issuer,dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache web-assets/node_modules $(VENDOR) tests/e2e/vendor
