# Tidings — the entry points. A newcomer needs two: `make run` and `make test`.
#
#   make run       build the SPA and the server (release), migrate the SQLite file,
#                  seed the demo organisation once, serve on 127.0.0.1:8080
#   make test      every check CI runs (fmt, clippy, unit + integration tests on SQLite
#                  and on PostgreSQL — TEST_DATABASE_URL=postgres://…, or a throwaway
#                  cluster when it is unset; the OpenAPI
#                  drift test; the wasm check; the SPA build; the browser tests)
#   make openapi   rewrite openapi/openapi.json from the code
#   make contract  schemathesis (every check, stateful links) against the debug server
#                  and the committed openapi/openapi.json (part of `make test`)
#   make bench     measure at scale against limits measured in the same run
#                  (BENCH_CONTACTS, default 1 000 000; SQLite, or PostgreSQL with
#                  BENCH_DATABASE_URL=postgres://…); BENCHMARKS.md has a full run of each
#   make bench-postgres  the same on a throwaway PostgreSQL cluster
#   make soak      the long fault runs: kills during a 100 000-contact launch, webhook
#                  chaos over 10 000 messages (RELIABILITY.md)
#
# Build output lives outside the clone (CARGO_TARGET_DIR), so fresh clones of the same
# machine reuse it.

SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(HOME)/.cache/tidings-target
TIDINGS_BIN ?= $(CARGO_TARGET_DIR)/debug/tidings
RELEASE_BIN := $(CARGO_TARGET_DIR)/release/tidings
DATABASE_URL ?= sqlite://data/tidings.db

include mk/frontend.mk
include mk/e2e.mk

.PHONY: run test openapi fmt-check clippy test-sqlite test-postgres wasm-check server-debug toolchain bench bench-postgres soak contract contract-deps

# rustup installs the toolchain and wasm target named in rust-toolchain.toml on first use.
toolchain:
	@command -v $(CARGO) >/dev/null || { echo "Rust is required: https://rustup.rs"; exit 1; }
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

run: toolchain spa
	$(CARGO) build --release -p tidings-api --bin tidings
	DATABASE_URL=$(DATABASE_URL) $(RELEASE_BIN) migrate
	DATABASE_URL=$(DATABASE_URL) $(RELEASE_BIN) seed-demo
	DATABASE_URL=$(DATABASE_URL) TIDINGS_STATIC_DIR=$(SPA_DIST) $(RELEASE_BIN) serve

openapi:
	$(CARGO) run --quiet -p tidings-api --bin tidings -- openapi --output openapi/openapi.json

fmt-check:
	$(CARGO) fmt --all --check

clippy:
	$(CARGO) clippy --all-targets -- -D warnings

# The suite on SQLite: a temporary file per test.
test-sqlite:
	env -u TEST_DATABASE_URL $(CARGO) test

# The same integration suite on PostgreSQL: a fresh schema per test, dropped after. On
# TEST_DATABASE_URL when set (CI's server); else on a throwaway cluster that
# scripts/throwaway-postgres.sh starts (installing Debian's server when missing) and
# removes afterwards, so every `make test` covers both backends.
test-postgres:
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "Integration suite on PostgreSQL at $$TEST_DATABASE_URL"; \
		$(CARGO) test -p tidings-api --tests; \
	else \
		cluster=$$(mktemp -d); \
		trap 'scripts/throwaway-postgres.sh stop "'"$$cluster"'"' EXIT; \
		url=$$(scripts/throwaway-postgres.sh start "$$cluster") || exit 1; \
		echo "Integration suite on a throwaway PostgreSQL cluster ($$url)"; \
		TEST_DATABASE_URL="$$url" $(CARGO) test -p tidings-api --tests; \
	fi

wasm-check: toolchain
	CARGO_TARGET_DIR=$(CARGO_TARGET_DIR_WASM) $(CARGO) check -p tidings-domain --target wasm32-unknown-unknown

server-debug:
	$(CARGO) build -p tidings-api --bin tidings

# The contract test (contract/run.sh): schemathesis from PyPI, in a virtualenv outside
# the clone so fresh clones of the same machine reuse it.
SCHEMATHESIS_VERSION := 4.32.5
SCHEMATHESIS_VENV ?= $(HOME)/.cache/tidings-schemathesis
SCHEMATHESIS := $(SCHEMATHESIS_VENV)/bin/schemathesis

contract-deps:
	@if ! $(SCHEMATHESIS) --version 2>/dev/null | grep -q '$(SCHEMATHESIS_VERSION)'; then \
		echo "Installing schemathesis $(SCHEMATHESIS_VERSION)"; \
		python3 -m venv $(SCHEMATHESIS_VENV) && \
		$(SCHEMATHESIS_VENV)/bin/pip install --quiet --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION); \
	fi

contract: contract-deps server-debug
	contract/run.sh '$(TIDINGS_BIN)' '$(SCHEMATHESIS)'

# The long forms of the fault tests (their short forms run in `make test`): a 100 000
# contact launch with the server killed 20 times, and 10 000 messages' status reports
# delivered 1-6 times each in any order. Set TEST_DATABASE_URL for PostgreSQL.
soak: toolchain
	SOAK_CONTACTS=$${SOAK_CONTACTS:-100000} SOAK_KILLS=$${SOAK_KILLS:-20} CHAOS_MESSAGES=$${CHAOS_MESSAGES:-10000} \
		$(CARGO) test --release -p tidings-api --test soak --test chaos -- --nocapture --test-threads 1

# Figures, not pass/fail, each next to its limit measured in the same run
# (crates/api/benches/scale/main.rs says what each line measures), then the kernels
# (criterion). SQLite, or PostgreSQL with BENCH_DATABASE_URL=postgres://…;
# `make bench-postgres` runs it on a throwaway cluster.
bench: toolchain
	$(CARGO) bench -p tidings-api --bench scale --bench kernels

bench-postgres: toolchain
	@cluster=$$(mktemp -d); \
	trap 'scripts/throwaway-postgres.sh stop "'"$$cluster"'"' EXIT; \
	url=$$(scripts/throwaway-postgres.sh start "$$cluster") || exit 1; \
	echo "Bench on a throwaway PostgreSQL cluster ($$url)"; \
	BENCH_DATABASE_URL="$$url" $(CARGO) bench -p tidings-api --bench scale

test: toolchain fmt-check clippy test-sqlite test-postgres wasm-check spa-unit spa spa-lint server-debug contract e2e
	@echo "All checks passed."
