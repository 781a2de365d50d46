# The SPA (frontend/): a Leptos CSR crate built to wasm32 once per bundle (a group of
# screens; frontend/src/bundles.rs), each bound with wasm-bindgen, shrunk with
# binaryen's wasm-opt, and laid out with its static files in frontend/dist, which the
# server serves. Included by the root Makefile; paths are relative to the repository
# root.
#
#   make spa        build frontend/dist (incremental: a no-change run does nothing)
#   make spa-size   print the size of each bundle's wasm + js as the server sends it
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

SPA_DIR := frontend
SPA_DIST := $(SPA_DIR)/dist
SPA_PKG := $(SPA_DIST)/pkg
# One bundle per `bundle-*` feature of the crate; index.html picks one by path.
SPA_BUNDLES := home campaign inbox insight wizard wizard-list wizard-message wizard-launch lists settings
SPA_RAW_WASM := $(CARGO_TARGET_DIR_WASM)/$(WASM_TARGET)/$(WASM_PROFILE)/tidings_frontend.wasm
# Each bundle's raw wasm, copied out of cargo's output (every bundle builds to the same
# file), and its stamp: kept in the checkout, since the target directory is shared by
# every clone on the machine and another clone's build must not pass for this one's.
SPA_BUNDLE_RAW := $(SPA_DIR)/.bundles
# Cargo's output file is shared by every clone's builds: one bundle build at a time.
SPA_BUNDLE_LOCK := $(CARGO_TARGET_DIR_WASM)/.tidings-bundle.lock
SPA_BUNDLE_FILES := $(foreach bundle,$(SPA_BUNDLES),\
	$(SPA_PKG)/$(bundle)/tidings_frontend.js $(SPA_PKG)/$(bundle)/tidings_frontend_bg.wasm)
# Debian's wasm-opt is broken; binaryen from npm, pinned in frontend/package-lock.json.
WASM_OPT := $(SPA_DIR)/node_modules/.bin/wasm-opt
# The compressed copies the server sends (gzip -9 and brotli; see frontend/precompress.mjs).
define precompress
	gzip -9 -n -c $(1) > $(1).gz
	node $(SPA_DIR)/precompress.mjs $(1)
endef
# The features rustc's wasm32 target emits; wasm-opt must accept them all. Rebuilding
# the control flow (flatten, rereloop) before two -Oz rounds ships about 1% less than
# -Oz alone (4 KB a bundle, measured on the campaign bundle), for ~15 s more a bundle.
WASM_OPT_FLAGS := --flatten --rereloop -Oz -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
	--enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue

# Everything the wasm build reads: the SPA, the domain crate it shares with the server,
# and the workspace manifests.
SPA_INPUTS := $(shell find $(SPA_DIR)/src crates/domain/src -name '*.rs' 2>/dev/null) \
	$(SPA_DIR)/Cargo.toml crates/domain/Cargo.toml Cargo.toml Cargo.lock rust-toolchain.toml

.PHONY: spa spa-size spa-lint spa-unit spa-clean spa-tools

spa: $(SPA_DIST)/index.html $(SPA_DIST)/boot.js $(SPA_DIST)/start.js $(SPA_DIST)/style.css $(SPA_DIST)/style.css.gz $(SPA_BUNDLE_FILES)

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

# Cargo runs when an input changed. Every bundle builds to the same output file, so a
# lock keeps `make -j` (or another clone) from copying another bundle's wasm, and the
# copy is only replaced when the program changed: then a Cargo.lock edit for the
# server does not redo the (slow) wasm-bindgen and wasm-opt steps.
$(SPA_BUNDLE_RAW)/%.stamp: $(SPA_INPUTS) | spa-tools
	@mkdir -p $(@D) $(CARGO_TARGET_DIR_WASM)
	flock $(SPA_BUNDLE_LOCK) sh -c '\
		CARGO_TARGET_DIR=$(CARGO_TARGET_DIR_WASM) $(CARGO) build -p tidings-frontend --target $(WASM_TARGET) \
			--profile $(WASM_PROFILE) --no-default-features --features bundle-$* \
		&& { cmp -s $(SPA_RAW_WASM) $(SPA_BUNDLE_RAW)/$*.wasm || cp $(SPA_RAW_WASM) $(SPA_BUNDLE_RAW)/$*.wasm; }'
	@touch $@

# Kept between runs: they are what tells make whether a bundle changed.
.PRECIOUS: $(SPA_BUNDLE_RAW)/%.stamp $(SPA_BUNDLE_RAW)/%.wasm

$(SPA_BUNDLE_RAW)/%.wasm: $(SPA_BUNDLE_RAW)/%.stamp
	@test -f $@ || { echo "$@ is missing: cargo did not build it"; exit 1; }

# wasm-bindgen writes both the js glue and the wasm; wasm-opt then shrinks the wasm in place.
$(SPA_PKG)/%/tidings_frontend_bg.wasm: $(SPA_BUNDLE_RAW)/%.wasm $(WASM_OPT) | spa-tools
	$(WASM_BINDGEN) --target web --no-typescript --out-dir $(@D) --out-name tidings_frontend $<
	$(WASM_OPT) $(WASM_OPT_FLAGS) $@ -o $@
	$(call precompress,$@)
	$(call precompress,$(@D)/tidings_frontend.js)
	@touch $(@D)/tidings_frontend.js

$(SPA_PKG)/%/tidings_frontend.js: $(SPA_PKG)/%/tidings_frontend_bg.wasm
	@test -f $@ || { echo "$@ is missing: wasm-bindgen did not write it"; exit 1; }

$(SPA_DIST)/%: $(SPA_DIR)/%
	@mkdir -p $(@D)
	cp $< $@

$(SPA_DIST)/style.css.gz: $(SPA_DIST)/style.css
	$(call precompress,$<)

# A page loads one bundle: its wasm + js, in the compressed copies the server sends, is
# what the browser downloads for it (brotli where the browser accepts it, else gzip).
spa-size: spa
	@printf '%-15s %12s %12s %16s %16s\n' bundle 'wasm (gzip)' 'js (gzip)' 'wasm + js (gzip)' 'wasm + js (br)'; \
	size() { wc -c < $$1; }; largest=0; total=0; \
	for bundle in $(SPA_BUNDLES); do \
		dir=$(SPA_PKG)/$$bundle; \
		wasm=$$(size $$dir/tidings_frontend_bg.wasm.gz); js=$$(size $$dir/tidings_frontend.js.gz); \
		br=$$(( $$(size $$dir/tidings_frontend_bg.wasm.br) + $$(size $$dir/tidings_frontend.js.br) )); \
		printf '%-15s %12d %12d %16d %16d\n' $$bundle $$wasm $$js $$((wasm + js)) $$br; \
		total=$$((total + wasm + js)); [ $$((wasm + js)) -gt $$largest ] && largest=$$((wasm + js)); \
	done; \
	printf '%-15s %12s %12s %16d\n' largest '' '' $$largest; \
	printf '%-15s %12s %12s %16d\n' all '' '' $$total; \
	printf '%-15s %12s %12s %16d %16d\n' style.css '' '' $$(size $(SPA_DIST)/style.css.gz) $$(size $(SPA_DIST)/style.css.br)

spa-lint: | spa-tools
	CARGO_TARGET_DIR=$(CARGO_TARGET_DIR_WASM) $(CARGO) clippy -p tidings-frontend \
		--target $(WASM_TARGET) -- -D warnings
	$(CARGO) fmt -p tidings-frontend --check

# The SPA's plain logic (zone formatting, the CSV preview, the composer's history,
# chart scales) needs no browser: tested natively, with every screen compiled.
spa-unit:
	$(CARGO) test -p tidings-frontend --lib

spa-clean:
	rm -rf $(SPA_DIST) $(SPA_BUNDLE_RAW)
