# Customer Room — the two commands:
#   make run    start the room with the demo library and print its URLs
#   make test   run every test (vet, gofmt, go test -race, browser tests)
# Both install missing system packages first (apt-get; sudo when not root).

GO_VERSION := 1.26.8
TAGS       := sqlite_fts5
DATA       ?= ./data
ADDR       ?= :8080
AUDIO      ?= auto
BIN        := bin/customer-room
STATICCHECK_VERSION := v0.8.2
TOOLS      := $(HOME)/.cache/customer-room/tools

# Debian packages the build needs, and those the tests need on top.
BUILD_PKGS := gcc libc6-dev pkg-config libasound2-dev ca-certificates curl unzip
TEST_PKGS  := chromium alsa-utils libasound2-plugins qemu-user
# The benchmarks compare with reference tools and encode long test files.
BENCH_PKGS := ffmpeg sox libsox-fmt-all lame opus-tools hyperfine time mpd mpc python3

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Go from PATH, /usr/local/go, or a copy fetched from the Go module proxy.
GO := $(shell command -v go 2>/dev/null || ls /usr/local/go/bin/go 2>/dev/null || echo $(HOME)/.cache/customer-room/go/bin/go)
export CGO_ENABLED := 1

.PHONY: run test build bench fuzz corpus-check deps test-deps go staticcheck fmt clean vendor vendor-axe deb deb-install-test

run: build
	$(BIN) serve --data $(DATA) --addr $(ADDR) --audio $(AUDIO)

build: deps go
	$(GO) build -tags $(TAGS) -ldflags "-X main.version=$$(git describe --always --dirty 2>/dev/null || echo dev)" -o $(BIN) ./cmd/customer-room

test: deps test-deps go staticcheck
	@test -z "$$($(GO)fmt -l $$(git ls-files '*.go') 2>/dev/null)" || { echo "gofmt needed:"; $(GO)fmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) mod tidy -diff
	$(GO) vet -tags $(TAGS) ./...
	$(TOOLS)/staticcheck -tags $(TAGS) ./...
	$(GO) test -race -tags $(TAGS) -count=1 -timeout 15m ./...
	@# The resampler's arm64 kernel (the Raspberry Pi's), run under qemu.
	GOARCH=arm64 CGO_ENABLED=0 $(GO) test -c -o $(TOOLS)/polyphase.arm64.test ./player/internal/polyphase
	qemu-aarch64 $(TOOLS)/polyphase.arm64.test -test.count=1

bench: deps test-deps go
	@missing=""; for p in $(BENCH_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi
	GO=$(GO) ./scripts/bench

# fuzz runs every fuzz target for FUZZTIME each (default 10s), one at a time on
# one worker, and prints execs/s and what each found; FUZZ=FuzzWAV picks
# targets. `make test` only replays the committed seeds (testdata/fuzz/).
FUZZTIME ?= 10s
fuzz: deps go
	GO=$(GO) FUZZTIME=$(FUZZTIME) ./scripts/fuzz $(FUZZ)

# corpus-check imports the shared sample corpus (../shared/corpus/samples) and
# compares every call with its reference figures.
corpus-check: deps go
	GO=$(GO) ./scripts/corpus-check $(CORPUS)

# deps installs the build's Debian packages that are missing.
deps:
	@missing=""; for p in $(BUILD_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

test-deps:
	@missing=""; for p in $(TEST_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

# go fetches the Go toolchain from the module proxy when the machine has none.
go:
	@if [ ! -x "$(GO)" ]; then \
	arch=$$(dpkg --print-architecture); dir=$(HOME)/.cache/customer-room; mkdir -p $$dir; \
	echo "fetching Go $(GO_VERSION) for $$arch"; \
	curl -fsSL -o $$dir/go.zip https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go$(GO_VERSION).linux-$$arch.zip && \
	rm -rf $$dir/go $$dir/golang.org && unzip -q $$dir/go.zip -d $$dir && \
	mv "$$dir/golang.org/toolchain@v0.0.1-go$(GO_VERSION).linux-$$arch" $$dir/go && rm -rf $$dir/go.zip $$dir/golang.org && \
	chmod +x $$dir/go/bin/* $$dir/go/pkg/tool/*/*; fi

# deb builds dist/customer-room_VERSION_ARCH.deb for this machine's
# architecture and checks it (metadata, contents, systemd-analyze verify).
deb: deps go
	GO=$(GO) ./scripts/deb --check

# deb-install-test installs the package into a fresh minimal Debian
# (debootstrap, chroot; needs root), starts the room as its user, then
# removes and purges it (see scripts/deb-install-test). About a minute.
deb-install-test: deb
	./scripts/deb-install-test $$(ls -t dist/*.deb | head -1)

# staticcheck installs the linter `make test` runs, from the Go module proxy.
staticcheck: go
	@[ -x $(TOOLS)/staticcheck ] && $(TOOLS)/staticcheck -version | grep -q "($(STATICCHECK_VERSION:v%=%))" || \
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# vendor fetches the studio's waveform library, wavesurfer.js (BSD-3-Clause), from the npm
# registry (https://registry.npmjs.org/wavesurfer.js/-/wavesurfer.js-VERSION.tgz) into
# static/vendor/wavesurfer.js-VERSION/: the ES module builds and the licence. The files are
# committed; the build never needs the network.
WAVESURFER_VERSION := 7.12.12
vendor:
	@dir=static/vendor/wavesurfer.js-$(WAVESURFER_VERSION); tmp=$$(mktemp -d); \
	curl -fsSL -o $$tmp/ws.tgz https://registry.npmjs.org/wavesurfer.js/-/wavesurfer.js-$(WAVESURFER_VERSION).tgz && \
	tar -xzf $$tmp/ws.tgz -C $$tmp package/LICENSE package/dist/wavesurfer.esm.js package/dist/plugins/regions.esm.js && \
	rm -rf $$dir && mkdir -p $$dir/plugins && \
	cp $$tmp/package/LICENSE $$tmp/package/dist/wavesurfer.esm.js $$dir/ && \
	cp $$tmp/package/dist/plugins/regions.esm.js $$dir/plugins/ && rm -rf $$tmp && echo "vendored $$dir"

fmt: go
	$(GO)fmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin

# vendor-axe fetches axe-core (accessibility rules the kiosk's browser tests
# run on every screen) from the npm registry, checks the tarball against the
# registry's sha512, and keeps only the minified script and its licence in
# static/vendor/axe-core-VERSION/. It is a test tool: the room never serves it
# (static.FS does not embed static/vendor).
AXE_VERSION   := 4.14.1
AXE_INTEGRITY := sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
AXE_DIR       := static/vendor/axe-core-$(AXE_VERSION)
vendor-axe:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	curl -fsSL -o $$tmp/axe.tgz https://registry.npmjs.org/axe-core/-/axe-core-$(AXE_VERSION).tgz; \
	got="sha512-$$(openssl dgst -sha512 -binary $$tmp/axe.tgz | base64 -w0)"; \
	[ "$$got" = "$(AXE_INTEGRITY)" ] || { echo "axe-core $(AXE_VERSION): integrity $$got, want $(AXE_INTEGRITY)"; exit 1; }; \
	tar -xzf $$tmp/axe.tgz -C $$tmp package/axe.min.js package/LICENSE; \
	mkdir -p $(AXE_DIR); cp $$tmp/package/axe.min.js $$tmp/package/LICENSE $(AXE_DIR)/; \
	printf 'axe-core %s from https://registry.npmjs.org/axe-core/-/axe-core-%s.tgz (%s), by `make vendor-axe`.\n' $(AXE_VERSION) $(AXE_VERSION) "$(AXE_INTEGRITY)" > $(AXE_DIR)/SOURCE; \
	echo "vendored $(AXE_DIR)"
