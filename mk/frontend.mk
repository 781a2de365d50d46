# The SPA (frontend/): one Leptos CSR crate built to wasm32, split by the framework into
# a main module and the chunks each screen fetches the first time it is opened (the
# lazy routes of frontend/src/chunks.rs, split with wasm-split-cli), bound with
# wasm-bindgen, shrunk with binaryen's wasm-opt, and laid out with its static files in
# frontend/dist, which the server serves. Included by the root Makefile; paths are
# relative to the repository root.
#
#   make spa        build frontend/dist (incremental: a no-change run does nothing)
#   make spa-size   what the first page (sign-in, then Campaigns) and a walk through
#                   every screen download, compressed as the server sends them
#   make spa-lint   clippy (wasm32, -D warnings) and rustfmt for the SPA crate
#   make spa-unit   the SPA's unit tests, run natively
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
# The splitter of the lazy routes: the CLI of the wasm_split_cli_support crate whose
# runtime half (wasm_split_helpers) Leptos links in. 0.2.3 or later reads the modules
# of wasm-bindgen 0.2.128 and later.
WASM_SPLIT ?= wasm-split-cli
WASM_SPLIT_VERSION := 0.2.4

SPA_DIR := frontend
SPA_DIST := $(SPA_DIR)/dist
SPA_PKG := $(SPA_DIST)/pkg
SPA_RAW_WASM := $(CARGO_TARGET_DIR_WASM)/$(WASM_TARGET)/$(WASM_PROFILE)/tidings_frontend.wasm
# The raw module, copied out of cargo's output, and its stamp: kept in the checkout,
# since the target directory is shared by every clone on the machine and another
# clone's build must not pass for this one's.
SPA_RAW := $(SPA_DIR)/.raw
SPA_RAW_LOCK := $(CARGO_TARGET_DIR_WASM)/.tidings-raw.lock
# Written last by the split: the main module's js, which index.html loads.
SPA_MAIN_JS := $(SPA_PKG)/tidings_frontend.js
# Debian's wasm-opt is broken; binaryen from npm, pinned in frontend/package-lock.json.
WASM_OPT := $(SPA_DIR)/node_modules/.bin/wasm-opt
# The features rustc's wasm32 target emits; wasm-opt must accept them all. Rebuilding
# the control flow (flatten, rereloop) before two -Oz rounds ships about 1% less than
# -Oz alone, for ~15 s more on the main module.
WASM_OPT_FLAGS := --flatten --rereloop -Oz -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
	--enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue

# Everything the wasm build reads: the SPA, the domain crate it shares with the server,
# and the workspace manifests.
SPA_INPUTS := $(shell find $(SPA_DIR)/src crates/domain/src -name '*.rs' 2>/dev/null) \
	$(SPA_DIR)/Cargo.toml crates/domain/Cargo.toml Cargo.toml Cargo.lock rust-toolchain.toml .cargo/config.toml

.PHONY: spa spa-size spa-lint spa-unit spa-clean spa-tools

spa: $(SPA_DIST)/index.html $(SPA_DIST)/start.js $(SPA_DIST)/style.css $(SPA_DIST)/style.css.gz $(SPA_MAIN_JS)

# Checked on every run (cheap) but order-only, so a tool check never forces a rebuild.
spa-tools:
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' \
		|| rustup target add $(WASM_TARGET)
	@if [ "$$($(WASM_BINDGEN) --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
		echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) to match Cargo.lock"; \
		$(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi
	@if ! $(CARGO) install --list | grep -qx 'wasm_split_cli_support v$(WASM_SPLIT_VERSION):'; then \
		echo "Installing wasm-split-cli $(WASM_SPLIT_VERSION)"; \
		$(CARGO) install wasm_split_cli_support@$(WASM_SPLIT_VERSION) --locked --features build-binary; \
	fi

$(WASM_OPT): $(SPA_DIR)/package.json $(SPA_DIR)/package-lock.json
	cd $(SPA_DIR) && $(NPM) ci --no-audit --no-fund
	@touch $@

# Cargo runs when an input changed. wasm-split needs the linker's relocations
# (--emit-relocs), passed to the final link only, so the dependencies build as clippy
# and wasm-check build them. The copy is only replaced when the program changed: then a
# Cargo.lock edit for the server does not redo the (slow) split and wasm-opt steps. A
# lock keeps another clone from copying a module it did not build.
$(SPA_RAW)/stamp: $(SPA_INPUTS) | spa-tools
	@mkdir -p $(@D) $(CARGO_TARGET_DIR_WASM)
	flock $(SPA_RAW_LOCK) sh -c '\
		CARGO_TARGET_DIR=$(CARGO_TARGET_DIR_WASM) $(CARGO) rustc -p tidings-frontend --lib --target $(WASM_TARGET) \
			--profile $(WASM_PROFILE) -- -C link-args=--emit-relocs \
		&& { cmp -s $(SPA_RAW_WASM) $(SPA_RAW)/tidings_frontend.wasm || cp $(SPA_RAW_WASM) $(SPA_RAW)/tidings_frontend.wasm; }'
	@touch $@

.PRECIOUS: $(SPA_RAW)/stamp $(SPA_RAW)/tidings_frontend.wasm

$(SPA_RAW)/tidings_frontend.wasm: $(SPA_RAW)/stamp
	@test -f $@ || { echo "$@ is missing: cargo did not build it"; exit 1; }

# Split the module at the lazy routes (main module, one module per screen, the chunks
# they share, and __wasm_split.js, which fetches them); bind the main module's js with
# wasm-bindgen (keeping the exports the chunks import); shrink every module; write the
# compressed copies. Built aside and swapped in, so a failed step leaves no half app.
$(SPA_MAIN_JS): $(SPA_RAW)/tidings_frontend.wasm $(WASM_OPT) | spa-tools
	rm -rf $(SPA_PKG).new && mkdir -p $(SPA_PKG).new
	$(WASM_SPLIT) --target web --out-name tidings_frontend $< $(SPA_PKG).new
	$(WASM_BINDGEN) --target web --no-typescript --keep-lld-exports --no-demangle \
		--out-dir $(SPA_PKG).new --out-name tidings_frontend $(SPA_PKG).new/tidings_frontend.wasm
	rm $(SPA_PKG).new/tidings_frontend.wasm
	ls $(SPA_PKG).new/*.wasm | xargs -P 2 -I{} $(WASM_OPT) $(WASM_OPT_FLAGS) {} -o {}
	ls $(SPA_PKG).new/*.wasm $(SPA_PKG).new/*.js | xargs -P 2 -I{} sh -c 'gzip -9 -n -c {} > {}.gz'
	node $(SPA_DIR)/precompress.mjs $(SPA_PKG).new/*.wasm $(SPA_PKG).new/*.js
	rm -rf $(SPA_PKG) && mv $(SPA_PKG).new $(SPA_PKG)

$(SPA_DIST)/%: $(SPA_DIR)/%
	@mkdir -p $(@D)
	cp $< $@

$(SPA_DIST)/style.css.gz: $(SPA_DIST)/style.css
	gzip -9 -n -c $< > $@
	node $(SPA_DIR)/precompress.mjs $<

# What a browser downloads, in the compressed copies the server sends (gzip, and
# brotli where the browser accepts it): the first page (sign-in, then the Campaigns
# page) and a walk through every screen (every module once). frontend/spa-size.mjs
# reads which chunks each screen needs from __wasm_split.js.
spa-size: spa
	@node $(SPA_DIR)/spa-size.mjs $(SPA_PKG)

spa-lint: | spa-tools
	CARGO_TARGET_DIR=$(CARGO_TARGET_DIR_WASM) $(CARGO) clippy -p tidings-frontend \
		--target $(WASM_TARGET) -- -D warnings
	$(CARGO) fmt -p tidings-frontend --check

# The SPA's plain logic (zone formatting, the CSV preview, the composer's history,
# chart scales) needs no browser: tested natively, with every screen compiled.
spa-unit:
	$(CARGO) test -p tidings-frontend --lib

spa-clean:
	rm -rf $(SPA_DIST) $(SPA_RAW)
