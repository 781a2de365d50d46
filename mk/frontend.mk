# The SPA (frontend/): a Leptos CSR crate built to wasm32, bound with wasm-bindgen,
# shrunk with binaryen's wasm-opt, and laid out with its static files in frontend/dist,
# which the server serves. Included by the root Makefile; paths are relative to the
# repository root.
#
#   make spa        build frontend/dist (incremental: a no-change run does nothing)
#   make spa-size   print the gzipped size of the shipped wasm + js
#   make spa-lint   clippy (wasm32, -D warnings) and rustfmt for the SPA crate
#   make spa-clean  remove frontend/dist

CARGO ?= cargo
NPM ?= npm
# A target directory of its own, so wasm builds never wait on the server's cargo lock.
CARGO_TARGET_DIR_WASM ?= $(HOME)/.cache/tidings-wasm-target
WASM_TARGET := wasm32-unknown-unknown
WASM_PROFILE := wasm-release
WASM_BINDGEN ?= wasm-bindgen
# The CLI must match the wasm-bindgen crate exactly, so read the version off Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3; exit }' Cargo.lock)

SPA_DIR := frontend
SPA_DIST := $(SPA_DIR)/dist
SPA_PKG := $(SPA_DIST)/pkg
SPA_RAW_WASM := $(CARGO_TARGET_DIR_WASM)/$(WASM_TARGET)/$(WASM_PROFILE)/tidings_frontend.wasm
SPA_BUILD_STAMP := $(CARGO_TARGET_DIR_WASM)/tidings-frontend.stamp
SPA_WASM := $(SPA_PKG)/tidings_frontend_bg.wasm
SPA_JS := $(SPA_PKG)/tidings_frontend.js
# Debian's wasm-opt is broken; binaryen from npm, pinned in frontend/package-lock.json.
WASM_OPT := $(SPA_DIR)/node_modules/.bin/wasm-opt
# The features rustc's wasm32 target emits; wasm-opt must accept them all.
WASM_OPT_FLAGS := -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
	--enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue

# Everything the wasm build reads: the SPA, the domain crate it shares with the server,
# and the workspace manifests.
SPA_INPUTS := $(shell find $(SPA_DIR)/src crates/domain/src -name '*.rs' 2>/dev/null) \
	$(SPA_DIR)/Cargo.toml crates/domain/Cargo.toml Cargo.toml Cargo.lock rust-toolchain.toml

.PHONY: spa spa-size spa-lint spa-clean spa-tools

spa: $(SPA_DIST)/index.html $(SPA_DIST)/style.css $(SPA_JS) $(SPA_WASM)

# Checked on every run (cheap) but order-only, so a tool check never forces a rebuild.
spa-tools:
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' \
		|| rustup target add $(WASM_TARGET)
	@if [ "$$($(WASM_BINDGEN) --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
		echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) to match Cargo.lock"; \
		$(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi

$(WASM_OPT): $(SPA_DIR)/package.json $(SPA_DIR)/package-lock.json
	cd $(SPA_DIR) && $(NPM) ci --no-audit --no-fund
	@touch $@

# Cargo runs when an input changed; it relinks the wasm only when that changed the
# program, and make re-reads the wasm's time, so a Cargo.lock edit for the server
# does not redo the (slow) wasm-bindgen and wasm-opt steps.
$(SPA_BUILD_STAMP): $(SPA_INPUTS) | spa-tools
	CARGO_TARGET_DIR=$(CARGO_TARGET_DIR_WASM) $(CARGO) build -p tidings-frontend \
		--target $(WASM_TARGET) --profile $(WASM_PROFILE)
	@touch $@

$(SPA_RAW_WASM): $(SPA_BUILD_STAMP)
	@test -f $@ || { echo "$@ is missing: cargo did not build it"; exit 1; }

# wasm-bindgen writes both the js glue and the wasm; wasm-opt then shrinks the wasm in place.
$(SPA_WASM): $(SPA_RAW_WASM) $(WASM_OPT) | spa-tools
	$(WASM_BINDGEN) --target web --no-typescript --out-dir $(SPA_PKG) $(SPA_RAW_WASM)
	$(WASM_OPT) $(WASM_OPT_FLAGS) $@ -o $@
	@touch $(SPA_JS)

$(SPA_JS): $(SPA_WASM)
	@test -f $@ || { echo "$@ is missing: wasm-bindgen did not write it"; exit 1; }

$(SPA_DIST)/%: $(SPA_DIR)/%
	@mkdir -p $(@D)
	cp $< $@

spa-size: spa
	@wasm=$$(gzip -9 -c $(SPA_WASM) | wc -c); js=$$(gzip -9 -c $(SPA_JS) | wc -c); \
	css=$$(gzip -9 -c $(SPA_DIST)/style.css | wc -c); \
	printf '%-28s %9s %9s\n' file bytes gzipped; \
	printf '%-28s %9d %9d\n' tidings_frontend_bg.wasm $$(wc -c < $(SPA_WASM)) $$wasm; \
	printf '%-28s %9d %9d\n' tidings_frontend.js $$(wc -c < $(SPA_JS)) $$js; \
	printf '%-28s %9d %9d\n' style.css $$(wc -c < $(SPA_DIST)/style.css) $$css; \
	printf '%-28s %9s %9d\n' 'wasm + js' '' $$((wasm + js))

spa-lint: | spa-tools
	CARGO_TARGET_DIR=$(CARGO_TARGET_DIR_WASM) $(CARGO) clippy -p tidings-frontend \
		--target $(WASM_TARGET) -- -D warnings
	$(CARGO) fmt -p tidings-frontend --check

spa-clean:
	rm -rf $(SPA_DIST)
