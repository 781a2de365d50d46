# End-to-end tests (e2e/): the real server on a fresh SQLite database, serving the
# built SPA, driven in headless Chromium by playwright-core under node:test. Included
# by the root Makefile; paths are relative to the repository root.
#
#   make e2e        build the SPA if needed, then run e2e/run.mjs against $(TIDINGS_BIN)
#   make e2e-deps   install playwright-core (npm ci) and Chromium when missing
#
# Screenshots and the server's log land in e2e/artifacts/.

NODE ?= node
NPM ?= npm
E2E_DIR := e2e
# The server binary under test; the root Makefile says where it builds it.
TIDINGS_BIN ?= $(or $(CARGO_TARGET_DIR),target)/debug/tidings
CHROMIUM ?= /usr/bin/chromium
SUDO ?= $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: e2e e2e-deps

e2e-deps: $(E2E_DIR)/node_modules/.package-lock.json
	@if [ ! -x '$(CHROMIUM)' ]; then \
		echo "Installing Chromium"; \
		$(SUDO) apt-get install -y chromium \
			|| { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }; \
	fi

# npm writes node_modules/.package-lock.json on every install; touch it so make agrees.
$(E2E_DIR)/node_modules/.package-lock.json: $(E2E_DIR)/package.json $(E2E_DIR)/package-lock.json
	cd $(E2E_DIR) && $(NPM) ci --no-audit --no-fund
	@touch $@

e2e: e2e-deps spa
	@test -x '$(TIDINGS_BIN)' || { echo "e2e: no server binary at $(TIDINGS_BIN); build it or set TIDINGS_BIN"; exit 1; }
	TIDINGS_BIN='$(abspath $(TIDINGS_BIN))' CHROMIUM='$(CHROMIUM)' $(NODE) $(E2E_DIR)/run.mjs
